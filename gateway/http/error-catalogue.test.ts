import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from './error-catalogue.ts';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...docs.matchAll(/^\|\s*(\d{3})\s*\|\s*`([a-z_]+)`\s*\|/gm)].map((m) => [
    m[2] ?? '',
    Number(m[1]),
  ]),
);

describe('error catalogue', () => {
  it.each(ERROR_CODES)('%s is documented in docs/errors.md with its status', (code) => {
    expect(documented.get(code)).toBe(ERROR_CATALOGUE[code].status);
  });
  it('documents no code that does not exist', () => {
    expect([...documented.keys()].sort()).toEqual([...ERROR_CODES].sort());
  });
  it('has fixed messages free of placeholders', () => {
    for (const code of ERROR_CODES) expect(ERROR_CATALOGUE[code].message).toMatch(/^[A-Z].*\.$/);
  });
});
