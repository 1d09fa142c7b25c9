/** The parts of the pcsclite binding Gerbang uses (the package ships no types). */
declare module 'pcsclite' {
  import type { EventEmitter } from 'node:events';
  interface ReaderStatus {
    state: number;
    atr?: Buffer;
  }
  interface CardReader extends EventEmitter {
    readonly name: string;
    readonly SCARD_STATE_PRESENT: number;
    readonly SCARD_SHARE_SHARED: number;
    readonly SCARD_LEAVE_CARD: number;
    connect(
      options: { share_mode: number },
      callback: (error: Error | null, protocol: number) => void,
    ): void;
    disconnect(disposition: number, callback: (error: Error | null) => void): void;
    transmit(
      data: Buffer,
      responseLength: number,
      protocol: number,
      callback: (error: Error | null, data: Buffer) => void,
    ): void;
    close(): void;
    on(event: 'status', listener: (status: ReaderStatus) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'end', listener: () => void): this;
  }
  interface PCSCLite extends EventEmitter {
    on(event: 'reader', listener: (reader: CardReader) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    close(): void;
  }
  function pcsclite(): PCSCLite;
  export default pcsclite;
  export type { CardReader, PCSCLite, ReaderStatus };
}
