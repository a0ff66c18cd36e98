/**
 * The ATAPI side the firmware itself serves during IDE-R (consoles never answer these; spec §4.8):
 * INQUIRY — the virtual drives' identity lives in the firmware — and REQUEST SENSE, from the sense
 * the drive's last CHECK CONDITION left. Also the 0x50 CommandWritten register block for a PACKET
 * command and the reading of a console's 0x51/0x54 status registers.
 *
 * The INQUIRY strings are inferred (no capture of a real AMT's virtual drives was read).
 */
import type { AtapiResult, IderDevice, Sense } from '../host/links';

export const OP = { RequestSense: 0x03, Inquiry: 0x12 } as const;

/** Drive select register: bit 4 set = slave = the CD (0xB0), clear = master = the floppy (0xA0). */
export const DRIVE_SELECT: Readonly<Record<IderDevice, number>> = { cd: 0xb0, floppy: 0xa0 };
const ATA_PACKET = 0xa0;
const STATUS_ERR = 0x01;

/** Standard INQUIRY data (SPC): removable, CD-ROM (5) or direct-access (0), ATAPI version fields. */
export function inquiry(device: IderDevice, cdb: Buffer, allocation: number): AtapiResult {
  const b = Buffer.alloc(36, 0x20);
  b[0] = device === 'cd' ? 0x05 : 0x00;
  b[1] = 0x80; // removable medium
  b[2] = 0x00;
  b[3] = 0x21; // ATAPI, response data format 1
  b[4] = 31; // additional length
  b.fill(0, 5, 8);
  b.write('Intel   ', 8, 'latin1');
  b.write(device === 'cd' ? 'Virtual CD-ROM  ' : 'Virtual Floppy  ', 16, 'latin1');
  b.write('1.00', 32, 'latin1');
  return { data: b.subarray(0, Math.min(b.length, cdb[4] || b.length, allocation)) };
}

/** Fixed-format sense data (SPC, response code 70h) for the last CHECK CONDITION, or NO SENSE. */
export function requestSense(sense: Sense | undefined, cdb: Buffer, allocation: number): AtapiResult {
  const b = Buffer.alloc(18);
  b[0] = 0x70;
  b[2] = (sense?.key ?? 0) & 0x0f;
  b[7] = 10;
  b[12] = sense?.asc ?? 0;
  b[13] = sense?.ascq ?? 0;
  return { data: b.subarray(0, Math.min(b.length, cdb[4] || b.length, allocation)) };
}

/** The 20-byte body of 0x50 CommandWritten (after the 8-byte header). */
export function commandWritten(device: IderDevice, cdb: Buffer, allocation: number): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0; // cable select
  b[1] = 0; // feature: PIO data phase
  b[2] = 0; // sector count
  b[3] = 0; // sector number
  b.writeUInt16LE(Math.min(allocation, 0xfffe), 4); // byte count limit
  b[6] = DRIVE_SELECT[device];
  b[7] = ATA_PACKET;
  cdb.copy(b, 8, 0, Math.min(cdb.length, 12));
  return b;
}

/**
 * The status a console's 0x51 or last 0x54 reports: CHECK CONDITION only when the ERR bit of the
 * status register (byte 27) is set, with the sense at 28–30. MeshCommander sends "no medium" in
 * the GOOD form (status 50h with sense bytes): the host sees GOOD then, as it would from the real
 * firmware, so the sense bytes alone do not make an error.
 */
export function endStatus(m: Buffer): Sense | undefined {
  if ((m[27] & STATUS_ERR) === 0) return undefined;
  return { key: (m[28] & 0x0f) || m[21] >> 4, asc: m[29], ascq: m[30] };
}
