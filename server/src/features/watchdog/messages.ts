/**
 * The watchdog firmware client's messages (as the Linux mei_wdt driver sends them, drivers/watchdog/mei_wdt.c), for talking to it over MEI
 * directly when the mei_wdt driver is not bound. Little-endian; header = command 0x02,
 * bytecount (bytes after it), subcommand, version 0x10.
 */
export const WATCHDOG_CLIENT_GUID = '05b79a6f-4628-4d7f-899d-a91514cb32ab';

const MNG_CONTROL = 0x02;
const MNG_VERSION = 0x10;
const START_REQ = 0x13;
const START_RES = 0x83;
const STOP_REQ = 0x14;
const START_SIZE = 23;

/** Start and heartbeat are the same message: `02 15 13 10` + u16 timeout + 17 zero bytes. */
export function encodeStart(timeoutSeconds: number): Buffer {
  const m = Buffer.alloc(START_SIZE);
  m.set([MNG_CONTROL, START_SIZE - 2, START_REQ, MNG_VERSION]);
  m.writeUInt16LE(timeoutSeconds, 4);
  return m;
}

export function encodeStop(): Buffer {
  return Buffer.of(MNG_CONTROL, 0x02, STOP_REQ, MNG_VERSION);
}

export interface StartResponse {
  /** 0 = success. */
  status: number;
  /** wdstate bit 0: the firmware does not need a watchdog (AMT not enabled). */
  notRequired: boolean;
}

/** The start response (protocol version > 1 only): `02 <cnt> 83 10 <status> <wdstate>`. */
export function decodeStartResponse(m: Buffer): StartResponse | undefined {
  if (m.length < 6 || m[0] !== MNG_CONTROL || m[2] !== START_RES || m[3] !== MNG_VERSION) return undefined;
  return { status: m[4]!, notRequired: (m[5]! & 0x01) !== 0 };
}
