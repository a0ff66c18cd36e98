/**
 * AMT_BootSettingData.UefiBootParametersArray: the parameters of a One Click Recovery boot or a
 * Remote Platform Erase, as base64 of back-to-back TLVs (Open AMT mps `createTLVBuffer`,
 * go-wsman-messages `amt/boot` `CreateTLVBuffer`, MeshCommander `makeUefiBootParam`):
 *
 *   u16 LE vendor (0x8086, Intel) · u16 LE parameter type · u32 LE value length · value
 *
 * Strings are UTF-8 without a terminating NUL; numbers little-endian of their width; booleans one
 * byte. UefiBootNumberOfParams is the number of TLVs. Written here because the layout is eight
 * bytes of header per value: no library covers it.
 */
import { AmtError } from '../../errors';

export const INTEL_VENDOR = 0x8086;

/** OCR parameter types with their largest value in bytes (mps `ParameterType`, `MaxSizes`). */
export const OCR_PARAM = {
  networkDevicePath: { type: 1, max: 300 },
  syncRootCa: { type: 20, max: 1 },
  userName: { type: 40, max: 16 },
  password: { type: 41, max: 16 },
} as const;

/** Remote Platform Erase: type 1 carries the u32 bit mask of the erase actions. */
export const RPE_MASK_TYPE = 1;

export interface Tlv {
  type: number;
  value: Buffer;
}

export function encodeTlvs(list: readonly Tlv[]): Buffer {
  return Buffer.concat(
    list.map((p) => {
      const head = Buffer.alloc(8);
      head.writeUInt16LE(INTEL_VENDOR, 0);
      head.writeUInt16LE(p.type, 2);
      head.writeUInt32LE(p.value.length, 4);
      return Buffer.concat([head, p.value]);
    }),
  );
}

/** Reads TLVs back (for showing what is set, and for tests); throws on a truncated buffer. */
export function decodeTlvs(bytes: Buffer): Array<Tlv & { vendor: number }> {
  const out: Array<Tlv & { vendor: number }> = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 8 > bytes.length) throw new RangeError(`truncated TLV header at byte ${at}`);
    const length = bytes.readUInt32LE(at + 4);
    if (at + 8 + length > bytes.length) throw new RangeError(`TLV at byte ${at} claims ${length} bytes, past the end`);
    out.push({ vendor: bytes.readUInt16LE(at), type: bytes.readUInt16LE(at + 2), value: bytes.subarray(at + 8, at + 8 + length) });
    at += 8 + length;
  }
  return out;
}

export interface HttpsBootTlvInput {
  url: string;
  username?: string;
  password?: string;
  /** Check the server's certificate against AMT's trusted root certificates (type 20). Default true. */
  verify?: boolean;
}

/** The TLVs of an HTTPS boot, in the order mps and the Device Management Toolkit console send them: URL, root-CA sync, user, password. */
export function httpsBootTlvs(input: HttpsBootTlvInput): Tlv[] {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new AmtError('boot.invalid', `"${input.url}" is not a URL; give the boot image's address as https://server/path/image.iso.`);
  }
  if (url.protocol !== 'https:') throw new AmtError('boot.invalid', `One Click Recovery boots only from https:// addresses, not ${url.protocol}//; give an https:// URL.`);
  const list: Tlv[] = [
    text(OCR_PARAM.networkDevicePath, input.url, 'The boot URL'),
    { type: OCR_PARAM.syncRootCa.type, value: Buffer.from([input.verify === false ? 0 : 1]) },
  ];
  if (input.username) list.push(text(OCR_PARAM.userName, input.username, 'The HTTPS user name'));
  if (input.password) list.push(text(OCR_PARAM.password, input.password, 'The HTTPS password'));
  return list;
}

/** The erase bit mask as its one TLV. */
export function eraseTlvs(mask: number): Tlv[] {
  const value = Buffer.alloc(4);
  value.writeUInt32LE(mask >>> 0, 0);
  return [{ type: RPE_MASK_TYPE, value }];
}

function text(param: { type: number; max: number }, value: string, what: string): Tlv {
  const bytes = Buffer.from(value, 'utf8');
  // The length is checked without repeating a password in the message.
  if (bytes.length > param.max) throw new AmtError('boot.invalid', `${what} is ${bytes.length} bytes long, but AMT takes at most ${param.max}; shorten it.`);
  return { type: param.type, value: bytes };
}
