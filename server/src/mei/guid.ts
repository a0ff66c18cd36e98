/**
 * MEI client GUIDs and their byte order on the wire (spec protocols.md §1.3, §2).
 *
 * IOCTL_MEI_CONNECT_CLIENT takes a kernel `uuid_le`: the first three fields little-endian, the last
 * eight bytes as written. That is the Microsoft GUID layout, not RFC 4122 network order, so
 * 12f80028-b4b7-… becomes `28 00 f8 12 b7 b4 …`. Getting this wrong yields ENOTTY on every connect.
 */
import { AmtError } from '../errors';

export const MeiClientGuid = {
  AMTHI: '12f80028-b4b7-4b2d-aca8-46e0ff65814c',
  LME: '6733a4db-0476-4e7b-b3af-bcfc29bee7a7',
  WATCHDOG: '05b79a6f-4628-4d7f-899d-a91514cb32ab',
  MKHI: '8e6a6715-9abc-4043-88ef-9e39c6f63e0f',
} as const;

const GUID_RE = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

/** The 16 `uuid_le` bytes the kernel expects for a canonical GUID string. */
export function guidToUuidLe(guid: string): Buffer {
  const m = GUID_RE.exec(guid.trim());
  if (!m) {
    throw new AmtError('mei.guid', `"${guid}" is not a GUID: write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.`);
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(parseInt(m[1], 16), 0);
  out.writeUInt16LE(parseInt(m[2], 16), 4);
  out.writeUInt16LE(parseInt(m[3], 16), 6);
  Buffer.from(m[4] + m[5], 'hex').copy(out, 8);
  return out;
}

/** A label for messages: the well-known name with the GUID, or just the GUID. */
export function clientLabel(guid: string): string {
  const g = guid.trim().toLowerCase();
  const name = (Object.keys(MeiClientGuid) as (keyof typeof MeiClientGuid)[]).find((k) => MeiClientGuid[k] === g);
  return name ? `${name} (${g})` : g;
}
