/**
 * The URL of a Dukcapil method: the base URL's path, then the profile's path template with
 * `{region}`, `{consumer}` and `{method}` filled in (DOMAIN.md, "Dukcapil web service": central
 * `/dukcapil/get_json/{CONSUMER}/{METHOD}`, regional `/dukcapil/get_json/12-05/diskominfo_1205/
 * call_nik`). The one place the endpoint's form is built, for the client and for `gerbang
 * doctor`'s probe.
 */
import { CENTRAL_PROFILE, type DukcapilMethod, type UpstreamProfile } from './profile.ts';

export type { DukcapilMethod } from './profile.ts';

/** Where one endpoint is: its profile and the account's path segments. */
export interface UpstreamEndpoint {
  readonly profile: UpstreamProfile;
  readonly consumer: string;
  /** The region segment, e.g. `64-74`; required when the template has `{region}`. */
  readonly region?: string | undefined;
}

/**
 * A consumer is one path segment: letters, digits, `_`, `-`, `.`, not starting with `.` (so never
 * `.` or `..`). Regional consumers (`diskominfo_1205`, `IDINSOS_3374`) fit.
 */
export const CONSUMER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A region segment: a province code, optionally with regency and district (`64`, `64-74`). */
export const REGION_PATTERN = /^[0-9]{2}(?:-[0-9]{2}){0,2}$/;
/** A method name in a path (`CALL_NIK`, `call_nik`, `GET_NIK`). */
const METHOD_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Throws RangeError for a base URL that is not http(s), a consumer, region or method name of
 * another form, or a template placeholder left unfilled. `endpoint` as a bare consumer is the
 * central profile.
 */
export function dukcapilMethodUrl(
  baseUrl: string,
  endpoint: UpstreamEndpoint | string,
  method: DukcapilMethod,
): URL {
  const { profile, consumer, region } =
    typeof endpoint === 'string' ? { profile: CENTRAL_PROFILE, consumer: endpoint } : endpoint;
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError('baseUrl must be http(s)');
  if (!CONSUMER_PATTERN.test(consumer)) throw new RangeError('consumer has an invalid form');
  if (region !== undefined && !REGION_PATTERN.test(region))
    throw new RangeError('region has an invalid form');
  const name = profile.methods[method].name;
  if (!METHOD_NAME_PATTERN.test(name)) throw new RangeError('method name has an invalid form');
  const segments: Readonly<Record<string, string | undefined>> = {
    region,
    consumer,
    method: name,
  };
  const path = profile.pathTemplate.replace(/\{([^}]*)\}/g, (_whole, placeholder: string) => {
    const value = segments[placeholder];
    if (value === undefined)
      throw new RangeError(`path template placeholder {${placeholder}} has no value`);
    return encodeURIComponent(value);
  });
  if (!path.startsWith('/')) throw new RangeError('path template must start with /');
  const basePath = url.pathname.replace(/\/+$/, '');
  return new URL(`${basePath}${path}`, url.origin);
}
