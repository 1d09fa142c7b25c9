/** `upstream.profile`, `upstream.region` and `upstream.consumer` as the schema checks them. */
import { describe, expect, it } from 'vitest';
import { DEMO_AGREEMENT, demoConfig } from './demo.ts';
import { checkConfigDocument } from './load.ts';

/** The demo configuration with `upstream` changed as `mutate` says; the problems found. */
function problemsWith(mutate: (upstream: Record<string, unknown>) => void): string[] {
  const config = JSON.parse(JSON.stringify(demoConfig(8443, 8081, DEMO_AGREEMENT.signedOn))) as {
    upstream: Record<string, unknown>;
  };
  mutate(config.upstream);
  const checked = checkConfigDocument(config);
  return checked.ok ? [] : checked.problems;
}

/** DOMAIN.md's `{base}/dukcapil/get_json/33-74/IDINSOS_3374/GET_NIK`, as docs/upstream.md writes it. */
const IDINSOS = {
  name: 'disdukcapil-3374',
  pathTemplate: '/dukcapil/get_json/{region}/{consumer}/{method}',
  methods: {
    CALL_NIK: {
      name: 'GET_NIK',
      keys: { nik: 'nik', userId: 'user_id', password: 'password', ipUser: 'ip_user' },
      elementKeyCase: 'upper',
    },
    CALL_VERIFY_BY_ELEMEN: {
      name: 'CALL_VERIFY_BY_ELEMEN',
      keys: {
        nik: 'NIK',
        userId: 'USER_ID',
        password: 'PASSWORD',
        ipUser: 'IP_USER',
        threshold: 'TRESHOLD',
      },
      elementKeyCase: 'upper',
    },
  },
  dateFormat: 'DD-MM-YYYY',
  unclaimed: 'blank',
};

describe('upstream.profile', () => {
  it('defaults to central: the demo, which names none, is valid and gets it', () => {
    const config = JSON.parse(JSON.stringify(demoConfig(8443, 8081, DEMO_AGREEMENT.signedOn))) as {
      upstream: Record<string, unknown>;
    };
    const checked = checkConfigDocument(config);
    expect(checked.ok).toBe(true);
    expect(config.upstream['profile']).toBe('central');
  });

  it('takes regional with its region and a regional consumer', () => {
    expect(
      problemsWith((u) => {
        u['profile'] = 'regional';
        u['region'] = '64-74';
        u['consumer'] = 'diskominfo_1205';
      }),
    ).toEqual([]);
  });

  it('names a missing region when the path has {region}', () => {
    for (const profile of ['regional', IDINSOS])
      expect(
        problemsWith((u) => {
          u['profile'] = profile;
        }),
      ).toContain("/upstream must have required property 'region'");
  });

  it('takes a profile written in configuration (the worked example of docs/upstream.md)', () => {
    expect(
      problemsWith((u) => {
        u['profile'] = IDINSOS;
        u['region'] = '33-74';
        u['consumer'] = 'IDINSOS_3374';
      }),
    ).toEqual([]);
  });

  it.each([
    ['a template without {method}', { ...IDINSOS, pathTemplate: '/x/{consumer}' }],
    ['an unknown placeholder', { ...IDINSOS, pathTemplate: '/x/{consumer}/{method}/{kota}' }],
    ['a template that is no path', { ...IDINSOS, pathTemplate: 'x/{consumer}/{method}' }],
    ['a date form of its own', { ...IDINSOS, dateFormat: 'DD/MM/YYYY' }],
    ['an unknown code meaning', { ...IDINSOS, responseCodes: { '21': 'maybe' } }],
    ['an unknown field', { ...IDINSOS, retries: 3 }],
    ['an unknown built-in', 'provincial'],
  ])('refuses %s', (_name, profile) => {
    expect(
      problemsWith((u) => {
        u['profile'] = profile;
        u['region'] = '33-74';
      }),
    ).not.toEqual([]);
  });

  it.each(['../x', '.', 'a/b', 'a b', '', 'x'.repeat(65)])(
    'refuses the consumer %j',
    (consumer) => {
      expect(
        problemsWith((u) => {
          u['consumer'] = consumer;
        }),
      ).not.toEqual([]);
    },
  );

  it.each(['6474', '64/74', '64-7', 'x'])('refuses the region %j', (region) => {
    expect(
      problemsWith((u) => {
        u['profile'] = 'regional';
        u['region'] = region;
      }),
    ).not.toEqual([]);
  });
});
