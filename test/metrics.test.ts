/**
 * /metrics from a real gateway (real TLS, the real Dukcapil client against the simulator), read
 * by the tool Prometheus operators use: `promtool check metrics` parses the exposition and lints
 * it (types, `_total` on counters and only on counters, base units, HELP on every metric). Also
 * what a dashboard needs is there: the latency histograms and the process and Node metrics.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  canaryLookup,
  LOOKUP_HEADERS,
  startTestInstance,
  type TestInstance,
} from './helpers/instance.ts';
import { describeWithTools, onPath } from './helpers/tools.ts';

const PROMTOOL = onPath('promtool');
const NIK = canaryLookup().nik;

describeWithTools('/metrics read by promtool', { promtool: PROMTOOL !== undefined }, () => {
  let instance: TestInstance;
  let text = '';
  beforeAll(async () => {
    // With a Dukcapil rate quota, so that the pacer's leave delay is observed too.
    instance = await startTestInstance((config) => ({
      ...config,
      upstream: { ...config.upstream, ratePerSecond: 1000 },
    }));
    const app = instance.identity('app-pendaftaran');
    // A served lookup (an upstream call), a refusal, an unknown path carrying a NIK.
    expect(
      (
        await instance.call(app, '/v1/nik/lookup', {
          json: canaryLookup(),
          headers: LOOKUP_HEADERS,
        })
      ).status,
    ).toBe(200);
    await instance.call(app, '/v1/nik/lookup', {
      json: canaryLookup({ nik: '1' }),
      headers: LOOKUP_HEADERS,
    });
    await instance.call(app, `/v1/nowhere/${NIK}`);
    const response = await instance.call(instance.identity('officer-1'), '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    text = response.text;
  });
  afterAll(async () => {
    await instance.close();
  });

  it('passes promtool check metrics with no lint problem', () => {
    const result = spawnSync(PROMTOOL ?? 'promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('has the request and upstream histograms, labelled by bounded sets', () => {
    expect(text).toContain('# TYPE gerbang_http_request_duration_seconds histogram');
    expect(text).toMatch(
      /\ngerbang_http_request_duration_seconds_count\{method="POST",route="\/v1\/nik\/lookup",status_class="2xx"\} 1\n/,
    );
    expect(text).toMatch(
      /\ngerbang_http_request_duration_seconds_count\{method="POST",route="\/v1\/nik\/lookup",status_class="4xx"\} 1\n/,
    );
    expect(text).toContain('# TYPE gerbang_upstream_call_duration_seconds histogram');
    expect(text).toMatch(
      /\ngerbang_upstream_call_duration_seconds_count\{method="CALL_NIK",outcome="ok",upstream="default"\} 1\n/,
    );
    expect(text).toContain('# TYPE gerbang_upstream_leave_delay_seconds histogram');
    expect(text).toMatch(/\ngerbang_upstream_leave_delay_seconds_count\{upstream="default"\} 1\n/);
    expect(text).not.toContain(NIK);
  });

  it('types the audit store counts as counters', () => {
    expect(text).toContain('# TYPE gerbang_audit_records_written_total counter');
    expect(text).toContain('# TYPE gerbang_audit_commits_total counter');
    expect(text).toContain('# TYPE gerbang_audit_writable gauge');
  });

  it('has the process and Node metrics under their standard names', () => {
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_open_fds',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_version_info',
    ])
      expect(text).toMatch(new RegExp(`\\n# TYPE ${name} `));
  });
});
