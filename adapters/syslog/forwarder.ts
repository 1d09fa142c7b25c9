/**
 * Forwards every audit record, and every signed checkpoint right after the record it covers, to the SIEM as RFC 5424 over TLS (RFC 5425), with a client
 * certificate and the SIEM's CA pinned. A durable cursor kept by the audit store remembers what was
 * sent, so an outage of the SIEM loses nothing: the forwarder reconnects with backoff and catches
 * up. Delivery is at least once: after a broken connection, the records sent in the last few
 * seconds before it are sent again (the SIEM deduplicates on `seq`).
 */
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { hostname } from 'node:os';
import type { AuditCursor, AuditRecord, SignedCheckpoint } from '../../audit/index.ts';
import { formatCheckpointRfc5424, formatRfc5424, frameOctetCounted } from './format.ts';

export interface SyslogForwarderOptions {
  readonly host: string;
  readonly port: number;
  /** The SIEM's CA: the only one trusted for its certificate. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string | Buffer;
  readonly serverName?: string;
  /** The last sequence number handed to the SIEM connection, durable beside the trail. */
  readonly cursor: AuditCursor;
  readonly readRecords: (afterSeq: number, limit: number) => AuditRecord[];
  /**
   * Signed checkpoints over tree sizes in [fromSize, toSize], with their own durable cursor (the
   * last tree size sent): each is sent once the record it covers has been, also when it was
   * signed after that record went (the checkpoint timer).
   */
  readonly checkpoints?: {
    readonly cursor: AuditCursor;
    readonly read: (fromSize: number, toSize: number) => SignedCheckpoint[];
  };
  readonly pollIntervalMs?: number;
  readonly rewindWindowMs?: number;
  readonly onStateChange?: (state: 'connected' | 'disconnected', detail: string) => void;
}

export class SyslogForwarder {
  private readonly options: SyslogForwarderOptions;
  private socket: TLSSocket | undefined;
  private connected = false;
  private stopped = false;
  private pumping = false;
  private backoffMs = 500;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private sent: { seq: number; at: number }[] = [];
  private readonly origin = {
    hostname: hostname(),
    appName: 'gerbang',
    procId: String(process.pid),
  };

  constructor(options: SyslogForwarderOptions) {
    this.options = options;
  }

  /** The last sequence number handed to the SIEM connection. */
  cursor(): number {
    return this.options.cursor.read();
  }

  /** For the officer console: where the forwarder sends and how far it got. */
  status(): { readonly target: string; readonly connected: boolean; readonly cursor: number } {
    return {
      target: `${this.options.host}:${this.options.port}`,
      connected: this.connected,
      cursor: this.cursor(),
    };
  }

  private setCursor(seq: number): void {
    this.options.cursor.save(seq);
  }

  /** A method, so that a check inside a callback reads the current value. */
  private isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.connectNow();
  }

  /** Wakes the forwarder (call after appends to forward without waiting for the poll). */
  notify(): void {
    if (this.connected) void this.pump();
  }

  private connectNow(): void {
    if (this.stopped) return;
    const socket = connect({
      host: this.options.host,
      port: this.options.port,
      ca: this.options.ca,
      cert: this.options.cert,
      key: this.options.key,
      // SNI carries names only (RFC 6066); an address is still checked against the certificate.
      ...(isIP(this.options.serverName ?? this.options.host) === 0
        ? { servername: this.options.serverName ?? this.options.host }
        : {}),
      minVersion: 'TLSv1.2',
    });
    this.socket = socket;
    socket.on('secureConnect', () => {
      this.connected = true;
      this.backoffMs = 500;
      this.options.onStateChange?.('connected', `${this.options.host}:${this.options.port}`);
      void this.pump();
    });
    socket.on('error', () => undefined); // 'close' follows and handles it
    socket.on('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.socket = undefined;
      // A deliberate stop ends the stream cleanly: nothing to resend, and the store may be closed.
      if (this.isStopped()) return;
      this.rewind();
      if (wasConnected) this.options.onStateChange?.('disconnected', 'connection closed');
      if (this.stopped) return;
      this.reconnectTimer = setTimeout(() => {
        this.connectNow();
      }, this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    });
    socket.on('data', () => undefined); // syslog receivers do not answer; drain anything
  }

  /** After a broken connection, resend what may have been lost in flight. */
  private rewind(): void {
    const window = this.options.rewindWindowMs ?? 5_000;
    const since = Date.now() - window;
    const recent = this.sent.find((entry) => entry.at >= since);
    if (recent !== undefined) {
      this.setCursor(Math.min(this.cursor(), recent.seq - 1));
      const checkpoints = this.options.checkpoints;
      if (checkpoints !== undefined && checkpoints.cursor.read() > this.cursor())
        checkpoints.cursor.save(this.cursor());
    }
    this.sent = [];
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.connected && !this.stopped) {
        const records = this.options.readRecords(this.cursor(), 500);
        const upTo = records.at(-1)?.seq ?? this.cursor();
        const checkpoints = this.options.checkpoints;
        const sealed = checkpoints?.read(checkpoints.cursor.read() + 1, upTo) ?? [];
        if (records.length === 0 && sealed.length === 0) break;
        const frames = this.framesOf(records, sealed);
        const socket = this.socket;
        if (socket === undefined) break;
        const written = await new Promise<boolean>((resolve) => {
          socket.write(frames, (error) => {
            resolve(error == null);
          });
        });
        if (!written) break;
        const lastSealed = sealed.at(-1);
        if (checkpoints !== undefined && lastSealed !== undefined)
          checkpoints.cursor.save(lastSealed.treeSize);
        const last = upTo;
        const now = Date.now();
        for (const record of records) this.sent.push({ seq: record.seq, at: now });
        this.sent = this.sent.filter(
          (entry) => entry.at >= now - (this.options.rewindWindowMs ?? 5_000),
        );
        this.setCursor(last);
      }
    } finally {
      this.pumping = false;
    }
    if (!this.stopped && this.pollTimer === undefined) {
      this.pollTimer = setTimeout(() => {
        this.pollTimer = undefined;
        void this.pump();
      }, this.options.pollIntervalMs ?? 500);
    }
  }

  /** The records as frames, each checkpoint right after the record it covers (or first). */
  private framesOf(records: readonly AuditRecord[], sealed: readonly SignedCheckpoint[]): Buffer {
    const frames: Buffer[] = [];
    let next = 0;
    const sendCheckpointsThrough = (seq: number): void => {
      for (; next < sealed.length && (sealed[next]?.treeSize ?? 0) <= seq; next++) {
        const checkpoint = sealed[next];
        if (checkpoint !== undefined)
          frames.push(frameOctetCounted(formatCheckpointRfc5424(checkpoint, this.origin)));
      }
    };
    sendCheckpointsThrough(this.cursor());
    for (const record of records) {
      frames.push(frameOctetCounted(formatRfc5424(record, this.origin)));
      sendCheckpointsThrough(record.seq);
    }
    return Buffer.concat(frames);
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      socket.end(() => {
        resolve();
      });
      socket.destroySoon();
    });
  }
}
