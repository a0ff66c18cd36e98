/**
 * AMT's own firmware inventory: CIM_SoftwareIdentity, one instance per component, InstanceID →
 * VersionString (Flash, Netstack, AMTApps, AMT, Sku, VendorID, Build Number, Recovery Version, …).
 * The `Sku` entry is a decimal bit mask (rpc-go `info.go`): decoded here into the feature words.
 */
import type { SoftwareComponent } from '../../protocol';
import type { WsmanClient } from '../../wsman';
import type { WsValue } from '../../wsman/types';

export interface CallOptions {
  signal?: AbortSignal;
}

/** Sku bits (AMT 5 and later; rpc-go `internal/local/info.go`). Bits marked there as pre-AMT 6/7/8 only are left out. */
const SKU_BITS: ReadonlyArray<readonly [bit: number, name: string]> = [
  [0x08, 'Intel AMT Pro'],
  [0x10, 'Intel Standard Manageability'],
  [0x2000, 'AT-p'],
  [0x4000, 'Corporate'],
];

/** `16392` → `Intel AMT Pro, Corporate`. */
export function decodeSku(text: string): string {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) return `not a number ("${text}")`;
  const names = SKU_BITS.filter(([bit]) => n & bit).map(([, name]) => name);
  return names.length ? names.join(', ') : `no known feature bits (0x${n.toString(16)})`;
}

function text(v: WsValue | undefined): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** Every CIM_SoftwareIdentity, in the device's order. */
export async function readSoftware(client: WsmanClient, call: CallOptions = {}): Promise<SoftwareComponent[]> {
  const items = await client.enumerateAll('CIM_SoftwareIdentity', {}, call);
  return items.flatMap((i) => {
    const p = i.instance?.properties;
    if (!p) return [];
    const name = text(p.InstanceID);
    const version = text(p.VersionString);
    const c: SoftwareComponent = { name, version };
    if (name === 'Sku') c.meaning = decodeSku(version);
    else if (name === 'VendorID' && version.toLowerCase() === '8086') c.meaning = 'Intel';
    return [c];
  });
}

/** One component's version ('' when absent). */
export function versionOf(list: readonly SoftwareComponent[], name: string): string {
  return list.find((c) => c.name === name)?.version ?? '';
}
