/**
 * Constant answers of the virtual drives: MODE SENSE(10) pages and GET CONFIGURATION features,
 * by value from amtterm's ider.c (the same bytes are in MeshCommander's amt-ider-ws and Intel's
 * ui-toolkit Constants.ts). Each MODE SENSE table starts with its 8-byte mode parameter header.
 */

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** MODE SENSE(10) pages of a 1.44 MB floppy, an LS-120 (more than 2880 sectors) and a CD-ROM. */
export const MODE_PAGES = {
  floppy: {
    0x01: hex('0012248000000000010a00010000000002000000'),
    0x05: hex('0026248000000000051e04b002120200005000000000000000000000280000000000000002d00000'),
    0x3f: hex('005c248000000000010a00010000000002000000031600a00000000000120200000000000000a0000000051e04b002120200005000000000000000000000280000000000000002d00000080a000000000000000000000b06000000112431'),
  },
  ls120: {
    0x01: hex('0012318000000000010a00010000000002000000'),
    0x05: hex('0026318000000000051e10a90820020003c300000000000000000000280000000000000002d00000'),
    0x3f: hex('005c248000000000010a00010000000002000000031600a00000000000120200000000000000a0000000051e10a90820020003c300000000000000000000280000000000000002d00000080a000000000000000000000b06000000112431'),
  },
  cd: {
    0x01: hex('000e018000000000010600ff00000000'),
    0x1a: hex('00120180000000001a0a00000000000000000000'),
    0x1d: hex('00120180000000001d0a00000000000000000000'),
    0x2a: hex('00200180000000002a18000000002000000000000080000000000000000000000000'),
    0x3f: hex('0028018000000000010600ff000000002a18000000000200000000000080000000000000000000000000'),
  },
} as const satisfies Record<string, Record<number, Buffer>>;

/** GET CONFIGURATION features of the CD-ROM drive, in feature-code order. */
export const CD_FEATURES: readonly { code: number; bytes: Buffer }[] = [
  { code: 0x0000, bytes: hex('0000 0304 00080100') }, // profile list: CD-ROM (0008), current
  { code: 0x0001, bytes: hex('0001 0304 00000002') }, // core: ATAPI
  { code: 0x0002, bytes: hex('0002 0304 00000000') }, // morphing
  { code: 0x0003, bytes: hex('0003 0304 29000002') }, // removable medium: tray, eject, lock
  { code: 0x0010, bytes: hex('0010 0108 00000800 0001 0000') }, // random readable, 2048-byte blocks
  { code: 0x001e, bytes: hex('001e 0300') }, // CD read
  { code: 0x0100, bytes: hex('0100 0300') }, // power management
  { code: 0x0105, bytes: hex('0105 0300') }, // timeout
];

/** The MMC profile the drive reports as current: CD-ROM. */
export const CD_PROFILE = 0x0008;
