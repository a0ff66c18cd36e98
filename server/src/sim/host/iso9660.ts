/**
 * The parts of an ISO 9660 image a BIOS reads to boot it: the volume descriptors from sector 16
 * (ECMA-119 §8: type byte, standard identifier `CD001`, version 1; the primary volume descriptor
 * is type 1 with the volume identifier at bytes 40–71 and the volume space size, both-endian, at
 * 80), the El Torito boot record (type 0, boot system identifier `EL TORITO SPECIFICATION` at 7,
 * boot catalog sector as u32 LE at 71) and the boot catalog (El Torito 1.0 §2: a validation entry
 * — header 01, key bytes 55 AA, 16-bit words summing to zero — then the initial/default entry —
 * 88 bootable, media type, sector count in 512-byte units at 6, load RBA at 8).
 *
 * Written here rather than taken from a library: the simulator reads three fixed structures
 * through ATAPI READ(10), not files from an image on disk, which is what ISO libraries on npm do.
 */
export const ISO_SECTOR = 2048;
/** Volume descriptors start at sector 16 (the first 32 KiB are the system area). */
export const FIRST_DESCRIPTOR = 16;

export type Descriptor =
  | { type: 'primary'; label: string; volumeBlocks: number }
  | { type: 'boot-record'; elTorito: boolean; catalogLba: number }
  | { type: 'terminator' }
  | { type: 'other'; code: number };

/** One volume descriptor, or undefined when the sector is no ISO 9660 descriptor. */
export function parseDescriptor(sector: Buffer): Descriptor | undefined {
  if (sector.length < ISO_SECTOR || sector.toString('latin1', 1, 6) !== 'CD001') return undefined;
  const code = sector[0];
  if (code === 1) {
    return { type: 'primary', label: sector.toString('latin1', 40, 72).replace(/[\0 ]+$/, '').trim(), volumeBlocks: sector.readUInt32LE(80) };
  }
  if (code === 0) {
    const system = sector.toString('latin1', 7, 39).replace(/\0+$/, '');
    return { type: 'boot-record', elTorito: system === 'EL TORITO SPECIFICATION', catalogLba: sector.readUInt32LE(71) };
  }
  if (code === 255) return { type: 'terminator' };
  return { type: 'other', code };
}

export interface BootEntry {
  readonly bootable: boolean;
  /** 0 no emulation, 1–3 floppy emulation, 4 hard disk emulation. */
  readonly mediaType: number;
  /** 512-byte virtual sectors to load. */
  readonly sectorCount: number;
  /** Where the boot image starts (a 2048-byte sector). */
  readonly loadRba: number;
  /** Validation entry platform: 0 x86, 0xEF EFI. */
  readonly platform: number;
}

/** The initial/default entry of a boot catalog, or a sentence saying why the catalog is unusable. */
export function parseBootCatalog(sector: Buffer): BootEntry | string {
  if (sector.length < 64) return 'the boot catalog is shorter than two entries';
  if (sector[0] !== 0x01) return `the boot catalog's validation entry starts with 0x${hex(sector[0])}, not 0x01`;
  if (sector[30] !== 0x55 || sector[31] !== 0xaa) return 'the boot catalog has no 55 AA key bytes';
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + sector.readUInt16LE(i)) & 0xffff;
  if (sum !== 0) return 'the boot catalog validation entry checksum is wrong';
  const e = sector.subarray(32, 64);
  if (e[0] !== 0x88 && e[0] !== 0x00) return `the boot catalog's default entry has indicator 0x${hex(e[0])}`;
  return { bootable: e[0] === 0x88, mediaType: e[1] & 0x0f, sectorCount: e.readUInt16LE(6), loadRba: e.readUInt32LE(8), platform: sector[1] };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
