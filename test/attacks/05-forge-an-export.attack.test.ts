/**
 * Attack 5: an export edited where its signatures did not reach. A made-up start marker to drop
 * the first records, a header and a start line alone, duplicate JSON keys (read one way by
 * `JSON.parse`, another by a person), a changed instance or export time, an export cut after an
 * intermediate checkpoint, lines the verifier does not know. The defence: the seal, the current
 * audit key's signature over the header, the start marker and the record count; and a parser that
 * accepts only the exporter's own canonical lines.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MerkleFrontier } from '../../audit/merkle.ts';
import {
  disposeInstance,
  prepareInstance,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { cli, lookup, startGatewayAt, stopGateway } from './gateway-process.ts';

type Line = { kind: string } & Record<string, unknown>;

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
let lines: Line[] = [];
let texts: string[] = [];
beforeAll(async () => {
  instance = await prepareInstance();
  for (const round of ['a', 'b']) {
    gateway = await startGatewayAt(instance);
    for (let i = 0; i < 4; i++) await lookup(instance, `SURAT/2026/${round}${i}`);
    // A stop seals what is unsealed: an intermediate checkpoint between the rounds.
    await stopGateway(gateway);
    gateway = undefined;
  }
  const file = join(instance.dir, 'export.jsonl');
  const exported = cli(instance, ['audit', 'export', '--out', file]);
  expect(exported.status, exported.stderr).toBe(0);
  texts = readFileSync(file, 'utf8').trimEnd().split('\n');
  lines = texts.map((t) => JSON.parse(t) as Line);
}, 120_000);
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

/** `gerbang audit verify FILE` of these lines, as an evaluator runs it. */
function verifyText(name: string, text: string): { status: number | null; output: string } {
  const at = instance as PreparedInstance;
  const file = join(at.dir, `${name}.jsonl`);
  writeFileSync(file, text);
  const run = cli(at, ['audit', 'verify', file]);
  return { status: run.status, output: run.stdout + run.stderr };
}
const verifyLines = (name: string, edited: readonly Line[]) =>
  verifyText(name, `${edited.map((l) => JSON.stringify(l)).join('\n')}\n`);

describe('attack 05: forge the unsigned parts of an export', () => {
  it('the untouched export verifies, sealed', () => {
    expect(lines.at(-1)?.kind).toBe('seal');
    expect(lines.filter((l) => l.kind === 'checkpoint').length).toBeGreaterThanOrEqual(2);
    expect(verifyLines('untouched', lines).status).toBe(0);
  });

  it('a made-up start marker that drops the first records fails', () => {
    const records = lines.filter((l) => l.kind === 'record');
    const dropped = records.slice(0, 3).map((l) => (l['record'] as { hash: string }).hash);
    const frontier = new MerkleFrontier();
    for (const hash of dropped) frontier.append(Buffer.from(hash, 'hex'));
    const start: Line = {
      kind: 'start',
      treeSize: 3,
      lastHash: dropped.at(-1) ?? '',
      frontier: frontier.toNodes(),
    };
    const [header, ...rest] = lines;
    const kept = rest.filter(
      (l) => !(l.kind === 'record' && (l['record'] as { seq: number }).seq <= 3),
    );
    const run = verifyLines('start', [header as Line, start, ...kept]);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/seal does not verify/);
  });

  it('a header and a start line alone fail', () => {
    const start: Line = {
      kind: 'start',
      treeSize: 1,
      lastHash: '0'.repeat(64),
      frontier: [{ size: 1, hash: '0'.repeat(64) }],
    };
    const run = verifyLines('empty', [lines[0] as Line, start]);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/not covered by a signature|no records|no seal/);
  });

  it('a duplicate key in a record fails, whichever value a reader would take', () => {
    const index = texts.findIndex((t) => t.includes('"operator":"petugas.01"'));
    expect(index).toBeGreaterThan(0);
    const edited = [...texts];
    edited[index] = (texts[index] ?? '').replace(
      '"operator":"petugas.01"',
      '"operator":"someone.else","operator":"petugas.01"',
    );
    const run = verifyText('duplicate', `${edited.join('\n')}\n`);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/canonical form/);
  });

  it('a changed instance or export time in the header fails', () => {
    for (const change of [
      { instance: 'another-agency' },
      { exportedAt: '2020-01-01T00:00:00.000Z' },
    ]) {
      const run = verifyLines('header', [{ ...(lines[0] as Line), ...change }, ...lines.slice(1)]);
      expect(run.status).toBe(1);
      expect(run.output).toMatch(/seal does not verify|checkpoint of another instance/);
    }
  });

  it('an export cut just after an intermediate checkpoint fails', () => {
    const cut = lines.findIndex((l) => l.kind === 'checkpoint');
    expect(cut).toBeLessThan(lines.length - 2);
    const run = verifyLines('cut', lines.slice(0, cut + 1));
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/no seal/);
  });

  it('a line of an unknown kind, an unknown field or an old unsigned format fails', () => {
    const extra = verifyLines('kind', [
      ...lines.slice(0, 2),
      { kind: 'note', text: 'fine' },
      ...lines.slice(2),
    ]);
    expect(extra.status).toBe(1);
    expect(extra.output).toMatch(/unknown line kind/);
    const field = verifyLines('field', [
      { ...(lines[0] as Line), comment: 'fine' },
      ...lines.slice(1),
    ]);
    expect(field.status).toBe(1);
    expect(field.output).toMatch(/field the exporter does not write/);
    const old = verifyLines('format', [
      { ...(lines[0] as Line), format: 'gerbang-audit-export/1' },
      ...lines.slice(1),
    ]);
    expect(old.status).toBe(1);
    expect(old.output).toMatch(/unsigned; export the trail again/);
  });
});
