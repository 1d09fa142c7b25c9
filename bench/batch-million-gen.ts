/**
 * Writes the input of the million-row verify-batch run (bench/batch-million.sh):
 * test/helpers/batch-file.ts's generator — residents of the simulator's population with seeded
 * mismatches, unknown NIKs, malformed and incomplete rows — in chunks of 50,000 rows with their
 * own seeds (so NIKs repeat across chunks, as in a real file), the header once. The file holds
 * the simulator's synthetic residents; it is written mode 0600 and the script deletes it.
 * usage: node bin/run-ts.js bench/batch-million-gen.ts OUT.csv [ROWS]
 * Prints the outcome counts the file was generated with, to compare with the output's.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { generateBatch } from '../test/helpers/batch-file.ts';

const out = process.argv[2];
const rows = Number(process.argv[3] ?? 1_000_000);
if (out === undefined) throw new Error('usage: batch-million-gen.ts OUT.csv [ROWS]');
const chunk = 50_000;
const fd = openSync(out, 'w', 0o600);
const counts: Record<string, number> = {};
for (let done = 0, seed = 1; done < rows; done += chunk, seed++) {
  const batch = generateBatch(Math.min(chunk, rows - done), 20261121 + seed);
  const text = batch.csv;
  writeSync(fd, done === 0 ? text : text.slice(text.indexOf('\n') + 1));
  for (const [k, v] of Object.entries(batch.counts)) counts[k] = (counts[k] ?? 0) + v;
}
closeSync(fd);
process.stdout.write(`${JSON.stringify(counts)}\n`);
