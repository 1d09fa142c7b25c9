/**
 * A state database changed by hand or by an older version: each unusable row is set aside and
 * named, what depends on it is refused, and nothing throws.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { StorageUnavailable } from '../../../adapters/sqlite/port.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { PolicyRegistry } from './registry.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import type { StoredStateProblem } from './stored-state.ts';

const dir = fileTempDir('gerbang-stored-');
let databases = 0;
const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
const DURING = Date.parse('2026-01-15T03:00:00Z');

/** A state database with rows written as `sqlite3 state.db` would, then a registry over it. */
function registryAfter(edit: (db: Database.Database) => void) {
  const path = join(dir, `state-${++databases}.db`);
  const created = new StateDb(path);
  created.changed(); // opened on first use: this creates the schema
  created.close();
  const db = new Database(path);
  edit(db);
  db.close();
  const heard: (readonly StoredStateProblem[])[] = [];
  const registry = new PolicyRegistry(config, new StateDb(path), (problems) =>
    heard.push(problems),
  );
  return { registry, heard };
}

const renewal = (changes: Record<string, unknown>) =>
  JSON.stringify({
    ...config.agreements[0],
    number: 'R-2027',
    validFrom: '2027-02-12',
    validUntil: '2029-02-11',
    ...changes,
  });
const addRow =
  (body: string, number = 'R-2027') =>
  (db: Database.Database) =>
    db
      .prepare('INSERT INTO agreements_added (number, body, added_at) VALUES (?, ?, ?)')
      .run(number, body, '2026-01-01T00:00:00.000Z');

describe('stored state read back', () => {
  it.each([
    [
      'a validUntil in the year 9999',
      renewal({ validUntil: '9999-12-31' }),
      /validUntil must be a calendar date/,
    ],
    [
      'a made-up time zone',
      renewal({ timeZone: 'Not/AZone' }),
      /timeZone must be an IANA time zone/,
    ],
    [
      'a reversed window',
      renewal({ validUntil: '2027-01-01' }),
      /validUntil must not be before validFrom/,
    ],
    ['a body that is not JSON', '{"number": "R-2027", ', /not JSON/],
    ['an unknown element', renewal({ elements: ['agama'] }), /elements/],
  ])('sets aside an added agreement with %s, and keeps the others', (_name, body, problem) => {
    const { registry, heard } = registryAfter(addRow(body));
    expect(registry.agreements().map((a) => a.number)).toEqual([DEMO_AGREEMENT.number]);
    expect(registry.inForce(DURING)).toMatchObject({ state: 'active' });
    // After the configured agreement's end the unusable renewal cannot take over.
    expect(registry.inForce(Date.parse('2027-06-01T00:00:00Z'))?.state).toBe('expired');
    const problems = registry.storedStateProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.where).toBe('state.db agreements_added "R-2027"');
    expect(problems[0]?.problem).toMatch(problem);
    expect(problems[0]?.consequence).toBe('this agreement is not applied: no data flows under it');
    expect(heard).toHaveLength(1);
  });

  it('does not show a key that could carry a NIK', () => {
    const { registry } = registryAfter(addRow('{}', 'X 6474015709900001'));
    expect(registry.storedStateProblems()[0]?.where).toMatch(
      /^state\.db agreements_added row \d+$/,
    );
  });

  it('withholds an agreement whose termination time is out of range (fail closed)', () => {
    const { registry } = registryAfter((db) =>
      db
        .prepare('INSERT INTO agreement_changes (number, terminated_at) VALUES (?, ?)')
        .run(DEMO_AGREEMENT.number, 253_402_300_800_000),
    );
    expect(registry.inForce(DURING)).toBeUndefined();
    expect(registry.storedStateProblems()[0]?.problem).toBe(
      'terminated_at is not an instant from 2000 to 2100',
    );
    expect(registry.storedStateProblems()[0]?.consequence).toMatch(/not in force/);
  });

  it('does not count an ISO 27001 submission date that is not a date', () => {
    const { registry } = registryAfter((db) =>
      db
        .prepare('INSERT INTO agreement_changes (number, iso27001_submitted_on) VALUES (?, ?)')
        .run(DEMO_AGREEMENT.number, 'kemarin'),
    );
    expect(registry.agreements()[0]?.iso27001SubmittedOn).toBeUndefined();
    expect(registry.inForce(DURING)?.state).toBe('active');
    expect(registry.storedStateProblems()).toHaveLength(1);
  });

  it('treats a client whose standing cannot be read as suspended', () => {
    const { registry } = registryAfter((db) =>
      db
        .prepare('INSERT INTO client_status (id, suspended, changed_at) VALUES (?, ?, ?)')
        .run('app-kasir', 7, '2026-01-01T00:00:00.000Z'),
    );
    expect(registry.clientStatus('app-kasir')?.suspended).toBe(true);
    expect(registry.clientStatus('app-pendaftaran')).toBeUndefined();
    expect(registry.storedStateProblems()[0]?.where).toBe('state.db client_status "app-kasir"');
  });

  it('switches off a reader whose SAM fingerprint cannot be read', () => {
    const { registry } = registryAfter((db) =>
      db
        .prepare(
          "INSERT INTO readers VALUES ('reader-01', 'SAM-1', 'pem', 'not-a-fingerprint', 'active', NULL, '2026-01-01T00:00:00.000Z', 'admin-1')",
        )
        .run(),
    );
    expect(registry.reader('reader-01')?.state).toBe('deactivated');
    expect(registry.storedStateProblems()[0]?.consequence).toMatch(/deactivated/);
  });

  it('reports nothing for sound state', () => {
    const { registry, heard } = registryAfter(addRow(renewal({})));
    expect(registry.agreements()).toHaveLength(2);
    expect(registry.storedStateProblems()).toEqual([]);
    expect(heard).toHaveLength(0);
  });
});

describe('a state database that cannot be read at all', () => {
  it('refuses what depends on it, names the file, and comes back once it is mended', () => {
    const path = join(dir, `state-${++databases}.db`);
    writeFileSync(path, randomBytes(8192));
    const heard: (readonly StoredStateProblem[])[] = [];
    const registry = new PolicyRegistry(config, new StateDb(path, { retryMs: 0 }), (problems) =>
      heard.push(problems),
    );
    expect(registry.stateReadable()).toBe(false);
    // Fail closed: not the configured agreement alone, since a termination may be in the file.
    expect(() => registry.inForce(DURING)).toThrow(StorageUnavailable);
    expect(() => registry.clientStatus('app-kasir')).toThrow(StorageUnavailable);
    expect(registry.storedStateProblems()).toEqual([
      {
        where: 'state.db',
        problem: `${path} cannot be used: file is not a database (SQLITE_NOTADB)`,
        consequence: expect.stringMatching(/503 state_unavailable/) as string,
      },
    ]);
    rmSync(path);
    registry.refresh(true);
    expect(registry.stateReadable()).toBe(true);
    expect(registry.inForce(DURING)?.state).toBe('active');
    expect(heard.at(-1)).toEqual([]);
  });

  it('sets aside a stored agreement that would shadow a configured one', () => {
    const { registry } = registryAfter(
      addRow(
        renewal({
          number: DEMO_AGREEMENT.number,
          validFrom: '2000-01-01',
          validUntil: '2100-12-31',
        }),
        DEMO_AGREEMENT.number,
      ),
    );
    expect(registry.inForce(Date.parse('2029-06-01T00:00:00Z'))?.state).toBe('expired');
    expect(registry.storedStateProblems()[0]?.problem).toBe(
      'an agreement with this number is already configured or stored',
    );
  });

  it('does not repeat unknown keys of a stored row, which could be anything', () => {
    const { registry } = registryAfter(
      addRow(renewal({ '6474015709900001': 'SITI KENARI RAHAYU' })),
    );
    const text = JSON.stringify(registry.storedStateProblems());
    expect(text).toMatch(/additional properties/);
    expect(text).not.toMatch(/6474015709900001|SITI/);
  });
});

describe('instruments and suspensions read back', () => {
  const addInstrument =
    (body: string, agreement: string = DEMO_AGREEMENT.number) =>
    (db: Database.Database) =>
      db
        .prepare(
          'INSERT INTO agreement_instruments (number, agreement, body, added_at) VALUES (?, ?, ?, ?)',
        )
        .run('ADD/9', agreement, body, '2026-01-01T00:00:00.000Z');

  it('an instrument that cannot be read withholds its agreement: what it narrows is unknown', () => {
    const { registry } = registryAfter(
      addInstrument(
        JSON.stringify({ kind: 'addendum', number: 'ADD/9', effectiveOn: '2026-02-30' }),
      ),
    );
    expect(registry.inForce(DURING)).toBeUndefined();
    expect(registry.storedStateProblems()).toEqual([
      {
        where: 'state.db agreement_instruments "ADD/9"',
        problem: expect.stringMatching(/effectiveOn must be a calendar date/) as unknown,
        consequence: expect.stringMatching(/not in force/) as unknown,
      },
    ]);
  });

  it('a usable instrument applies; one for no agreement is named and ignored', () => {
    const body = JSON.stringify({
      kind: 'addendum',
      number: 'ADD/9',
      effectiveOn: '2026-01-01',
      sha256: 'a'.repeat(64),
      elements: ['nik'],
    });
    expect(registryAfter(addInstrument(body)).registry.inForce(DURING)?.terms.elements).toEqual([
      'nik',
    ]);
    const orphan = registryAfter(addInstrument(body, 'NO-SUCH'));
    expect(orphan.registry.inForce(DURING)?.terms.elements).toHaveLength(9);
    expect(orphan.registry.storedStateProblems()[0]?.problem).toMatch(/amends no agreement/);
  });

  it('a suspension whose times cannot be read is taken as open (fail closed)', () => {
    const { registry } = registryAfter((db) =>
      db
        .prepare(
          'INSERT INTO agreement_suspensions (agreement, suspended_at, reason, resumed_at, changed_by) VALUES (?, ?, ?, ?, ?)',
        )
        .run(DEMO_AGREEMENT.number, 5, 'x', -1, 'admin-1'),
    );
    expect(registry.inForce(DURING)?.state).toBe('suspended');
    expect(registry.storedStateProblems().map((p) => p.consequence)).toEqual([
      'the agreement is treated as suspended since ever, until the row is mended',
      'the agreement is treated as still suspended until the row is mended',
    ]);
  });
});
