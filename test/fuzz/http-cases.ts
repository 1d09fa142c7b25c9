/**
 * A seeded generator of hostile HTTP/1.1 requests, as raw bytes: malformed and deeply nested
 * JSON, huge numbers, lone surrogates and bidi controls, prototype keys, duplicate keys, CR/LF
 * and bare CR in headers, duplicate and conflicting headers, oversized heads and bodies, odd
 * methods and paths. The same seed gives the same requests, so a failure can be replayed.
 */

/** The simulator's seeded generator (mulberry32): the same seed gives the same requests. */
export { prng as seededRandom } from '../../adapters/dukcapil-sim/population.ts';

export interface FuzzEndpoint {
  readonly method: string;
  /** With `{param}` placeholders, as in the OpenAPI document. */
  readonly path: string;
  /** The roles the route admits (`x-roles`), when the document says. */
  readonly roles?: readonly string[];
}

export interface FuzzCase {
  /** What kind of hostility this is, for the report. */
  readonly kind: string;
  /** Which demo principal's certificate to present. */
  readonly principal: string;
  readonly bytes: Buffer;
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('nothing to pick from');
  return item;
};

/** Values that have broken JSON handling somewhere, as JSON text. */
const NASTY_VALUES: readonly string[] = [
  '"6474015709900001"',
  '"647401570990000１"', // a full-width digit
  '"6474015709900001\\u0000"',
  '"\\ud800"', // a lone high surrogate
  '"\\udc00abc"',
  '"\\u202eSITI\\u202c"', // bidi override
  '"\\u200b"',
  '""',
  '" "',
  '1e999999',
  '-0',
  '123456789012345678901234567890123456789',
  '6474015709900001',
  '0.1e-999',
  'true',
  'null',
  '[]',
  '{}',
  '["pendaftaran-wp"]',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  `"${'A'.repeat(300)}"`,
  `"${'Ä'.repeat(5000)}"`,
];

const FIELDS = [
  'nik',
  'purpose',
  'reference',
  'fields',
  'claims',
  'threshold',
  'npwpd',
  'jenis_pajak',
  'nonce',
  'cardData',
  'reason',
  '__proto__',
  'constructor',
  'prototype',
  'NIK',
  'nama_lengkap',
];

function nestedJson(random: Random): string {
  const depth = 1 + Math.floor(random() * 5000);
  return random() < 0.5
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function objectJson(random: Random): string {
  const members: string[] = [];
  const count = Math.floor(random() * 6);
  // Often start from a valid lookup, so that the mutation reaches the deeper checks.
  if (random() < 0.6)
    members.push('"nik":"6474015709900001"', '"purpose":"pendaftaran-wp"', '"reference":"FZ-1"');
  for (let i = 0; i < count; i++) {
    const key = pick(random, FIELDS);
    members.push(`${JSON.stringify(key)}:${pick(random, NASTY_VALUES)}`);
    if (random() < 0.15) members.push(`${JSON.stringify(key)}:${pick(random, NASTY_VALUES)}`); // duplicate
  }
  return `{${members.join(',')}}`;
}

function body(random: Random): { kind: string; bytes: Buffer } {
  const roll = random();
  if (roll < 0.45) return { kind: 'json object', bytes: Buffer.from(objectJson(random)) };
  if (roll < 0.55) return { kind: 'deep nesting', bytes: Buffer.from(nestedJson(random)) };
  if (roll < 0.7) {
    const valid = objectJson(random);
    return {
      kind: 'truncated json',
      bytes: Buffer.from(valid.slice(0, Math.floor(random() * valid.length))),
    };
  }
  if (roll < 0.8) {
    const bytes = Buffer.alloc(Math.floor(random() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    return { kind: 'random bytes', bytes };
  }
  if (roll < 0.87)
    return {
      kind: 'invalid utf-8',
      bytes: Buffer.concat([
        Buffer.from('{"nik":"'),
        Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
        Buffer.from('","purpose":"pendaftaran-wp","reference":"x"}'),
      ]),
    };
  if (roll < 0.93)
    return {
      kind: 'huge body',
      bytes: Buffer.from(`{"reference":"${'x'.repeat(17_000 + Math.floor(random() * 50_000))}"}`),
    };
  return { kind: 'top-level scalar', bytes: Buffer.from(pick(random, NASTY_VALUES)) };
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'APPLICATION/JSON',
  '',
];

/** Header lines to add, some of which break HTTP itself. */
function headerNoise(random: Random): { kind: string; lines: string[] } {
  const roll = random();
  if (roll < 0.5) return { kind: '', lines: [] };
  if (roll < 0.58) return { kind: 'bare CR in header', lines: ['X-Operator-Id: fuzz\rX-Evil: 1'] };
  if (roll < 0.64) return { kind: 'bare LF in header', lines: ['X-Operator-Id: fuzz\nX-Evil: 1'] };
  if (roll < 0.7)
    return { kind: 'duplicate operator', lines: ['X-Operator-Id: a.b', 'X-Operator-Id: c.d'] };
  if (roll < 0.75)
    return {
      kind: 'duplicate content-type',
      lines: ['Content-Type: application/json', 'Content-Type: text/html'],
    };
  if (roll < 0.8) return { kind: 'bidi operator', lines: ['X-Operator-Id: a\u202eb'] };
  if (roll < 0.84) return { kind: 'obs-fold', lines: ['X-Operator-Id: a', ' folded'] };
  if (roll < 0.88)
    return { kind: 'request id injection', lines: [`X-Request-Id: ${'r'.repeat(300)}`] };
  if (roll < 0.92)
    return {
      kind: 'huge header',
      lines: [`X-Filler: ${'f'.repeat(9000 + Math.floor(random() * 20_000))}`],
    };
  if (roll < 0.96) return { kind: 'header without colon', lines: ['X-Operator-Id fuzz'] };
  return { kind: 'space in header name', lines: ['X Operator: fuzz'] };
}

function path(random: Random, endpoint: FuzzEndpoint, principal: string): string {
  const filled = endpoint.path.replace(/\{(\w+)\}/g, () =>
    pick(random, [principal, 'x', '..', '%00', '%2e%2e%2f', 'a'.repeat(200), '\u202e']),
  );
  const roll = random();
  if (roll < 0.75) return encodeURI(decodeURI(encodeURI(filled)));
  if (roll < 0.85) return `${encodeURI(filled)}?nik=6474015709900001&limit=-1&from=%ff`;
  if (roll < 0.9) return `${encodeURI(filled)}/../../etc/passwd`;
  if (roll < 0.95) return `/${'a/'.repeat(Math.floor(random() * 3000))}`;
  return '*';
}

const PRINCIPALS = [
  'app-pendaftaran',
  'app-pendaftaran',
  'app-pendaftaran',
  'app-kasir',
  'officer-1',
  'evaluator-1',
  'reader-01',
  'petugas-01',
];

const ROLE_OF: Readonly<Record<string, string>> = {
  'app-pendaftaran': 'app',
  'app-kasir': 'app',
  'officer-1': 'officer',
  'evaluator-1': 'evaluator',
  'reader-01': 'reader',
  'petugas-01': 'operator',
};

/** The nth hostile request of a seeded run against these endpoints. */
export function fuzzCase(random: Random, endpoints: readonly FuzzEndpoint[]): FuzzCase {
  const endpoint = pick(random, endpoints);
  // Administrators only read: a fuzzed POST could end the agreement and close the data path
  // for the rest of the run, which would hide the deeper checks from the fuzzer.
  // Half the time a principal the route admits, so that the run reaches past the role check to
  // the body limit, the schemas and the handlers.
  const admitted = PRINCIPALS.filter((id) => endpoint.roles?.includes(ROLE_OF[id] ?? '') === true);
  const principal =
    endpoint.method === 'GET' && random() < 0.2
      ? 'admin-1'
      : admitted.length > 0 && random() < 0.5
        ? pick(random, admitted)
        : pick(random, PRINCIPALS);
  const method =
    random() < 0.9
      ? endpoint.method
      : pick(random, [
          'PUT',
          'DELETE',
          'PATCH',
          'OPTIONS',
          'TRACE',
          'CONNECT',
          'G\u00c9T',
          'POST ',
        ]);
  const { kind: bodyKind, bytes: payload } =
    method === 'GET' && random() < 0.8 ? { kind: 'no body', bytes: Buffer.alloc(0) } : body(random);
  const noise = headerNoise(random);
  const lines = [`${method} ${path(random, endpoint, principal)} HTTP/1.1`, 'Host: gerbang'];
  if (!noise.lines.some((line) => line.startsWith('X-Operator-Id')))
    lines.push('X-Operator-Id: fuzz.01');
  if (!noise.lines.some((line) => line.startsWith('Content-Type')))
    lines.push(`Content-Type: ${pick(random, CONTENT_TYPES)}`);
  lines.push(...noise.lines);
  const framing = random();
  let kind = [bodyKind, noise.kind].filter(Boolean).join(', ');
  if (framing < 0.8) lines.push(`Content-Length: ${payload.length}`);
  else if (framing < 0.88) {
    lines.push(`Content-Length: ${payload.length}`, `Content-Length: ${payload.length + 1}`);
    kind += ', conflicting lengths';
  } else if (framing < 0.95) {
    lines.push('Transfer-Encoding: chunked', `Content-Length: ${payload.length}`);
    kind += ', chunked and length';
  } else {
    lines.push('Content-Length: -1');
    kind += ', negative length';
  }
  lines.push('Connection: close');
  return {
    kind,
    principal,
    bytes: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]),
  };
}
