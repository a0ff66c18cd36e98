/**
 * Hosts the FirmwareClients on the main thread: turns the worker's connect/write/close events into
 * FirmwareClient.open / FirmwareSession.onMessage / onClose, and FirmwareConnection.send/close into
 * commands for the worker.
 */
import type { DeviceEvent } from './bridge';
import type { FirmwareClient, FirmwareConnection, FirmwareSession } from './firmware';
import type { WorkerLink } from './worker-link';

interface Conn {
  session?: FirmwareSession;
}

export class FirmwareHost {
  /** Live connections by id, from connect until host close, firmware drop or reset. */
  private readonly conns = new Map<number, Conn>();

  constructor(
    private readonly clients: Map<string, FirmwareClient>,
    private readonly link: WorkerLink,
    private readonly onError: (err: unknown) => void,
    /** Tell the worker when each message has been handled (the watchdog device holds syscalls until then). */
    private readonly ackMessages = false,
  ) {}

  handle(e: DeviceEvent): void {
    switch (e.type) {
      case 'open':
        return this.open(e.conn, e.guid);
      case 'message': {
        const data = Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
        this.guard(() => this.conns.get(e.conn)?.session?.onMessage(data));
        // After onMessage: anything the firmware answered synchronously is posted before this.
        if (this.ackMessages) this.link.post({ type: 'handled', conn: e.conn });
        return;
      }
      case 'close':
        return this.end(e.conn);
      case 'warning':
        return this.onError(new Error(`Emulated MEI device: ${e.message}`));
    }
  }

  /** Ends every session (reset or shutdown); the worker is told separately. */
  endAll(): void {
    for (const id of [...this.conns.keys()]) this.end(id);
  }

  private open(id: number, guid: string): void {
    const conn: Conn = {};
    this.conns.set(id, conn);
    const live = () => this.conns.get(id) === conn;
    const client = this.clients.get(guid)!;
    const max = client.maxMessageLength;
    const connection: FirmwareConnection = {
      send: (message) => {
        if (!live()) return;
        if (message.length > max) {
          // Real firmware never does this; the host would see the tail as a separate message.
          this.onError(new Error(`Firmware client ${guid} sent ${message.length} bytes, more than its maxMessageLength ${max}; message dropped.`));
          return;
        }
        // A copy with its own ArrayBuffer: the caller may reuse its buffer, and postMessage would
        // clone a whole pooled ArrayBuffer.
        this.link.post({ type: 'send', conn: id, data: new Uint8Array(message) });
      },
      close: () => {
        if (!live()) return;
        this.conns.delete(id);
        this.link.postAndWait({ type: 'drop', conn: id });
      },
    };
    try {
      conn.session = client.open(connection);
    } catch (err) {
      this.onError(err);
      connection.close();
    }
  }

  private end(id: number): void {
    const conn = this.conns.get(id);
    this.conns.delete(id);
    this.guard(() => conn?.session?.onClose());
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
