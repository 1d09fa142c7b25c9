/**
 * The old agreement model stored an addendum or renewal as an agreement of its own
 * (`agreements_added`, with its own number and window): where windows overlapped the first one
 * kept governing, so an addendum that narrowed the elements had no effect. This moves each such
 * row into an instrument of the agreement it continues (PKS Pasal 9(2): an addendum is part of
 * the PKS), once, at start. A row is moved only when that agreement is certain: same parties,
 * zone and settings, beginning within or on the day after the agreement's window (a row after a
 * gap stays an agreement of its own, or the gap would be covered). A row with its own
 * termination or ISO 27001 record stays too: those belong to its number. Nothing is guessed; no
 * signed-file hash was ever recorded, so the instrument is marked `migrated`.
 */
import { addDays } from '../../../policies/index.ts';
import type { AgreementConfig, GerbangConfig, InstrumentConfig } from '../../config/index.ts';
import type { StateStore } from '../../../adapters/sqlite/port.ts';
import { checkStoredState } from './stored-state.ts';

export interface MigratedAgreement {
  /** The number the row was stored under, now an instrument's. */
  readonly number: string;
  /** The agreement it now amends. */
  readonly into: string;
  readonly kind: 'addendum' | 'renewal';
}

// What the old `add` copied from the agreement it followed: a difference means another agreement.
const SETTINGS = [
  'timeZone',
  'accessMethod',
  'upstreamMethods',
  'verifyThreshold',
  'returnDataWithinDays',
  'parties',
  'upstream',
  'clients',
  'extensionNoticeMonths',
] as const;

function sameSettings(a: AgreementConfig, b: AgreementConfig): boolean {
  return SETTINGS.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** The last day of `agreement` with every instrument it holds applied. */
function lastDay(agreement: AgreementConfig, extra: readonly InstrumentConfig[]): string {
  return [...(agreement.instruments ?? []), ...extra]
    .filter((instrument) => instrument.validUntil !== undefined)
    .sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : 1))
    .reduce((until, instrument) => instrument.validUntil ?? until, agreement.validUntil);
}

/** Moves what can be moved; returns what it moved. Throws StorageUnavailable as the store does. */
export function migrateStoredAgreements(
  config: GerbangConfig,
  state: StateStore,
  now: number,
): MigratedAgreement[] {
  const rows = state.addedAgreementRows();
  if (rows.length === 0) return [];
  const changes = state.agreementChangeRows();
  const stored = checkStoredState({
    configured: config.agreements.map((agreement) => agreement.number),
    added: rows,
    changes,
    statuses: [],
    readers: [],
  });
  const withOwnRecord = new Set(changes.map((change) => change.number));
  const terminated = new Set(
    changes.filter((change) => change.terminated_at !== null).map((change) => change.number),
  );
  // Agreements a later row may continue: the configured ones, then rows that stay on their own.
  const known: { agreement: AgreementConfig; added: InstrumentConfig[] }[] = config.agreements.map(
    (agreement) => ({ agreement, added: [] }),
  );
  const migrated: MigratedAgreement[] = [];
  for (const row of stored.agreements) {
    const continued = withOwnRecord.has(row.number)
      ? undefined
      : known
          .filter(
            ({ agreement, added }) =>
              sameSettings(agreement, row) &&
              row.validFrom >= agreement.validFrom &&
              row.validFrom <= addDays(lastDay(agreement, added), 1),
          )
          .sort((a, b) => (a.agreement.validFrom < b.agreement.validFrom ? 1 : -1))[0];
    if (continued === undefined) {
      // A terminated agreement is continued by nothing: a later row does not attach to it.
      if (!terminated.has(row.number)) known.push({ agreement: row, added: [] });
      continue;
    }
    const until = lastDay(continued.agreement, continued.added);
    const kind = row.validFrom <= until ? 'addendum' : 'renewal';
    const instrument: InstrumentConfig = {
      kind,
      number: row.number,
      signedOn: row.signedOn,
      effectiveOn: row.validFrom,
      elements: [...row.elements],
      ...(row.validUntil === until ? {} : { validUntil: row.validUntil }),
      migrated: true,
    };
    state.migrateAddedAgreement(row.number, continued.agreement.number, instrument, new Date(now));
    continued.added.push(instrument);
    migrated.push({ number: row.number, into: continued.agreement.number, kind });
  }
  return migrated;
}
