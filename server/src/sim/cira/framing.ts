/**
 * CIRA carries APF as a plain byte stream over TLS (no MEI message boundaries), so the firmware
 * cuts it into messages by each type's layout, as MPS does on its side (fleet.md §3.1). Only the
 * messages an MPS sends to a device are known here; anything else ends the tunnel.
 */
import { APF, WireError } from '../firmware/apf-wire';

/** Length of the message at the start of `buf`, 0 if more bytes are needed; throws for an unknown type. */
export function messageLength(buf: Buffer): number {
  if (buf.length === 0) return 0;
  const u32 = (at: number): number | undefined => (buf.length >= at + 4 ? buf.readUInt32BE(at) : undefined);
  const fixed = (n: number) => (buf.length >= n ? n : 0);
  switch (buf[0]) {
    case APF.DISCONNECT:
      return fixed(7);
    case APF.SERVICE_ACCEPT:
    case APF.SERVICE_REQUEST: {
      const n = u32(1);
      return n === undefined ? 0 : fixed(5 + n);
    }
    case APF.USERAUTH_SUCCESS:
    case APF.REQUEST_FAILURE:
      return 1;
    case APF.USERAUTH_FAILURE: {
      // name-list + "partial success"; MPS writes two zero bytes after the list (fleet.md §3.2).
      const n = u32(1);
      return n === undefined ? 0 : Math.min(buf.length, 5 + n + 2) >= 5 + n + 1 ? Math.min(buf.length, 5 + n + 2) : 0;
    }
    case APF.REQUEST_SUCCESS:
      // A tcpip-forward reply carries the bound port; this firmware sends no other global request.
      return fixed(5);
    case APF.KEEPALIVE_REQUEST:
    case APF.KEEPALIVE_REPLY:
    case APF.CHANNEL_CLOSE:
      return fixed(5);
    case APF.KEEPALIVE_OPTIONS_REQUEST:
    case APF.KEEPALIVE_OPTIONS_REPLY:
    case APF.CHANNEL_WINDOW_ADJUST:
      return fixed(9);
    case APF.CHANNEL_OPEN_CONFIRMATION:
    case APF.CHANNEL_OPEN_FAILURE:
      return fixed(17);
    case APF.CHANNEL_DATA: {
      const n = u32(5);
      return n === undefined ? 0 : fixed(9 + n);
    }
    case APF.CHANNEL_OPEN: {
      // type, sender, window, reserved, connected address, port, originator address, port.
      let at = 1;
      const str = (): boolean => {
        const n = u32(at);
        if (n === undefined) return false;
        at += 4 + n;
        return true;
      };
      if (!str()) return 0;
      at += 12;
      if (!str()) return 0;
      at += 4;
      if (!str()) return 0;
      at += 4;
      return fixed(at);
    }
    default:
      throw new WireError(`unknown APF message type ${buf[0]} from the MPS`);
  }
}

/** Collects stream chunks and hands out whole messages. */
export class Deframer {
  private pending: Buffer = Buffer.alloc(0);
  /** Largest message accepted (MPS never sends more than a channel window of data). */
  constructor(private readonly maxMessage = 2 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const n = messageLength(this.pending);
      if (n === 0) {
        if (this.pending.length > this.maxMessage) throw new WireError('an APF message from the MPS is larger than any channel window');
        return out;
      }
      out.push(Buffer.from(this.pending.subarray(0, n)));
      this.pending = this.pending.subarray(n);
    }
  }
}
