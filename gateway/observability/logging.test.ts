/**
 * The log destination on a device that is always full (/dev/full answers every write with
 * ENOSPC): nothing throws, every failure is counted, the report comes at most once a minute, and
 * the backlog of unwritten lines stays bounded. Writes are asynchronous: the tests wait for them.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../test/helpers/temp-dir.ts';
import { eventually } from '../../test/helpers/until.ts';
import { createLogDestination, createLogger, type LogDestination } from './logging.ts';

const dir = fileTempDir('gerbang-logging-');

/** Until the destination has tried and failed `count` more times. */
const failuresReach = (destination: LogDestination, count: number) =>
  eventually(() => Promise.resolve(destination.stats.failures >= count), {
    what: `${String(count)} failed log writes`,
  });

describe('log destination', () => {
  it('counts failed writes on a full device and reports them at most once a minute', async () => {
    const fd = openSync('/dev/full', 'w');
    let now = 1_000_000;
    const reports: string[] = [];
    const destination = createLogDestination(
      fd,
      (line) => reports.push(line),
      () => now,
    );
    const logger = createLogger('info', destination.stream);
    try {
      logger.info({ event: 'test' }, 'first line');
      await failuresReach(destination, 1);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatch(
        /^gerbang: 1 log write\(s\) failed \(ENOSPC\); the gateway goes on/,
      );
      for (let i = 0; i < 5; i++) {
        now += 10_000;
        logger.info({ i }, 'within the minute');
        await failuresReach(destination, i + 2);
      }
      expect(reports).toHaveLength(1);
      now += 10_000;
      logger.info('a minute after the first report');
      await failuresReach(destination, 7);
      expect(reports).toHaveLength(2);
      expect(reports[1]).toMatch(/^gerbang: 6 log write\(s\) failed \(ENOSPC\)/);
    } finally {
      closeSync(fd);
    }
  });

  it('drops lines beyond the backlog bound instead of growing without end', async () => {
    const fd = openSync('/dev/full', 'w');
    const destination = createLogDestination(fd, () => undefined);
    const logger = createLogger('info', destination.stream);
    const filler = 'x'.repeat(64 * 1024);
    try {
      for (let i = 0; i < 100; i++) logger.info({ filler }, 'large');
      // 4 MiB of backlog holds about 63 lines of 64 KiB; the rest are dropped and counted.
      expect(destination.stats.dropped).toBeGreaterThan(30);
      expect(destination.stats.dropped).toBeLessThan(100);
      await failuresReach(destination, 1);
    } finally {
      closeSync(fd);
    }
  });

  it('writes every line to a healthy file and reports nothing', async () => {
    const path = join(dir, 'gateway.log');
    const fd = openSync(path, 'w');
    const reports: string[] = [];
    const destination = createLogDestination(fd, (line) => reports.push(line));
    const logger = createLogger('info', destination.stream);
    for (let i = 0; i < 3; i++) logger.info({ i }, 'line');
    await eventually(
      () => Promise.resolve(readFileSync(path, 'utf8').trim().split('\n').length === 3),
      { what: 'three lines in the file' },
    );
    destination.flush();
    closeSync(fd);
    expect(destination.stats).toEqual({ failures: 0, dropped: 0 });
    expect(reports).toEqual([]);
  });
});
