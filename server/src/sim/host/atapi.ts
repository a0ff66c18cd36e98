/**
 * The ATAPI packets (12-byte SCSI CDBs) the simulated BIOS and installer send through an IDE-R bus
 * (links.ts IderBus), and a drive wrapper that turns CHECK CONDITION and short data into errors
 * with a sentence. CDB layouts: SCSI SPC/MMC as consoles parse them (spec redirection.md §4.8).
 */
import type { AtapiResult, IderBus, IderDevice, Sense } from './links';

function cdb(...bytes: number[]): Buffer {
  const b = Buffer.alloc(12);
  Buffer.from(bytes).copy(b);
  return b;
}

function u16(n: number): [number, number] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export const CDB = {
  testUnitReady: () => cdb(0x00),
  inquiry: (alloc = 36) => cdb(0x12, 0, 0, 0, alloc),
  readCapacity: () => cdb(0x25),
  readFormatCapacities: (alloc = 12) => cdb(0x23, 0, 0, 0, 0, 0, 0, ...u16(alloc)),
  /** MODE SENSE(10), page 0x3F (all pages). */
  modeSense10: (alloc = 512) => cdb(0x5a, 0, 0x3f, 0, 0, 0, 0, ...u16(alloc)),
  /** MODE SENSE(6), page 0x3F. */
  modeSense6: (alloc = 255) => cdb(0x1a, 0, 0x3f, 0, alloc),
  getConfiguration: (alloc = 512) => cdb(0x46, 0, 0, 0, 0, 0, 0, ...u16(alloc)),
  /** READ TOC format 0 (TOC), LBA addresses. */
  readToc: (alloc = 100) => cdb(0x43, 0, 0, 0, 0, 0, 0, ...u16(alloc)),
  read10: (lba: number, count: number) => cdb(0x28, 0, (lba >>> 24) & 0xff, (lba >>> 16) & 0xff, (lba >>> 8) & 0xff, lba & 0xff, 0, ...u16(count)),
  /** START STOP UNIT with LoEj=1, Start=0: eject the medium. */
  eject: () => cdb(0x1b, 0, 0, 0, 0x02, 0),
} as const;

/** A packet's CHECK CONDITION, kept as sense key / ASC / ASCQ. */
export class CheckCondition extends Error {
  constructor(
    readonly what: string,
    readonly sense: Sense,
  ) {
    super(`${what} failed with sense ${senseText(sense)}`);
  }
}

export function senseText(s: Sense): string {
  return [s.key, s.asc, s.ascq].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('/');
}

/** A console that never answers: the BIOS gives up on a packet after this long (real time). */
const PACKET_TIMEOUT_MS = 30_000;

/** One redirected drive as the BIOS drives it. */
export class AtapiDrive {
  /** Packets sent, for tests and the installer's progress. */
  packets = 0;

  constructor(
    readonly bus: IderBus,
    readonly device: IderDevice,
    /** Called after each answer (throws when the host's run ended meanwhile). */
    private readonly check: () => void = () => {},
  ) {}

  /** Sends one packet; resolves with the result, CHECK CONDITION included. Rejects when the bus fails. */
  async send(cdbBytes: Buffer, allocation: number): Promise<AtapiResult> {
    if (!this.bus.open) throw new Error('the IDE-R session has ended');
    this.packets += 1;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the console did not answer ATAPI command 0x${cdbBytes[0].toString(16).padStart(2, '0')} within ${PACKET_TIMEOUT_MS / 1000} s`)), PACKET_TIMEOUT_MS);
      timer.unref();
    });
    try {
      return await Promise.race([this.bus.packet(this.device, cdbBytes, allocation), timeout]);
    } finally {
      clearTimeout(timer);
      this.check();
    }
  }

  /** Sends a packet that must succeed: CHECK CONDITION throws CheckCondition. */
  async good(what: string, cdbBytes: Buffer, allocation: number): Promise<Buffer> {
    const r = await this.send(cdbBytes, allocation);
    if (r.sense) throw new CheckCondition(what, r.sense);
    return r.data;
  }

  /** READ CAPACITY(10): blocks and block size. */
  async capacity(): Promise<{ blocks: number; blockSize: number }> {
    const d = await this.good('READ CAPACITY', CDB.readCapacity(), 8);
    if (d.length < 8) throw new Error(`READ CAPACITY returned ${d.length} bytes, not 8`);
    return { blocks: d.readUInt32BE(0) + 1, blockSize: d.readUInt32BE(4) };
  }

  /** READ(10) of `count` blocks of `blockSize` bytes; short data is an error. */
  async read(lba: number, count: number, blockSize: number): Promise<Buffer> {
    const want = count * blockSize;
    const d = await this.good(`READ(10) of block ${lba}`, CDB.read10(lba, count), want);
    if (d.length < want) throw new Error(`READ(10) of block ${lba} returned ${d.length} bytes, not ${want}`);
    return d.subarray(0, want);
  }
}

/** The vendor and product of an INQUIRY answer (bytes 8–15 and 16–31), trimmed. */
export function inquiryName(data: Buffer): string {
  if (data.length < 32) return '';
  return `${data.toString('latin1', 8, 16).trim()} ${data.toString('latin1', 16, 32).trim()}`.trim();
}
