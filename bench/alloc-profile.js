/**
 * For `BENCH_ALLOC_PROFILE=1 npm run bench` only, preloaded (`node --import`) into the gateway: V8's
 * sampling heap profiler over the process's whole life, counting the objects collected since as
 * well as those still live (a request's garbage is what the collector pays for, and `--heap-prof`
 * keeps only what survives), written to BENCH_ALLOC_PROFILE_FILE as the process exits.
 * `bench/profile-summary.ts FILE.heapprofile` reads it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.BENCH_ALLOC_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    // One sample per 16 KiB allocated on average: a lookup allocates about 110 KB.
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  // The in-process session answers synchronously, so the profile is written before the exit.
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error === null) writeFileSync(file, JSON.stringify(result.profile), { mode: 0o600 });
    });
  });
}
