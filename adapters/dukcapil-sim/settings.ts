/**
 * The simulator's settings, changed at run time through `/__sim/config` (API.md): latency, the
 * failure and timeout rates, the quotas, latency spikes, a fault to answer with, and a fixed RESPON or
 * RESPONSE_CODE. Each value is checked before it is taken, so that a test's typo is refused.
 */
import type { DukcapilMethod } from '../dukcapil/profile.ts';
import { SIM_FAULTS, type SimFault } from './faults.ts';

export interface SimulatorSettings {
  latencyMs: number;
  jitterMs: number;
  failureRate: number;
  dropResponseRate: number;
  /**
   * Share (0–1) of data calls held `stallMs` and then cut without an answer: the timeouts of an
   * overloaded upstream, drawn apart from `failureRate` so that a test can mix both.
   */
  timeoutRate: number;
  stallMs: number;
  dailyQuota: number;
  /** A rate quota (calls per sliding second) to check the gateway against; 0: none. */
  rateQuotaPerSecond: number;
  /** Every Nth data call waits `spikeMs` more (a latency spike); 0: none. */
  spikeEvery: number;
  spikeMs: number;
  fault: SimFault;
  /**
   * The one method the faults above (`fault`, `failureRate`, `timeoutRate`, `dropResponseRate`)
   * strike, so that a test can break verification and watch lookups; '' for every data call.
   */
  faultMethod: '' | DukcapilMethod;
  /** A RESPON text every CALL_NIK answers after the credential checks; '' for none. */
  respon: string;
  /** A RESPONSE_CODE every CALL_VERIFY_BY_ELEMEN answers after the checks; '' for none. */
  responseCode: string;
}

export const DEFAULT_SETTINGS: SimulatorSettings = {
  latencyMs: 0,
  jitterMs: 0,
  failureRate: 0,
  dropResponseRate: 0,
  timeoutRate: 0,
  stallMs: 30_000,
  dailyQuota: 1_000_000,
  rateQuotaPerSecond: 0,
  spikeEvery: 0,
  spikeMs: 0,
  fault: 'none',
  faultMethod: '',
  respon: '',
  responseCode: '',
};

/** Why a `/__sim/config` value is refused, or undefined when it is acceptable. */
export function settingProblem(key: keyof SimulatorSettings, value: unknown): string | undefined {
  if (key === 'fault')
    return SIM_FAULTS.includes(value as SimFault)
      ? undefined
      : `fault is one of ${SIM_FAULTS.join(', ')}`;
  if (key === 'faultMethod')
    return value === '' || value === 'CALL_NIK' || value === 'CALL_VERIFY_BY_ELEMEN'
      ? undefined
      : "faultMethod is '', CALL_NIK or CALL_VERIFY_BY_ELEMEN";
  if (key === 'respon')
    return typeof value === 'string' && value.length <= 200 ? undefined : 'respon is text';
  if (key === 'responseCode')
    return typeof value === 'string' && /^(\d{2})?$/.test(value) ? undefined : 'two digits';
  const isRate = key === 'failureRate' || key === 'dropResponseRate' || key === 'timeoutRate';
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    (!isRate || value <= 1)
    ? undefined
    : `bad value for ${key}`;
}
