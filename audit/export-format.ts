/**
 * The audit export's format: its line kinds, what its seal signs, and the verifier's options and
 * result. Apart from the verifier (audit/verify.ts) because the exporter (audit/store/export.ts)
 * writes these lines and the parser (audit/export-lines.ts) reads them, neither of them verifying.
 */
import { canonicalJson } from './canonical.ts';
import type { SignedCheckpoint } from './checkpoint.ts';
import type { FrontierNode } from './merkle.ts';
import type { AuditRecord } from './types.ts';

export const EXPORT_FORMAT = 'gerbang-audit-export/2';
/** What an export's seal signs: see `sealPayload`. */
export const SEAL_FORMAT = 'gerbang-export-seal/1';
/** Exports of earlier versions, whose header and start marker were not signed. */
export const UNSIGNED_FORMATS = new Set(['gerbang-audit-export/1']);

export interface ExportHeader {
  readonly kind: 'header';
  readonly format: string;
  readonly instance: string;
  readonly exportedAt: string;
  readonly certificate: string;
  /** Signing certificates retired by rotations, oldest first; `certificate` is the current. */
  readonly previousCertificates?: readonly string[];
}

export interface ExportStart {
  readonly kind: 'start';
  readonly treeSize: number;
  readonly lastHash: string;
  readonly frontier: readonly FrontierNode[];
}

/** The last line of an export: the current audit key's signature over everything else. */
export interface ExportSeal {
  readonly kind: 'seal';
  readonly records: number;
  readonly keyId: string;
  readonly signature: string;
}

export type ExportLine =
  | ExportHeader
  | ExportStart
  | { readonly kind: 'record'; readonly record: AuditRecord }
  | {
      readonly kind: 'checkpoint';
      readonly checkpoint: SignedCheckpoint;
      /** Its RFC 3161 token (base64 DER), checked by audit/timestamps.ts. */
      readonly timestamp?: string;
    }
  | ExportSeal;

/** What the seal signs: the header as written, the start marker, the count and the tree head. */
export function sealPayload(content: {
  readonly header: ExportHeader;
  readonly start: ExportStart | undefined;
  readonly records: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly lastHash: string;
}): string {
  return canonicalJson({
    format: SEAL_FORMAT,
    // Interfaces lack an index signature; both are plain JSON (strings, numbers, arrays).
    header: { ...content.header },
    start:
      content.start === undefined
        ? null
        : { ...content.start, frontier: content.start.frontier.map((node) => ({ ...node })) },
    records: content.records,
    treeSize: content.treeSize,
    rootHash: content.rootHash,
    lastHash: content.lastHash,
  });
}

/** A tree head held outside the appliance: an earlier report's, a SIEM's, an evaluator's note. */
export interface TreeAnchor {
  readonly treeSize: number;
  readonly rootHash: string;
  /** Where it came from, for messages ("report 2026-S1", "--anchor"). */
  readonly source: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly records: number;
      readonly checkpoints: number;
      readonly treeSize: number;
      readonly rootHash: string;
      readonly unsealedRecords: number;
      /** Anchors found on this tree (the others are named in the warnings). */
      readonly anchorsConfirmed: number;
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      readonly records: number;
      readonly checkpoints: number;
      readonly firstBadSeq: number;
      readonly reason: string;
    };

export interface VerifyOptions {
  /** The CA that must have issued the signing certificate. Without it, only internal consistency is checked. */
  readonly caCertificatePem?: string;
  /**
   * An export: it must end with a checkpoint over its last record and a seal. The live store may
   * have unsealed records, and its start marker is the signed retention anchor.
   */
  readonly requireFinalCheckpoint: boolean;
  /** Tree heads held outside the appliance; each must lie on this tree. */
  readonly anchors?: readonly TreeAnchor[];
}
