/**
 * What the simulator answers to `gerbang doctor`'s probe — a CALL_NIK request with no NIK and no
 * credentials — must be what Dukcapil answers: HTTP 200, the envelope, a login RESPON, no quota.
 */
import { describe, expect, it } from 'vitest';
import { createSimulatorApp } from './app.ts';

const app = createSimulatorApp({
  consumer: 'BAPENDA_TEST',
  userId: 'bapenda',
  password: 'rahasia',
  allowedIps: ['10.0.0.5'],
});
const state = async () =>
  (await (await app.request('/__sim/state')).json()) as { counters: { quotaUsed: number } };

describe('the simulator and a request without credentials', () => {
  it.each(['BAPENDA_TEST', 'SOMEONE_ELSE'])(
    'consumer %s: HTTP 200 JSON envelope with RESPON Login Gagal, and no quota spent',
    async (consumer) => {
      const response = await app.request(`/dukcapil/get_json/${consumer}/CALL_NIK`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({
        content: [{ RESPON: 'Login Gagal' }],
        numberOfElements: 1,
      });
      expect((await state()).counters.quotaUsed).toBe(0);
    },
  );
});
