/**
 * The return-data payload template and the `returnData` configuration: the default renders the
 * one public client's body (DOMAIN.md), a template written in configuration gives another shape,
 * nothing outside the fixed placeholders is ever looked up, and the configuration's problems are
 * named at load — with older configurations (`returnData.path` only) still loading as before.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_AGREEMENT, demoConfig } from './demo.ts';
import { checkConfigDocument, ConfigError, loadConfig } from './load.ts';
import {
  atJsonPointer,
  DEFAULT_RETURN_DATA_TEMPLATE,
  renderTemplate,
  templateProblems,
} from './return-data-template.ts';

const VALUES = {
  nik: '6474015709900001',
  npwpd: '0001.07.02',
  jenisPajak: ['PBB_P2', 'BPHTB'],
  idLembaga: 'BAPENDA-6474',
  namaLembaga: 'Badan Pendapatan Daerah Kota Bontang',
  consumer: 'BAPENDA_BONTANG',
  deliveryKey: 'k-1',
};

describe('the payload template', () => {
  it('renders by default the one public client body: {nik, id_lembaga, nama_lembaga, param:[…]}', () => {
    expect(templateProblems(DEFAULT_RETURN_DATA_TEMPLATE)).toEqual([]);
    expect(renderTemplate(DEFAULT_RETURN_DATA_TEMPLATE, VALUES)).toEqual({
      nik: '6474015709900001',
      id_lembaga: 'BAPENDA-6474',
      nama_lembaga: 'Badan Pendapatan Daerah Kota Bontang',
      param: [
        { NPWPD: '0001.07.02', JENIS_PAJAK: 'PBB_P2' },
        { NPWPD: '0001.07.02', JENIS_PAJAK: 'BPHTB' },
      ],
    });
  });

  it('gives another shape from configuration alone: nesting, text with placeholders, literals', () => {
    const template = {
      header: { lembaga: '{{idLembaga}}/{{consumer}}', versi: 2, uji: false, catatan: null },
      data: [{ NIK: '{{nik}}', NPWPD: '{{npwpd}}', PAJAK: '{{jenisPajakList}}' }],
      kunci: '{{deliveryKey}}',
      rincian: { $each: 'jenisPajak', $template: 'pajak:{{jenisPajak}}' },
    };
    expect(templateProblems(template)).toEqual([]);
    expect(renderTemplate(template, VALUES)).toEqual({
      header: { lembaga: 'BAPENDA-6474/BAPENDA_BONTANG', versi: 2, uji: false, catatan: null },
      data: [{ NIK: '6474015709900001', NPWPD: '0001.07.02', PAJAK: 'PBB_P2,BPHTB' }],
      kunci: 'k-1',
      rincian: ['pajak:PBB_P2', 'pajak:BPHTB'],
    });
  });

  it('names every problem with its place, and looks up nothing beyond the fixed list', () => {
    expect(templateProblems({ a: '{{password}}' })).toEqual([
      expect.stringMatching(/^\/returnData\/payload\/a: unknown placeholder \{\{password\}\}/),
    ]);
    // Object.prototype's members are no placeholders (no lookup on a plain object).
    expect(
      templateProblems({ a: '{{constructor}}', b: '{{__proto__}}', c: '{{toString}}' }),
    ).toHaveLength(3);
    expect(templateProblems({ a: '{{jenisPajak}}' })).toEqual([
      '/returnData/payload/a: {{jenisPajak}} is only known inside "$each"',
    ]);
    expect(templateProblems({ a: { $each: 'nik', $template: 'x' } })).toEqual([
      '/returnData/payload/a must be {"$each": "jenisPajak", "$template": ...} and nothing else',
    ]);
    expect(
      templateProblems({
        a: { $each: 'jenisPajak', $template: { b: { $each: 'jenisPajak', $template: 'x' } } },
      }),
    ).toEqual(['/returnData/payload/a/$template/b: "$each" cannot be nested in another "$each"']);
    expect(templateProblems({ $eval: 'process.exit()' })).toEqual([
      '/returnData/payload/$eval: keys beginning with $ are reserved',
    ]);
    let deep: unknown = 'x';
    for (let i = 0; i < 12; i++) deep = { d: deep };
    expect(templateProblems(deep)).toEqual([expect.stringMatching(/nested deeper than 8 levels$/)]);
  });

  it('reads JSON pointers (RFC 6901) for the success criterion', () => {
    const doc = { status: 'OK', 'a/b': { '~x': [1, 2] } };
    expect(atJsonPointer(doc, '/status')).toBe('OK');
    expect(atJsonPointer(doc, '/a~1b/~0x/1')).toBe(2);
    expect(atJsonPointer(doc, '/missing')).toBeUndefined();
    expect(atJsonPointer(doc, '/status/constructor')).toBeUndefined();
    expect(atJsonPointer(doc, '')).toBe(doc);
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The demo configuration as a parsed document, its `returnData` replaced. */
function documentWith(returnData: Record<string, unknown>): Record<string, unknown> {
  const config = JSON.parse(JSON.stringify(demoConfig(8443, 8081, DEMO_AGREEMENT.signedOn))) as {
    returnData: Record<string, unknown>;
  };
  config.returnData = returnData;
  return config;
}

describe('returnData in the configuration', () => {
  it('still loads a configuration written before: path on the upstream host, no auth, default body', () => {
    const checked = checkConfigDocument(
      documentWith({ path: '/dukcapil/data_balikan/{consumer}', idLembaga: 'BAPENDA' }),
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.config.returnData.url).toBeUndefined();
    expect(checked.config.returnData.auth).toEqual({ kind: 'none' });
    expect(checked.config.returnData.payload).toEqual(DEFAULT_RETURN_DATA_TEMPLATE);
    expect(checked.config.returnData.success).toEqual({
      statuses: [200],
      pointer: '/status',
      equals: ['OK'],
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a template with an unknown placeholder',
      { payload: { n: '{{name}}' } },
      /^\/returnData\/payload\/n: unknown placeholder/,
    ],
    [
      'a URL with credentials in it',
      { url: 'https://user:pw@10.0.0.1/balikan' },
      /\/returnData\/url/,
    ],
    ['a URL that is no http(s) URL', { url: 'file:///etc/passwd' }, /\/returnData\/url/],
    [
      'a pointer without the values it must equal',
      { success: { statuses: [200], pointer: '/status' } },
      /^\/returnData\/success: pointer and equals/,
    ],
    [
      'a success status that is not 2xx',
      { success: { statuses: [500] } },
      /\/returnData\/success\/statuses/,
    ],
    ['an unknown auth kind', { auth: { kind: 'basic', tokenFile: 'x' } }, /\/returnData\/auth/],
  ])('refuses %s, naming the setting', (_name, returnData, expected) => {
    const checked = checkConfigDocument(documentWith(returnData));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.some((problem) => expected.test(problem))).toBe(true);
  });

  it('reads a bearer token file like every secret: resolved against the file, mode 0600 or refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gerbang-rd-config-'));
    dirs.push(dir);
    const config = documentWith({
      url: 'https://10.64.1.20/data-balikan/api/v1/balikan',
      auth: { kind: 'bearer', tokenFile: 'secrets/return-data-token' },
    });
    const path = join(dir, 'gerbang.json');
    writeFileSync(path, JSON.stringify(config));
    mkdirSync(join(dir, 'pki'));
    mkdirSync(join(dir, 'secrets'));
    for (const secret of [
      'pki/server.key',
      'pki/audit-signing.key',
      'pki/report-signing.key',
      'secrets/upstream-password',
      'secrets/audit-hmac.key',
    ])
      writeFileSync(join(dir, secret), 'secret\n', { mode: 0o600 });
    const token = join(dir, 'secrets/return-data-token');
    writeFileSync(token, 'abc.DEF-123\n', { mode: 0o600 });
    chmodSync(token, 0o644);
    let problems: readonly string[] = [];
    try {
      loadConfig(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringContaining(token)]);
    chmodSync(token, 0o600);
    expect(loadConfig(path).returnData.auth).toEqual({ kind: 'bearer', tokenFile: token });
  });
});
