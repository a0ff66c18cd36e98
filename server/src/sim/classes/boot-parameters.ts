/**
 * One Click Recovery and Remote Platform Erase on the simulated firmware (AMT 16+; Intel AMT SDK
 * "One Click Recovery", "Remote Platform Erase"): AMT_BootSettingData.UefiBootParametersArray
 * is checked when a Put sets it and kept beside the instances until the next boot, which then does
 * what it asks — an HTTPS boot from the URL, or the erase — and records it.
 *
 * The array is base64 of TLVs: u16 LE vendor 0x8086, u16 LE type, u32 LE length, value (Open AMT
 * mps `createTLVBuffer`, go-wsman-messages `CreateTLVBuffer`). A Put is refused (InvalidRepresentation /
 * InvalidValues) for a truncated buffer, another vendor, an unknown type or a value over its
 * maximum (mps `MaxSizes`), an HTTPS boot without its URL (type 1) or with a URL that is not
 * https://, and an erase without its bit mask. UefiBootNumberOfParams is not compared with the TLVs:
 * MeshCommander sends 3 whatever it encodes. Firmware before 16 has none of these properties, so a
 * Put naming them is a SchemaValidationError there.
 *
 * Choices where no source says more: the array reads back without its password TLV (type 41, the
 * HTTPS server's password, is write-only like RSEPassword); the next boot uses it only when the
 * one-time options are armed and the forced source is the OCR HTTPS source (HTTPS boot; host/
 * prints the download) or PlatformErase is set (erase, printed here); the simulated erase
 * completes at once. What happened is in `bootParameters(device)`.
 */
import type { SimDevice } from '../device';
import type { BootRecord } from '../host/host';
import { sideState } from '../side-state';
import type { PropMap, PropValue } from '../values';
import { WsmanFault } from '../wsman/faults';

export const OCR_HTTPS_SOURCE = 'Intel(r) AMT: Force OCR UEFI HTTPS Boot';

/** TLV types AMT knows, with their largest value (mps `MaxSizes`). */
const MAX_SIZE: Readonly<Record<number, number>> = {
  1: 300, 2: 300, 3: 2, 4: 32, 5: 48, 6: 64, 10: 50, 20: 1, 21: 256, 22: 2, 23: 32, 24: 48, 25: 64, 30: 2, 40: 16, 41: 16,
};

/** RPE erase actions by bit (MeshCommander `powerActionDlgRPE`). */
const ERASE_BITS: Readonly<Record<number, string>> = {
  1: 'Pyrite revert', 2: 'secure erase of all SSDs', 3: 'verify storage erase', 6: 'TPM clear', 16: 'OEM custom action',
  25: 'clear BIOS NVM variables', 26: 'BIOS reload of golden configuration', 31: 'CSME unconfigure',
};

interface Tlv {
  type: number;
  value: Buffer;
}

export interface HttpsBootDone {
  at: number;
  url: string;
  verify: boolean;
  user?: string;
}

export interface EraseDone {
  at: number;
  mask: number;
  actions: string[];
}

export interface BootParameterState {
  /** Decoded at the Put (base64 of the TLVs), for the next boot. */
  pending?: string;
  lastHttpsBoot?: HttpsBootDone;
  erases: EraseDone[];
}

export function bootParameters(device: SimDevice): BootParameterState {
  return sideState<BootParameterState>(device, 'bootParameters', () => ({ erases: [] }));
}

function parseTlvs(text: string): Tlv[] {
  const bytes = Buffer.from(text, 'base64');
  const out: Tlv[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 8 > bytes.length) throw bad(`truncated TLV header at byte ${at}`);
    const vendor = bytes.readUInt16LE(at);
    const type = bytes.readUInt16LE(at + 2);
    const length = bytes.readUInt32LE(at + 4);
    if (vendor !== 0x8086) throw bad(`TLV at byte ${at} has vendor 0x${vendor.toString(16)}, not Intel's 0x8086`);
    if (at + 8 + length > bytes.length) throw bad(`TLV type ${type} claims ${length} bytes, past the end`);
    if (MAX_SIZE[type] === undefined) throw bad(`unknown TLV type ${type}`);
    out.push({ type, value: bytes.subarray(at + 8, at + 8 + length) });
    at += 8 + length;
  }
  return out;
}

function bad(why: string): WsmanFault {
  return new WsmanFault('InvalidRepresentation', `UefiBootParametersArray: ${why}`, 'InvalidValues');
}

/**
 * AMT_BootSettingData Put check (before it applies). `changes` are the properties the body carries.
 * An HTTPS boot (URL type 1 present) and an erase (PlatformErase true) are checked by their rules;
 * the value sizes hold for both (RPE's type 1 is a 4-byte mask).
 */
export function checkBootParametersPut(device: SimDevice, changes: ReadonlyMap<string, PropValue | null>): void {
  const array = changes.get('UefiBootParametersArray');
  const erase = changes.get('PlatformErase') === true;
  if (!device.model.hasOcr) {
    for (const name of ['UefiBootParametersArray', 'UefiBootNumberOfParams', 'PlatformErase']) {
      if (changes.has(name)) throw new WsmanFault('SchemaValidationError', `AMT ${device.model.family} has no AMT_BootSettingData.${name}`);
    }
    return;
  }
  if (typeof array !== 'string' || array.trim() === '') {
    if (erase) throw bad('PlatformErase needs the erase bit mask (TLV type 1)');
    return;
  }
  const tlvs = parseTlvs(array);
  for (const t of tlvs) {
    const max = erase && t.type === 1 ? 4 : MAX_SIZE[t.type]!;
    if (t.value.length > max) throw bad(`TLV type ${t.type} is ${t.value.length} bytes, more than ${max}`);
  }
  const first = tlvs.find((t) => t.type === 1);
  if (!first) throw bad(erase ? 'PlatformErase needs the erase bit mask (TLV type 1)' : 'no HTTPS URI (TLV type 1)');
  if (erase && first.value.length !== 4) throw bad('the erase bit mask (TLV type 1) must be 4 bytes');
  if (!erase && !/^https:\/\/[^\s/]+/i.test(first.value.toString('utf8'))) throw bad('the boot URI (TLV type 1) is not an https:// address');
  const sync = tlvs.find((t) => t.type === 20);
  if (sync && (sync.value.length !== 1 || sync.value[0]! > 1)) throw bad('the root-CA sync flag (TLV type 20) must be one byte 0 or 1');
}

/** The array without its password TLV (type 41). */
function withoutPassword(text: string): string {
  const bytes = Buffer.from(text, 'base64');
  const kept: Buffer[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const end = at + 8 + bytes.readUInt32LE(at + 4);
    if (bytes.readUInt16LE(at + 2) !== 41) kept.push(bytes.subarray(at, end));
    at = end;
  }
  return Buffer.concat(kept).toString('base64');
}

/** Keeps the array for the next boot and the consequences of that boot (one listener per device). */
export function watchBootParameters(device: SimDevice): void {
  device.on('put', ({ className, instance, changed }: { className: string; instance: PropMap; changed: string[] }) => {
    if (className !== 'AMT_BootSettingData') return;
    const state = bootParameters(device);
    if (changed.includes('UefiBootParametersArray')) {
      const v = instance.UefiBootParametersArray;
      if (typeof v === 'string' && v !== '') {
        state.pending = withoutPassword(v);
        instance.UefiBootParametersArray = state.pending;
      } else delete state.pending;
    } else if (instance.UefiBootNumberOfParams === 0) {
      delete state.pending;
    }
  });
  device.on('host-boot', (record: BootRecord) => {
    const state = bootParameters(device);
    const pending = state.pending;
    delete state.pending;
    if (!record.oneTime || !pending) return;
    let tlvs: Tlv[];
    try {
      tlvs = parseTlvs(pending);
    } catch {
      return; // checked at the Put; a state file edited by hand may still hold garbage
    }
    const print = (text: string) => device.host.print(text);
    if (record.options.PlatformErase === true) {
      const mask = tlvs.find((t) => t.type === 1)?.value.readUInt32LE(0) ?? 0;
      const actions = Object.entries(ERASE_BITS).filter(([bit]) => mask & (1 << Number(bit))).map(([, words]) => words);
      state.erases.push({ at: record.at, mask, actions });
      print('Remote Platform Erase: beginning platform erase\r\n');
      for (const a of actions) print(`Remote Platform Erase: ${a} ... done\r\n`);
      print('Remote Platform Erase: ended successfully\r\n');
    } else if (record.forcedSource === OCR_HTTPS_SOURCE) {
      const text = (type: number) => tlvs.find((t) => t.type === type)?.value.toString('utf8');
      const url = text(1) ?? '';
      const user = text(40);
      state.lastHttpsBoot = { at: record.at, url, verify: tlvs.find((t) => t.type === 20)?.value[0] !== 0, ...(user ? { user } : {}) };
    }
  });
}

/** Consent was revoked or lapsed: the pending one-time boot no longer applies (Intel AMT SDK "User Consent"). */
export function clearPendingBoot(device: SimDevice): void {
  delete device.host.state.forcedSource;
  delete bootParameters(device).pending;
  for (const link of device.instances('CIM_ElementSettingData')) {
    const s = link.SettingData as { kind?: string; resourceUri?: string } | undefined;
    if (s?.kind === 'epr' && s.resourceUri?.endsWith('/CIM_BootConfigSetting')) link.IsNext = 2;
  }
}
