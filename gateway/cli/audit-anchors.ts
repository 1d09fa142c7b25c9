/**
 * Tree heads held outside the appliance, for `gerbang audit verify`: given on the command line
 * (`--anchor SIZE:ROOT`), read from an earlier signed report (`--anchor-report DIR|report.json`,
 * whose `audit.checkpoint` names the tree the report was computed from), or from a SIEM export
 * (`--anchor-siem FILE`: every forwarded checkpoint message in it). The verifier then checks that
 * the trail is still that tree at each size, and not shorter (audit/verify.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TreeAnchor } from '../../audit/index.ts';
import { CliError, EXIT } from './output.ts';

const ROOT = /^[0-9a-f]{64}$/;

function anchorOf(treeSize: unknown, rootHash: unknown, source: string): TreeAnchor {
  if (
    typeof treeSize !== 'number' ||
    !Number.isSafeInteger(treeSize) ||
    treeSize < 1 ||
    typeof rootHash !== 'string' ||
    !ROOT.test(rootHash)
  )
    throw new CliError(
      `${source}: an anchor is a tree size (a whole number from 1) and a root (64 hex digits)`,
      EXIT.usage,
    );
  return { treeSize, rootHash, source };
}

/** `SIZE:ROOT`, as printed by `gerbang audit verify` and on every report. */
export function parseAnchorArgument(value: string): TreeAnchor {
  const [size, root, ...rest] = value.split(':');
  return anchorOf(
    rest.length === 0 && size !== undefined && /^\d{1,15}$/.test(size) ? Number(size) : NaN,
    root?.toLowerCase(),
    `--anchor ${value}`,
  );
}

/** The tree head an earlier report was computed from. */
export function anchorFromReport(path: string): TreeAnchor {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'report.json') : path;
  let report: { audit?: { checkpoint?: { treeSize?: unknown; rootHash?: unknown } } };
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as typeof report;
  } catch {
    throw new CliError(`--anchor-report ${path}: not a readable report.json`, EXIT.usage);
  }
  const checkpoint = report.audit?.checkpoint;
  return anchorOf(checkpoint?.treeSize, checkpoint?.rootHash, `the report ${path}`);
}

/** Every checkpoint message in a SIEM export (one syslog message per line, as rsyslog writes). */
export function anchorsFromSiemExport(path: string): TreeAnchor[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`--anchor-siem ${path}: cannot be read`, EXIT.usage);
  }
  const anchors: TreeAnchor[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('{"checkpoint":');
    if (at < 0) continue;
    try {
      const { checkpoint } = JSON.parse(line.slice(at)) as {
        checkpoint: { treeSize?: unknown; rootHash?: unknown };
      };
      anchors.push(anchorOf(checkpoint.treeSize, checkpoint.rootHash, `the SIEM export ${path}`));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`--anchor-siem ${path}: a checkpoint message is damaged`, EXIT.usage);
    }
  }
  if (anchors.length === 0)
    throw new CliError(`--anchor-siem ${path}: no checkpoint messages in it`, EXIT.usage);
  return anchors;
}

export function anchorsFrom(values: {
  anchor?: string[] | undefined;
  'anchor-report'?: string[] | undefined;
  'anchor-siem'?: string[] | undefined;
}): TreeAnchor[] {
  return [
    ...(values.anchor ?? []).map(parseAnchorArgument),
    ...(values['anchor-report'] ?? []).map(anchorFromReport),
    ...(values['anchor-siem'] ?? []).flatMap(anchorsFromSiemExport),
  ];
}
