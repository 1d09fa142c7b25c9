/** `gerbang return-data status | dead-letters | retry --id ID | --all` on the instance's outbox. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { locateInstance } from '../config/instance.ts';
import { OutboxStore } from '../return-data/outbox.ts';
import { CliError, EXIT, say } from './output.ts';

const USAGE = `usage:
  gerbang return-data status              deliveries by state
  gerbang return-data dead-letters        deliveries that gave up, with the last error
  gerbang return-data retry --id ID | --all
                                          put dead letters back in the queue (a running gateway picks them up)`;

export function returnDataCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { id: { type: 'string', multiple: true }, all: { type: 'boolean', default: false } },
    strict: true,
  });
  const outbox = new OutboxStore(join(locateInstance().dataDir, 'outbox.db'));
  try {
    switch (sub) {
      case 'status': {
        const counts = outbox.counts();
        say(
          `queued ${counts.queued}, delivered ${counts.delivered}, failed (dead letters) ${counts.failed}; NIKs held for delivery: ${counts.payloads}`,
        );
        return Promise.resolve();
      }
      case 'dead-letters':
        for (const d of outbox.deadLetters())
          say(`${d.id}  ${d.client}  ${d.reference}  ${d.attempts} attempts  ${d.lastError ?? ''}`);
        return Promise.resolve();
      case 'retry': {
        if (!values.all && values.id === undefined) throw new CliError(USAGE, EXIT.usage);
        const changed = outbox.retry(values.all ? 'all-failed' : (values.id ?? []), Date.now());
        say(`${changed} dead letter(s) queued again`);
        return Promise.resolve();
      }
      default:
        throw new CliError(USAGE, EXIT.usage);
    }
  } finally {
    outbox.close();
  }
}
