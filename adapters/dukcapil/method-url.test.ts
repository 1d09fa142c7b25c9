/** The method URL from the profile's path template: the one place the endpoint's form is built. */
import { describe, expect, it } from 'vitest';
import { dukcapilMethodUrl } from './method-url.ts';
import {
  CENTRAL_PROFILE,
  profileProblems,
  REGIONAL_PROFILE,
  resolveUpstreamProfile,
} from './profile.ts';

describe('dukcapilMethodUrl', () => {
  it('builds the central form, under the base URL path', () => {
    const url = dukcapilMethodUrl(
      'https://dukcapil.example:8443/ws/',
      { profile: CENTRAL_PROFILE, consumer: 'BAPENDA_BONTANG' },
      'CALL_VERIFY_BY_ELEMEN',
    );
    expect(url.href).toBe(
      'https://dukcapil.example:8443/ws/dukcapil/get_json/BAPENDA_BONTANG/CALL_VERIFY_BY_ELEMEN',
    );
  });

  it('builds the regional form with its region and lower-case method (DOMAIN.md)', () => {
    const url = dukcapilMethodUrl(
      'http://10.0.0.1',
      { profile: REGIONAL_PROFILE, consumer: 'diskominfo_1205', region: '12-05' },
      'CALL_NIK',
    );
    expect(url.pathname).toBe('/dukcapil/get_json/12-05/diskominfo_1205/call_nik');
  });

  it('keeps a bare consumer as the central form', () => {
    expect(dukcapilMethodUrl('http://h', 'IDINSOS_3374', 'CALL_NIK').pathname).toBe(
      '/dukcapil/get_json/IDINSOS_3374/CALL_NIK',
    );
  });

  it.each([
    ['ftp://h', { profile: CENTRAL_PROFILE, consumer: 'A' }, 'baseUrl must be http(s)'],
    ['http://h', { profile: CENTRAL_PROFILE, consumer: '../x' }, 'consumer has an invalid form'],
    ['http://h', { profile: CENTRAL_PROFILE, consumer: '..' }, 'consumer has an invalid form'],
    ['http://h', { profile: CENTRAL_PROFILE, consumer: 'a/b' }, 'consumer has an invalid form'],
    ['http://h', { profile: REGIONAL_PROFILE, consumer: 'a' }, 'placeholder {region} has no value'],
    [
      'http://h',
      { profile: REGIONAL_PROFILE, consumer: 'a', region: '12/05' },
      'region has an invalid form',
    ],
  ])('refuses %s %j', (base, endpoint, message) => {
    expect(() => dukcapilMethodUrl(base, endpoint, 'CALL_NIK')).toThrow(message);
  });
});

describe('profiles', () => {
  it('names a missing region and a template without {method} as configuration problems', () => {
    expect(profileProblems(REGIONAL_PROFILE, undefined)).toEqual([
      'upstream.region is required: profile regional has {region} in its path',
    ]);
    expect(profileProblems(REGIONAL_PROFILE, '64-74')).toEqual([]);
    expect(
      profileProblems({ ...CENTRAL_PROFILE, pathTemplate: '/x/{consumer}/{regio}' }, undefined),
    ).toEqual([
      'pathTemplate has an unknown placeholder {regio}',
      'pathTemplate must contain {method}',
    ]);
  });

  it('fills an inline profile with the defaults, its own codes over DOMAIN.md’s', () => {
    const { addressParts, responseCodes, unclaimed, ...rest } = CENTRAL_PROFILE;
    const resolved = resolveUpstreamProfile({
      ...rest,
      name: 'own',
      responseCodes: { '21': 'quota' },
    });
    expect(resolved.unclaimed).toBe(unclaimed);
    expect(resolved.addressParts).toEqual(addressParts);
    expect(resolved.responseCodes).toEqual({ ...responseCodes, '21': 'quota' });
    expect(resolveUpstreamProfile(undefined)).toBe(CENTRAL_PROFILE);
    expect(resolveUpstreamProfile('regional')).toBe(REGIONAL_PROFILE);
  });
});
