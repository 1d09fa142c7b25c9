/** `gerbang return-data status | dead-letters | retry --id ID | --all` on the instance's outbox. */
import { resolveInstance } from '../config/instance.ts';
import { openOutbox } from '../server/adapters.ts';
import { CliError, EXIT, say } from './output.ts';

export function returnDataCommand(
  sub: 'status' | 'dead-letters' | 'retry',
  values: { id?: string[] | undefined; all?: boolean },
): Promise<void> {
  if (sub === 'retry' && values.all === (values.id !== undefined))
    throw new CliError('give either --id ID (one or more) or --all', EXIT.usage);
  const outbox = openOutbox(resolveInstance().dataDir);
  try {
    switch (sub) {
      case 'status': {
        const counts = outbox.counts();
        say(
          `queued ${counts.queued}, delivered ${counts.delivered}, failed (dead letters) ${counts.failed}; NIKs held for delivery: ${counts.payloads}`,
        );
        return Promise.resolve();
      }
      case 'dead-letters': {
        const dead = outbox.deadLetters();
        if (dead.length === 0) say('no dead letters: every delivery is queued or delivered');
        for (const d of dead)
          say(`${d.id}  ${d.client}  ${d.reference}  ${d.attempts} attempts  ${d.lastError ?? ''}`);
        return Promise.resolve();
      }
      case 'retry': {
        const changed = outbox.retry(
          values.all === true ? 'all-failed' : (values.id ?? []),
          Date.now(),
        );
        say(
          changed === 0
            ? 'nothing queued again: no dead letter has that id (gerbang return-data dead-letters lists them)'
            : `${changed} dead letter(s) queued again`,
        );
        return Promise.resolve();
      }
    }
  } finally {
    outbox.close();
  }
}
