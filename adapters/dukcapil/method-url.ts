/**
 * The URL of a Dukcapil method, `{baseUrl}/dukcapil/get_json/{consumer}/{method}`: the one place
 * the endpoint's form is built, for the client and for `gerbang doctor`'s probe.
 */

export type DukcapilMethod = 'CALL_NIK' | 'CALL_VERIFY_BY_ELEMEN';

/** Throws RangeError for a base URL that is not http(s) or a consumer of another form. */
export function dukcapilMethodUrl(baseUrl: string, consumer: string, method: DukcapilMethod): URL {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError('baseUrl must be http(s)');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(consumer)) throw new RangeError('consumer has an invalid form');
  const basePath = url.pathname.replace(/\/+$/, '');
  return new URL(`${basePath}/dukcapil/get_json/${consumer}/${method}`, url.origin);
}
