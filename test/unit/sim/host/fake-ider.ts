/**
 * A test double of the redirection service's IDE-R bus (server/src/sim/host/links.ts IderBus):
 * answers each ATAPI packet from an image file as consoles do (spec redirection.md §4.8) — the
 * first TEST UNIT READY after attach is UNIT ATTENTION 06/28/00, no image is 02/3A/00, READ(10)
 * past the end is 05/21/00 — and logs every packet.
 */
import type { AtapiResult, IderBus, IderDevice } from '../../../../server/src/sim/host/links';

export interface Packet {
  device: IderDevice;
  op: number;
  cdb: Buffer;
  lba?: number;
  count?: number;
}

export class FakeIderBus implements IderBus {
  readonly devices: readonly IderDevice[] = ['cd', 'floppy'];
  open = true;
  readonly log: Packet[] = [];
  /** Reject the READ(10) after this many have been answered (the session ends mid-read). */
  failAfterReads?: number;
  private reads = 0;
  private readonly attention = new Set<IderDevice>(['cd', 'floppy']);

  constructor(private readonly media: Partial<Record<IderDevice, Buffer>>) {}

  async packet(device: IderDevice, cdb: Buffer, allocation: number): Promise<AtapiResult> {
    await new Promise((r) => setImmediate(r));
    if (!this.open) throw new Error('The IDE-R session ended.');
    const op = cdb[0];
    const entry: Packet = { device, op, cdb: Buffer.from(cdb) };
    this.log.push(entry);
    const img = this.media[device];
    const bs = device === 'cd' ? 2048 : 512;
    const r = (data: Buffer | number[]): AtapiResult => ({ data: Buffer.from(data).subarray(0, allocation) });
    const check = (key: number, asc: number, ascq = 0): AtapiResult => ({ data: Buffer.alloc(0), sense: { key, asc, ascq } });
    if (op === 0x12) {
      const inq = Buffer.alloc(36, 0x20);
      inq[0] = device === 'cd' ? 0x05 : 0x00;
      inq.write('Intel   ', 8, 'latin1');
      inq.write(device === 'cd' ? 'Virtual CD      ' : 'Virtual Floppy  ', 16, 'latin1');
      return r(inq);
    }
    if (!img) return check(0x02, 0x3a);
    if (op === 0x00) {
      if (this.attention.delete(device)) return check(0x06, 0x28);
      return r([]);
    }
    switch (op) {
      case 0x25: {
        const b = Buffer.alloc(8);
        b.writeUInt32BE(img.length / bs - 1, 0);
        b.writeUInt32BE(bs, 4);
        return r(b);
      }
      case 0x5a:
        return r([0, 6, device === 'cd' ? 5 : 0, 0x80, 0, 0, 0, 0]);
      case 0x1a:
        return r([0, device === 'cd' ? 5 : 0, 0x80, 0]);
      case 0x23:
        return r([0, 0, 0, 8, 0, 0, 0x0b, 0x40, 2, 0, 2, 0]);
      case 0x46:
        return device === 'cd' ? r([0, 0, 0, 12, 0, 0, 0, 8, 0, 0, 3, 4, 0, 8, 1, 0]) : check(0x05, 0x20);
      case 0x43:
        return device === 'cd' ? r([0, 0x12, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0, 0, 0x14, 0xaa, 0, 0, 0, 0, 0]) : check(0x05, 0x20);
      case 0x28: {
        const lba = cdb.readUInt32BE(2);
        const count = cdb.readUInt16BE(7);
        Object.assign(entry, { lba, count });
        if (this.failAfterReads !== undefined && this.reads >= this.failAfterReads) {
          this.open = false;
          throw new Error('The console closed the IDE-R session.');
        }
        this.reads += 1;
        if ((lba + count) * bs > img.length) return check(0x05, 0x21);
        return r(img.subarray(lba * bs, (lba + count) * bs));
      }
      case 0x1b:
        return r([]);
      default:
        return check(0x05, 0x20);
    }
  }

  /** The READ(10) packets, as [lba, count]. */
  reads10(): [number, number][] {
    return this.log.filter((p) => p.op === 0x28).map((p) => [p.lba ?? -1, p.count ?? -1]);
  }
}
