/**
 * What rpc-go's `amtinfo` shows, read over AMTHI and MKHI through the MEI device: versions, build,
 * SKU, control mode, provisioning state, DNS suffix, host name, UUID, LAN interfaces and the trusted
 * certificate hashes. No WS-Man and no password: it works in every state.
 */
import os from 'node:os';
import { info, type CertHashEntry, type LanInterfaceSettings } from '../../amthi';
import type { ActivationOptions } from './local';
import { LocalAmt, MODE_WORDS } from './local';

export interface LocalStatus {
  amtVersion?: string;
  buildNumber?: string;
  sku?: string;
  /** The SKU bits decoded (rpc-go `info.go`). */
  skuFeatures: string[];
  biosVersion?: string;
  controlMode?: 'none' | 'ccm' | 'acm';
  controlModeText?: string;
  provisioningState?: 'pre' | 'in' | 'post';
  dnsSuffix?: string;
  hostName: string;
  uuid?: string;
  amtEnabled: boolean;
  wired?: LanInterfaceSettings;
  wireless?: LanInterfaceSettings;
  certificateHashes: CertHashEntry[];
}

const SKU_BITS: [number, string][] = [[0x08, 'Intel AMT Pro'], [0x10, 'Intel Standard Manageability'], [0x2000, 'AT-p'], [0x4000, 'Corporate']];

export async function localStatus(options: ActivationOptions): Promise<LocalStatus> {
  const amt = new LocalAmt(options);
  try {
    const call = { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
    const facts = await info(amt.apf.open, call);
    const version = (name: string) => facts.codeVersions?.versions.find((v) => v.description === name)?.version;
    const sku = version('Sku');
    const bits = sku !== undefined ? Number(sku) : NaN;
    const certificateHashes = facts.amtEnabled ? await amt.amthi((a, c) => a.getCertificateHashes(c)) : [];
    return {
      ...(facts.amtVersion !== undefined ? { amtVersion: facts.amtVersion } : {}),
      ...(version('Build Number') !== undefined ? { buildNumber: version('Build Number') } : {}),
      ...(sku !== undefined ? { sku } : {}),
      skuFeatures: Number.isFinite(bits) ? SKU_BITS.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name) : [],
      ...(facts.codeVersions ? { biosVersion: facts.codeVersions.biosVersion } : {}),
      ...(facts.controlMode ? { controlMode: facts.controlMode, controlModeText: MODE_WORDS[facts.controlMode] } : {}),
      ...(facts.provisioningState ? { provisioningState: facts.provisioningState } : {}),
      ...(facts.dnsSuffix !== undefined ? { dnsSuffix: facts.dnsSuffix } : {}),
      hostName: os.hostname(),
      ...(facts.uuid ? { uuid: facts.uuid } : {}),
      amtEnabled: facts.amtEnabled,
      ...(facts.wired ? { wired: facts.wired } : {}),
      ...(facts.wireless ? { wireless: facts.wireless } : {}),
      certificateHashes,
    };
  } finally {
    await amt.close();
  }
}

const STATE_WORDS = { pre: 'pre-provisioning', in: 'in provisioning', post: 'post-provisioning' } as const;

/** The text `amtwb status --local` prints (and the editor's summary shows). */
export function renderLocalStatus(s: LocalStatus): string {
  const rows: [string, string][] = [
    ['Version', s.amtVersion ?? '(unknown)'],
    ['Build Number', s.buildNumber ?? '(unknown)'],
    ['SKU', s.sku !== undefined ? `${s.sku}${s.skuFeatures.length ? ` (${s.skuFeatures.join(', ')})` : ''}` : '(unknown)'],
    ['AMT', s.amtEnabled ? 'enabled' : 'disabled in the firmware'],
    ['Control Mode', s.controlModeText ?? '(unknown)'],
    ['Provisioning State', s.provisioningState ? `${STATE_WORDS[s.provisioningState]}` : '(unknown)'],
    ['DNS Suffix', s.dnsSuffix || '(none)'],
    ['Host Name', s.hostName],
    ['UUID', s.uuid ?? '(unknown)'],
  ];
  const lan = (name: string, l?: LanInterfaceSettings) => {
    if (!l) return;
    rows.push([`${name} Adapter`, `${l.enabled ? 'enabled' : 'disabled'}, link ${l.linkUp ? 'up' : 'down'}, DHCP ${l.dhcpEnabled ? `on (${l.dhcpMode})` : 'off'}, IP ${l.ipv4}, MAC ${l.mac}`]);
  };
  lan('Wired', s.wired);
  lan('Wireless', s.wireless);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`);
  lines.push(`Certificate Hashes (${s.certificateHashes.length}):`);
  for (const h of s.certificateHashes) lines.push(`  ${h.name} (${h.algorithm}${h.isDefault ? ', default' : ''}${h.isActive ? ', active' : ', inactive'}): ${h.hash}`);
  return lines.join('\n');
}
