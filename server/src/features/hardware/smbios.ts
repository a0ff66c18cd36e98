/**
 * SMBIOS structures as AMT_AssetTable.TableData carries them (base64 of raw structures; DMTF
 * DSP0134 "System Management BIOS Reference Specification" 3.x, §6.1 structure format):
 * a 4-byte header (type u8, length u8 of the formatted area including the header, handle u16 LE),
 * the formatted area, then the string set — NUL-terminated strings, closed by one more NUL (a
 * structure without strings ends with two NULs). A string field holds a 1-based index into the
 * set; 0 means "no string".
 *
 * Decoded here: the standard types a console shows (0 BIOS, 1 System, 2 Baseboard, 3 Chassis,
 * 4 Processor, 17 Memory Device) and Intel's AMT OEM types 130 ("$AMT" signature: AMT, SOL, IDE-R,
 * network and KVM switches and the OEM capability bytes) and 131 (vPro: CPU capabilities, MEBx
 * version, "vPro" identifier at offset 0x30), laid out as in Intel's platform sample code
 * MeSmbiosDxe (MISC_OEM_TYPE_0x82 / 0x83). Any other type is shown as its raw formatted bytes.
 *
 * Written by hand: npm has no maintained SMBIOS decoder (the known ones parse dmidecode's text
 * output, which needs /sys/firmware/dmi and root on the machine being read — not what AMT gives).
 */

export type SmbiosField = readonly [label: string, value: string];

export interface SmbiosStructure {
  type: number;
  /** e.g. `BIOS Information`, `Intel AMT (OEM 130)`. */
  typeName: string;
  handle: number;
  /** Formatted-area length from the header. */
  length: number;
  fields: SmbiosField[];
  strings: string[];
  /** A sentence when the structure is not what its type says (truncated, wrong signature). */
  problem?: string;
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'BIOS Information', 1: 'System Information', 2: 'Baseboard Information', 3: 'System Enclosure or Chassis',
  4: 'Processor Information', 7: 'Cache Information', 8: 'Port Connector Information', 9: 'System Slots',
  11: 'OEM Strings', 16: 'Physical Memory Array', 17: 'Memory Device', 19: 'Memory Array Mapped Address',
  22: 'Portable Battery', 32: 'System Boot Information', 127: 'End-of-Table', 130: 'Intel AMT (OEM 130)', 131: 'Intel vPro (OEM 131)',
};

export function smbiosTypeName(type: number): string {
  return TYPE_NAMES[type] ?? (type >= 128 ? `OEM type ${type}` : `Type ${type}`);
}

/** Splits raw bytes into structures and decodes each; a malformed tail becomes a structure with a `problem`. */
export function decodeSmbios(bytes: Uint8Array): SmbiosStructure[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SmbiosStructure[] = [];
  let at = 0;
  while (at + 4 <= buf.length) {
    const type = buf[at]!;
    const length = buf[at + 1]!;
    const handle = buf.readUInt16LE(at + 2);
    if (length < 4 || at + length > buf.length) {
      out.push({ type, typeName: smbiosTypeName(type), handle, length, fields: [], strings: [], problem: `The structure at byte ${at} says its formatted area is ${length} bytes, but ${buf.length - at} remain, so it is cut off.` });
      break;
    }
    const formatted = buf.subarray(at, at + length);
    const { strings, end } = stringSet(buf, at + length);
    out.push(decodeOne(type, handle, formatted, strings));
    at = end;
    if (type === 127) break;
  }
  return out;
}

/** The strings after a formatted area, and where the next structure starts. */
function stringSet(buf: Buffer, from: number): { strings: string[]; end: number } {
  const strings: string[] = [];
  let at = from;
  if (buf[at] === 0) return { strings, end: Math.min(buf.length, at + 2) };
  while (at < buf.length && buf[at] !== 0) {
    let stop = buf.indexOf(0, at);
    if (stop < 0) stop = buf.length;
    strings.push(buf.subarray(at, stop).toString('latin1'));
    at = stop + 1;
  }
  return { strings, end: Math.min(buf.length, at + 1) };
}

class Reader {
  constructor(readonly f: Buffer, readonly strings: readonly string[]) {}
  has(offset: number, size = 1): boolean {
    return offset + size <= this.f.length;
  }
  u8(o: number): number | undefined {
    return this.has(o) ? this.f[o]! : undefined;
  }
  u16(o: number): number | undefined {
    return this.has(o, 2) ? this.f.readUInt16LE(o) : undefined;
  }
  u32(o: number): number | undefined {
    return this.has(o, 4) ? this.f.readUInt32LE(o) : undefined;
  }
  str(o: number): string | undefined {
    const i = this.u8(o);
    if (i === undefined) return undefined;
    if (i === 0) return '';
    return this.strings[i - 1] ?? `(string ${i} missing)`;
  }
}

function decodeOne(type: number, handle: number, formatted: Buffer, strings: string[]): SmbiosStructure {
  const r = new Reader(formatted, strings);
  const fields: SmbiosField[] = [];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') fields.push([label, String(value)]);
  };
  const s: SmbiosStructure = { type, typeName: smbiosTypeName(type), handle, length: formatted.length, fields, strings };
  switch (type) {
    case 0:
      add('Vendor', r.str(4));
      add('Version', r.str(5));
      add('Release date', r.str(8));
      add('ROM size', r.u8(9) === undefined ? undefined : r.u8(9) === 0xff ? 'see extended size' : `${(r.u8(9)! + 1) * 64} KB`);
      if (r.has(0x15)) add('BIOS revision', `${r.u8(0x14)}.${r.u8(0x15)}`);
      if (r.has(0x17) && r.u8(0x16) !== 0xff) add('Embedded controller firmware', `${r.u8(0x16)}.${r.u8(0x17)}`);
      break;
    case 1:
      add('Manufacturer', r.str(4));
      add('Product name', r.str(5));
      add('Version', r.str(6));
      add('Serial number', r.str(7));
      if (r.has(8, 16)) add('UUID', smbiosUuid(formatted.subarray(8, 24)));
      add('Wake-up type', lookup(WAKE_UP, r.u8(0x18)));
      add('SKU number', r.str(0x19));
      add('Family', r.str(0x1a));
      break;
    case 2:
      add('Manufacturer', r.str(4));
      add('Product', r.str(5));
      add('Version', r.str(6));
      add('Serial number', r.str(7));
      add('Asset tag', r.str(8));
      if (r.u8(9) !== undefined) add('Features', flags(r.u8(9)!, ['hosting board', 'needs a daughter board', 'removable', 'replaceable', 'hot swappable']) || 'none');
      add('Location in chassis', r.str(0x0a));
      add('Board type', lookup(BOARD_TYPES, r.u8(0x0d)));
      break;
    case 3:
      add('Manufacturer', r.str(4));
      if (r.u8(5) !== undefined) add('Type', `${lookup(CHASSIS_TYPES, r.u8(5)! & 0x7f)}${r.u8(5)! & 0x80 ? ', lock present' : ''}`);
      add('Version', r.str(6));
      add('Serial number', r.str(7));
      add('Asset tag', r.str(8));
      add('Boot-up state', lookup(CHASSIS_STATES, r.u8(9)));
      add('Power supply state', lookup(CHASSIS_STATES, r.u8(0x0a)));
      add('Thermal state', lookup(CHASSIS_STATES, r.u8(0x0b)));
      add('Security status', lookup(CHASSIS_SECURITY, r.u8(0x0c)));
      break;
    case 4:
      add('Socket', r.str(4));
      add('Processor type', lookup(PROCESSOR_TYPES, r.u8(5)));
      add('Family', r.u8(6) === 0xfe ? processorFamily(r.u16(0x28)) : processorFamily(r.u8(6)));
      add('Manufacturer', r.str(7));
      if (r.has(8, 8)) add('ID', formatted.subarray(8, 16).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 '));
      add('Version', r.str(0x10));
      add('External clock', mhz(r.u16(0x12)));
      add('Max speed', mhz(r.u16(0x14)));
      add('Current speed', mhz(r.u16(0x16)));
      if (r.u8(0x18) !== undefined) add('Status', `${r.u8(0x18)! & 0x40 ? 'socket populated' : 'socket empty'}, ${lookup(CPU_STATUS, r.u8(0x18)! & 7)}`);
      add('Serial number', r.str(0x20));
      add('Asset tag', r.str(0x21));
      add('Part number', r.str(0x22));
      add('Cores', r.u8(0x23));
      add('Enabled cores', r.u8(0x24));
      add('Threads', r.u8(0x25));
      break;
    case 17:
      add('Total width', bits(r.u16(8)));
      add('Data width', bits(r.u16(0x0a)));
      add('Size', memorySize(r.u16(0x0c), r.u32(0x1c)));
      add('Form factor', lookup(MEMORY_FORM_FACTORS, r.u8(0x0e)));
      add('Locator', r.str(0x10));
      add('Bank locator', r.str(0x11));
      add('Type', lookup(MEMORY_TYPES, r.u8(0x12)));
      add('Speed', mts(r.u16(0x15)));
      add('Manufacturer', r.str(0x17));
      add('Serial number', r.str(0x18));
      add('Asset tag', r.str(0x19));
      add('Part number', r.str(0x1a));
      add('Configured speed', mts(r.u16(0x20)));
      break;
    case 130:
      decodeAmt(r, add, s);
      break;
    case 131:
      decodeVpro(r, add, s);
      break;
    default:
      if (formatted.length > 4) add('Formatted bytes', hex(formatted.subarray(4)));
  }
  return s;
}

type Add = (label: string, value: string | number | undefined) => void;
const yesNo = (v: number | undefined) => (v === undefined ? undefined : v ? 'yes' : 'no');

function decodeAmt(r: Reader, add: Add, s: SmbiosStructure): void {
  const sig = r.has(4, 4) ? r.f.subarray(4, 8).toString('latin1') : '';
  if (sig !== '$AMT') {
    s.problem = `This type-130 structure does not start with the "$AMT" signature (found "${sig}"), so it is not Intel's AMT structure; its bytes are shown raw.`;
    add('Formatted bytes', hex(r.f.subarray(4)));
    return;
  }
  add('Signature', sig);
  add('AMT supported', yesNo(r.u8(8)));
  add('AMT enabled', yesNo(r.u8(9)));
  add('IDE redirection enabled', yesNo(r.u8(0x0a)));
  add('Serial over LAN enabled', yesNo(r.u8(0x0b)));
  add('Network interface enabled', yesNo(r.u8(0x0c)));
  const c1 = r.u8(0x0e);
  if (c1 !== undefined) add('BIOS capabilities', flags(c1 >> 2, ['BIOS reflash', 'BIOS setup', 'BIOS pause', 'no floppy boot', 'no CD boot']) || 'none');
  const c2 = r.u8(0x0f);
  if (c2 !== undefined) add('Terminal emulation', c2 === 2 ? 'VT100+' : c2 === 1 ? 'VT100' : c2 === 3 ? 'VT-UTF8' : `code ${c2}`);
  const c3 = r.u8(0x10);
  if (c3 !== undefined) add('Secure erase and boot', flags(c3 >> 6, ['HDD secure erase', 'BIOS secure boot']) || 'none');
  add('KVM enabled', yesNo(r.u8(0x12)));
}

function decodeVpro(r: Reader, add: Add, s: SmbiosStructure): void {
  const sig = r.has(0x30, 4) ? r.f.subarray(0x30, 0x34).toString('latin1') : '';
  if (sig !== 'vPro') {
    s.problem = `This type-131 structure has no "vPro" identifier at offset 0x30 where Intel's layout puts it (${r.f.length} bytes long), so its fields cannot be trusted; its bytes are shown raw.`;
    add('Formatted bytes', hex(r.f.subarray(4)));
    return;
  }
  const cpu = r.u32(4)!;
  add('CPU capabilities', flags(cpu, ['VMX on', 'SMX on', 'TXT capable', 'TXT enabled', 'VT-x capable', 'VT-x enabled']) || 'none');
  add('MEBx version', [8, 10, 12, 14].map((o) => r.u16(o)).join('.'));
  const pch = r.u32(0x10)!;
  add('PCH device ID', `0x${(pch >>> 16).toString(16).toUpperCase().padStart(4, '0')}`);
  add('ME capabilities', `0x${r.u32(0x18)!.toString(16).toUpperCase().padStart(8, '0')}`);
  add('ME firmware configured (SKU bits)', `0x${r.u32(0x1c)!.toString(16).toUpperCase().padStart(8, '0')}`);
  const nic = r.u32(0x20)!;
  add('Wired NIC device ID', `0x${(nic >>> 16).toString(16).toUpperCase().padStart(4, '0')}`);
  const bios = r.u32(0x2c)!;
  add('BIOS capabilities', flags(bios >> 1, ['VT-d in setup', 'TXT in setup', '', '', 'VT-x in setup', 'measured boot', 'boot and setup lock', 'chassis intrusion']) || 'none');
  add('Identifier', sig);
}

/** SMBIOS 2.6+ UUID: the first three fields little-endian (DSP0134 §7.2.1). */
export function smbiosUuid(b: Buffer): string {
  if (b.every((x) => x === 0)) return 'not present';
  if (b.every((x) => x === 0xff)) return 'not set';
  const h = (from: number, to: number, le: boolean) => {
    const part = Buffer.from(b.subarray(from, to));
    return (le ? part.reverse() : part).toString('hex');
  };
  return `${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10, false)}-${h(10, 16, false)}`;
}

function hex(b: Buffer): string {
  return b.toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');
}

function flags(value: number, names: readonly string[]): string {
  return names.filter((n, i) => n && value & (1 << i)).join(', ');
}

function lookup(table: Readonly<Record<number, string>>, v: number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return table[v] ?? `code ${v}`;
}

function mhz(v: number | undefined): string | undefined {
  return v === undefined ? undefined : v === 0 ? 'unknown' : `${v} MHz`;
}

function mts(v: number | undefined): string | undefined {
  return v === undefined ? undefined : v === 0 ? 'unknown' : `${v} MT/s`;
}

function bits(v: number | undefined): string | undefined {
  return v === undefined ? undefined : v === 0xffff ? 'unknown' : `${v} bits`;
}

function memorySize(size: number | undefined, extended: number | undefined): string | undefined {
  if (size === undefined) return undefined;
  if (size === 0) return 'no module installed';
  if (size === 0xffff) return 'unknown';
  if (size === 0x7fff) return extended === undefined ? 'see extended size' : sizeMb(extended & 0x7fffffff);
  return size & 0x8000 ? `${size & 0x7fff} KB` : sizeMb(size);
}

function sizeMb(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}

function processorFamily(v: number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return PROCESSOR_FAMILIES[v] ?? `family ${v}`;
}

const WAKE_UP: Record<number, string> = { 0: 'reserved', 1: 'other', 2: 'unknown', 3: 'APM timer', 4: 'modem ring', 5: 'LAN remote', 6: 'power switch', 7: 'PCI PME#', 8: 'AC power restored' };
const BOARD_TYPES: Record<number, string> = { 1: 'unknown', 2: 'other', 3: 'server blade', 4: 'connectivity switch', 5: 'system management module', 6: 'processor module', 7: 'I/O module', 8: 'memory module', 9: 'daughter board', 10: 'motherboard', 11: 'processor/memory module', 12: 'processor/I/O module', 13: 'interconnect board' };
const CHASSIS_TYPES: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'desktop', 4: 'low-profile desktop', 5: 'pizza box', 6: 'mini tower', 7: 'tower', 8: 'portable', 9: 'laptop', 10: 'notebook',
  11: 'hand held', 12: 'docking station', 13: 'all in one', 14: 'sub notebook', 15: 'space-saving', 16: 'lunch box', 17: 'main server chassis', 23: 'rack mount chassis',
  30: 'tablet', 31: 'convertible', 32: 'detachable', 33: 'IoT gateway', 34: 'embedded PC', 35: 'mini PC', 36: 'stick PC',
};
const CHASSIS_STATES: Record<number, string> = { 1: 'other', 2: 'unknown', 3: 'safe', 4: 'warning', 5: 'critical', 6: 'non-recoverable' };
const CHASSIS_SECURITY: Record<number, string> = { 1: 'other', 2: 'unknown', 3: 'none', 4: 'external interface locked out', 5: 'external interface enabled' };
const PROCESSOR_TYPES: Record<number, string> = { 1: 'other', 2: 'unknown', 3: 'central processor', 4: 'math processor', 5: 'DSP processor', 6: 'video processor' };
const CPU_STATUS: Record<number, string> = { 0: 'status unknown', 1: 'enabled', 2: 'disabled by user in BIOS setup', 3: 'disabled by BIOS (POST error)', 4: 'idle', 7: 'other' };
/** DSP0134 §7.5.2 (the Intel entries a vPro client can have, plus the generic ones). */
const PROCESSOR_FAMILIES: Record<number, string> = {
  1: 'Other', 2: 'Unknown', 11: 'Pentium', 179: 'Xeon', 191: 'Core 2 Duo', 198: 'Core i7', 205: 'Core i5', 206: 'Core i3', 207: 'Core i9',
  40: 'Core Duo', 41: 'Core Duo mobile', 42: 'Core Solo mobile', 43: 'Atom', 44: 'Core M', 199: 'Dual-Core Celeron', 15: 'Celeron', 0x100: 'ARMv7', 0x101: 'ARMv8',
};
/** SMBIOS memory form factors; AMT's CIM_PhysicalMemory.FormFactor carries these codes (MeshCommander reads 9 DIMM, 13 SODIMM). */
export const MEMORY_FORM_FACTORS: Record<number, string> = { 1: 'other', 2: 'unknown', 3: 'SIMM', 4: 'SIP', 5: 'chip', 6: 'DIP', 7: 'ZIP', 8: 'proprietary card', 9: 'DIMM', 10: 'TSOP', 11: 'row of chips', 12: 'RIMM', 13: 'SODIMM', 14: 'SRIMM', 15: 'FB-DIMM', 16: 'die' };
export const MEMORY_TYPES: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'DRAM', 15: 'SDRAM', 18: 'DDR', 19: 'DDR2', 24: 'DDR3', 26: 'DDR4', 27: 'LPDDR', 28: 'LPDDR2', 29: 'LPDDR3', 30: 'LPDDR4', 34: 'DDR5', 35: 'LPDDR5',
};
