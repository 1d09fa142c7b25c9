/**
 * Return data names only the tax types of the agency's level of government (UU 1/2022 Pasal 4,
 * config returnData.agencyLevel), through the real application.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { checkConfigDocument } from '../../config/load.ts';

type Level = GerbangConfig['returnData']['agencyLevel'];

const configAt = (level: Level): GerbangConfig => {
  const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
  return { ...config, returnData: { ...config.returnData, agencyLevel: level } };
};

async function submit(level: Level, jenisPajak: string[]) {
  const app = await buildTestApp({ config: configAt(level) });
  const response = await app.request('app-pendaftaran', '/v1/return-data', {
    method: 'POST',
    json: {
      nik: '6474015709900001',
      npwpd: '0001.07.02',
      jenis_pajak: jenisPajak,
      reference: 'SURAT/2026/001',
    },
  });
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return { app, status: response.status, error: body.error };
}

describe('return data: tax types of the agency level', () => {
  it('refuses a province tax at a city agency with a coded error naming it, and queues nothing', async () => {
    const { app, status, error } = await submit('kota', ['PBB_P2', 'PKB']);
    expect(status).toBe(400);
    expect(error?.code).toBe('jenis_pajak_not_levied');
    expect(error?.message).toMatch(/^PKB: not levied by a kota agency; .*\bPBB_P2\b/);
    expect(error?.message).not.toMatch(/\bBBNKB\b/);
    expect(app.outbox.counts()).toMatchObject({ queued: 0, payloads: 0 });
  });

  it.each<[Level, string[]]>([
    ['kota', ['PBB_P2', 'OPSEN_PKB', 'PBJT_PERHOTELAN']],
    ['kabupaten', ['MBLB', 'SARANG_BURUNG_WALET']],
    ['provinsi', ['PKB', 'BBNKB', 'OPSEN_MBLB']],
  ])('accepts the taxes a %s agency levies', async (level, jenisPajak) => {
    const { app, status } = await submit(level, jenisPajak);
    expect(status).toBe(202);
    expect(app.outbox.counts()).toMatchObject({ queued: 1 });
  });

  it.each<[Level, string]>([
    ['kabupaten', 'PAJAK_ROKOK'],
    ['provinsi', 'PBB_P2'],
    ['provinsi', 'OPSEN_PKB'],
  ])('refuses at a %s agency %s, a tax of the other level', async (level, jenis) => {
    const { status, error } = await submit(level, [jenis]);
    expect([status, error?.code]).toEqual([400, 'jenis_pajak_not_levied']);
  });

  it('defaults to a city agency and refuses a level that does not exist', () => {
    const { agencyLevel: _omitted, ...returnData } = configAt('provinsi').returnData;
    const checked = checkConfigDocument({ ...configAt('kota'), returnData });
    expect(checked.ok && checked.config.returnData.agencyLevel).toBe('kota');
    const refused = checkConfigDocument({
      ...configAt('kota'),
      returnData: { ...returnData, agencyLevel: 'desa' },
    });
    expect(refused.ok).toBe(false);
  });

  it('still answers an unknown code as invalid_jenis_pajak', async () => {
    const { status, error } = await submit('kota', ['PAJAK_ANJING']);
    expect([status, error?.code]).toEqual([400, 'invalid_jenis_pajak']);
  });
});
