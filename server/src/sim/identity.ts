/**
 * Who a simulated device is. Everything that must differ between devices in one process (UUID,
 * Digest realm, MAC addresses, serial numbers) is derived from the UUID, so a named device keeps
 * the same identity across runs and two devices never share one.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface DeviceIdentity {
  readonly name: string;
  /** Canonical text form, lower case with dashes. */
  readonly uuid: string;
  /** The UUID's 16 bytes (as GetUuid returns them, base64). */
  readonly uuidBytes: Buffer;
  /** `Digest:` + 32 upper-case hex digits, as AMT_GeneralSettings.DigestRealm and the 401 challenge. */
  readonly realm: string;
  readonly firmwareVersion: string;
  readonly firmwareBuild: string;
  readonly hostName: string;
  readonly domainName: string;
  readonly wiredMac: string;
  readonly wirelessMac: string;
  readonly ipAddress: string;
  readonly serial: string;
}

export interface IdentityOptions {
  name?: string;
  uuid?: string;
  firmwareVersion?: string;
  firmwareBuild?: string;
}

export function makeIdentity(opts: IdentityOptions): DeviceIdentity {
  const uuid = (opts.uuid ?? (opts.name ? uuidFromName(opts.name) : randomUUID())).toLowerCase();
  const uuidBytes = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  if (uuidBytes.length !== 16) throw new Error(`"${opts.uuid}" is not a UUID.`);
  const seed = createHash('sha256').update(uuidBytes).digest();
  const hex = (from: number, n: number) => seed.subarray(from, from + n).toString('hex').toUpperCase();
  const mac = (from: number) =>
    ['a4', 'ae', ...[...seed.subarray(from, from + 4)].map((b) => b.toString(16).padStart(2, '0'))].join('-');
  const name = opts.name ?? `amt-sim-${uuid.slice(0, 8)}`;
  return {
    name,
    uuid,
    uuidBytes,
    realm: `Digest:${createHash('md5').update(`realm:${uuid}`).digest('hex').toUpperCase()}`,
    firmwareVersion: opts.firmwareVersion ?? '16.1.25',
    firmwareBuild: opts.firmwareBuild ?? '2049',
    hostName: name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 63),
    domainName: 'sim.local',
    wiredMac: mac(0),
    wirelessMac: mac(4),
    ipAddress: `192.168.${seed[8] % 250 + 2}.${seed[9] % 250 + 2}`,
    serial: hex(10, 6),
  };
}

/** A stable, version-4-shaped UUID from a device name. */
function uuidFromName(name: string): string {
  const b = createHash('sha1').update(`amt-workbench-sim:${name}`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
