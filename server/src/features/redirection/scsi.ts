/**
 * The answers of one virtual IDE-R drive (CD-ROM or floppy) to the host's ATAPI packets (spec
 * redirection.md §4.8). Every refusal is a real CHECK CONDITION with its sense — not
 * MeshCommander's GOOD form that drops the sense bytes. Reads are returned as a range for ider.ts
 * to stream from the image; everything else is answered here.
 */
import type { DiskImage, ImageKind } from './image';
import { CD_FEATURES, CD_PROFILE, MODE_PAGES } from './scsi-tables';

export interface Sense { key: number; asc: number; ascq: number }

export type ScsiAnswer =
  | { kind: 'good' }
  | { kind: 'check'; sense: Sense }
  | { kind: 'data'; data: Buffer }
  | { kind: 'read'; lba: number; count: number }
  /** GOOD, then the medium is gone: the session ends as "ejected". */
  | { kind: 'eject' };

export const SENSE = {
  NO_MEDIUM: { key: 0x02, asc: 0x3a, ascq: 0 },
  MEDIUM_CHANGED: { key: 0x06, asc: 0x28, ascq: 0 },
  RESET: { key: 0x06, asc: 0x29, ascq: 0 },
  WRITE_PROTECTED: { key: 0x07, asc: 0x27, ascq: 0 },
  INVALID_OPCODE: { key: 0x05, asc: 0x20, ascq: 0 },
  LBA_OUT_OF_RANGE: { key: 0x05, asc: 0x21, ascq: 0 },
  INVALID_FIELD: { key: 0x05, asc: 0x24, ascq: 0 },
} as const satisfies Record<string, Sense>;

const good = { kind: 'good' } as const;
const check = (sense: Sense): ScsiAnswer => ({ kind: 'check', sense });
const u16 = (b: Buffer, at: number) => b.readUInt16BE(at);
/** The bytes, cut to the host's allocation length. */
const data = (bytes: Buffer, allocation: number): ScsiAnswer => (allocation === 0 ? good : { kind: 'data', data: bytes.subarray(0, allocation) });

export class ScsiDrive {
  /** Reported once, on the first TEST UNIT READY after attach (or after a bus reset). */
  private attention?: Sense = SENSE.MEDIUM_CHANGED;

  constructor(readonly kind: ImageKind, readonly image?: DiskImage) {}

  /** After ResetOccurred: the next TEST UNIT READY reports the reset. */
  reset(): void {
    this.attention = SENSE.RESET;
  }

  answer(cdb: Buffer): ScsiAnswer {
    const op = cdb[0]!;
    const image = this.image;
    if (op === 0x4a) return this.eventStatus(cdb);
    if (!image) return check(SENSE.NO_MEDIUM);
    const cd = this.kind === 'cd';
    switch (op) {
      case 0x00: { // TEST UNIT READY
        const ua = this.attention;
        this.attention = undefined;
        return ua ? check(ua) : good;
      }
      case 0x08: { // READ(6)
        const lba = ((cdb[1]! & 0x1f) << 16) | u16(cdb, 2);
        return this.read(lba, cdb[4] === 0 ? 256 : cdb[4]!);
      }
      case 0x28: return this.read(cdb.readUInt32BE(2), u16(cdb, 7)); // READ(10)
      case 0x0a: case 0x2a: case 0x2e: return check(SENSE.WRITE_PROTECTED); // WRITE(6), WRITE(10), WRITE AND VERIFY
      case 0x1a: { // MODE SENSE(6): only "all pages", as the firmware's consoles answer it
        if ((cdb[2]! & 0x3f) !== 0x3f || cdb[3] !== 0) return check(SENSE.INVALID_FIELD);
        return data(Buffer.from([0, cd ? 0x05 : 0x00, 0x80, 0]), cdb[4]!);
      }
      case 0x5a: { // MODE SENSE(10)
        const table = cd ? MODE_PAGES.cd : image.blocks > 2880 ? MODE_PAGES.ls120 : MODE_PAGES.floppy;
        const page = (table as Record<number, Buffer>)[cdb[2]! & 0x3f];
        return page ? data(page, u16(cdb, 7)) : check(SENSE.INVALID_FIELD);
      }
      case 0x1b: // START STOP UNIT: LoEj with Start clear ejects
        return (cdb[4]! & 0x03) === 0x02 ? { kind: 'eject' } : good;
      case 0x1e: return good; // PREVENT/ALLOW MEDIUM REMOVAL
      case 0x25: { // READ CAPACITY(10)
        const b = Buffer.alloc(8);
        b.writeUInt32BE(image.blocks - 1, 0);
        b.writeUInt32BE(image.blockSize, 4);
        return { kind: 'data', data: b };
      }
      case 0x23: { // READ FORMAT CAPACITIES (floppy): one "formatted media" descriptor
        if (cd) return check(SENSE.INVALID_OPCODE);
        const b = Buffer.alloc(12);
        b[3] = 8;
        b.writeUInt32BE(image.blocks, 4);
        b[8] = 0x02;
        b.writeUIntBE(image.blockSize, 9, 3);
        return data(b, u16(cdb, 7));
      }
      case 0x43: return cd ? this.toc(cdb) : check(SENSE.INVALID_OPCODE);
      case 0x46: return cd ? this.configuration(cdb) : check(SENSE.INVALID_OPCODE);
      case 0x51: { // READ DISC INFORMATION: one complete session
        if (!cd) return check(SENSE.INVALID_OPCODE);
        if ((cdb[1]! & 0x07) !== 0) return check(SENSE.INVALID_FIELD);
        const b = Buffer.alloc(34);
        b.writeUInt16BE(32, 0);
        b[2] = 0x0e;
        b[3] = 1; // first track
        b[4] = 1; b[5] = 1; b[6] = 1; // sessions, first and last track of the last session
        return data(b, u16(cdb, 7));
      }
      case 0x52: { // READ TRACK INFORMATION: track 1 covers the image
        if (!cd) return check(SENSE.INVALID_OPCODE);
        const b = Buffer.alloc(48);
        b.writeUInt16BE(46, 0);
        b[2] = 1; b[3] = 1; b[5] = 0x04; b[6] = 0x01;
        b.writeUInt32BE(image.blocks, 24);
        return data(b, u16(cdb, 7));
      }
      case 0xac: return cd ? data(Buffer.from([0, 0, 0, 4, 2, 0, 0, 0]), u16(cdb, 8)) : check(SENSE.INVALID_OPCODE); // GET PERFORMANCE
      default: return check(SENSE.INVALID_OPCODE);
    }
  }

  private read(lba: number, count: number): ScsiAnswer {
    if (count === 0) return good;
    if (lba + count > this.image!.blocks) return check(SENSE.LBA_OUT_OF_RANGE);
    return { kind: 'read', lba, count };
  }

  /** READ TOC: format 0 (track list: track 1 and the lead-out) or 1 (session info). */
  private toc(cdb: Buffer): ScsiAnswer {
    const msf = (cdb[1]! & 0x02) !== 0;
    const format = cdb[2]! & 0x0f;
    if (format === 1) return data(Buffer.from([0, 0x0a, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0]), u16(cdb, 7));
    if (format !== 0) return check(SENSE.INVALID_FIELD);
    const b = Buffer.alloc(20);
    b.set([0, 0x12, 1, 1, 0, 0x14, 1, 0], 0);
    b.set([0, 0x14, 0xaa, 0], 12);
    const blocks = this.image!.blocks;
    if (msf) {
      b.set([0, 0, 2, 0], 8); // track 1 at 00:02:00
      const f = blocks + 150;
      b.set([0, Math.floor(f / 4500), Math.floor(f / 75) % 60, f % 75], 16);
    } else b.writeUInt32BE(blocks, 16);
    return data(b, u16(cdb, 7));
  }

  /** GET CONFIGURATION: the feature header, then the features from the starting code on. */
  private configuration(cdb: Buffer): ScsiAnswer {
    const rt = cdb[1]! & 0x03;
    const start = u16(cdb, 2);
    const features = CD_FEATURES.filter((f) => (rt === 2 ? f.code === start : f.code >= start));
    const body = Buffer.concat(features.map((f) => f.bytes));
    const head = Buffer.alloc(8);
    head.writeUInt32BE(4 + body.length, 0);
    head.writeUInt16BE(CD_PROFILE, 6);
    return data(Buffer.concat([head, body]), u16(cdb, 7));
  }

  /** GET EVENT STATUS NOTIFICATION: polled only; "no event", with whether a medium is present. */
  private eventStatus(cdb: Buffer): ScsiAnswer {
    if ((cdb[1]! & 0x01) === 0) return check(SENSE.INVALID_FIELD);
    return data(Buffer.from([0, this.image ? 2 : 0, 0x80, 0]), u16(cdb, 7));
  }
}
