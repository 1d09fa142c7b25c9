/**
 * docs/architecture.md's layout is the tree (issue 18): every folder of the product has its line
 * in the layout block, every line names a folder that exists, and every layer folder opens with
 * the README.md that says what lives there and what it may import. A folder added, moved or
 * removed fails this test until the page says so.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/child-gateway.ts';

const TOP = ['gateway', 'adapters', 'policies', 'audit', 'certs'];
/** The layers of the dependency rule (eslint.config.js), each opening with a README.md. */
const LAYER_FOLDERS = [
  'policies',
  'certs',
  'audit',
  'audit/store',
  'adapters',
  'gateway/config',
  'gateway/observability',
  'gateway/services',
  'gateway/http',
  'gateway/server',
  'gateway/cli',
];

function foldersUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .map((name) => `${dir}/${name}`)
    .filter((path) => statSync(join(ROOT, path)).isDirectory())
    .flatMap((path) => [path, ...foldersUnder(path)]);
}

/** The folders the layout block names: `name/` at the margin, `  sub/` under the last of them. */
function listedFolders(): string[] {
  const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const block = /## Layout[^\n]*\n[\s\S]*?```\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
  const listed: string[] = [];
  let parent = '';
  for (const line of block.split('\n')) {
    const match = /^( *)([\w.-]+(?:\/[\w.-]+)*)\/(?: |$)/.exec(line);
    if (!match) continue;
    const [, indent = '', name = ''] = match;
    if (indent === '') parent = name;
    listed.push(indent === '' ? name : `${parent}/${name}`);
  }
  return listed;
}

describe('the layout in docs/architecture.md', () => {
  it('lists every folder of the product, and only folders that exist', () => {
    const listed = listedFolders();
    const actual = [...TOP, ...TOP.flatMap(foldersUnder)];
    expect(actual.filter((folder) => !listed.includes(folder))).toEqual([]);
    expect(listed.filter((folder) => !existsSync(join(ROOT, folder)))).toEqual([]);
  });

  it('has every layer folder open with a README.md', () => {
    expect(LAYER_FOLDERS.filter((folder) => !existsSync(join(ROOT, folder, 'README.md')))).toEqual(
      [],
    );
  });
});
