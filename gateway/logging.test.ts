/**
 * The log destination on a device that is always full (/dev/full answers every write with
 * ENOSPC): nothing throws, every failure is counted, the report comes at most once a minute, and
 * the backlog of unwritten lines stays bounded.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../test/helpers/temp-dir.ts';
import { createLogDestination, createLogger } from './logging.ts';

const dir = fileTempDir('gerbang-logging-');

describe('log destination', () => {
  it('counts failed writes on a full device and reports them at most once a minute', () => {
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
      for (let i = 0; i < 10; i++) logger.info({ event: 'test', i }, 'line');
      expect(destination.stats.failures).toBe(10);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatch(
        /^gerbang: 1 log write\(s\) failed \(ENOSPC\); the gateway goes on/,
      );
      now += 59_000;
      logger.info('still within the minute');
      expect(reports).toHaveLength(1);
      now += 1_000;
      logger.info('a minute after the first report');
      expect(reports).toHaveLength(2);
      expect(reports[1]).toMatch(/^gerbang: 11 log write\(s\) failed \(ENOSPC\)/);
    } finally {
      closeSync(fd);
    }
  });

  it('drops lines beyond the backlog bound instead of growing without end', () => {
    const fd = openSync('/dev/full', 'w');
    const destination = createLogDestination(fd, () => undefined);
    const logger = createLogger('info', destination.stream);
    const filler = 'x'.repeat(64 * 1024);
    try {
      for (let i = 0; i < 100; i++) logger.info({ filler }, 'large');
      // 4 MiB of backlog holds about 63 lines of 64 KiB; the rest are dropped and counted.
      expect(destination.stats.dropped).toBeGreaterThan(30);
      expect(destination.stats.dropped).toBeLessThan(100);
    } finally {
      closeSync(fd);
    }
  });

  it('writes every line to a healthy file and reports nothing', () => {
    const path = join(dir, 'gateway.log');
    const fd = openSync(path, 'w');
    const reports: string[] = [];
    const destination = createLogDestination(fd, (line) => reports.push(line));
    const logger = createLogger('info', destination.stream);
    for (let i = 0; i < 3; i++) logger.info({ i }, 'line');
    closeSync(fd);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(destination.stats).toEqual({ failures: 0, dropped: 0 });
    expect(reports).toEqual([]);
  });
});
