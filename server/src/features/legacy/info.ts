/**
 * What a pre-6.0 device tells about itself over the legacy SOAP services, and the Identify answer
 * made from it. The core version comes from SecurityAdministration.GetCoreVersion, which every
 * release from 1.0 to 5.x answers (amttool asks only that one); provisioning, code versions and
 * names come from GeneralInfo and NetworkAdministration and are left out when a release lacks them.
 */
import { AmtError } from '../../errors';
import type { IdentifyResult, LegacyInfo } from '../../protocol';
import type { CallOptions } from '../../wsman';
import { childElements } from '../../wsman/xml';
import { callLegacy, ptStatusMeaning, type LegacyClient } from './soap';

export type { LegacyInfo } from '../../protocol';

/** The Identify result of a legacy device, with its information beside the usual fields. */
export interface LegacyIdentifyResult extends IdentifyResult {
  legacy: LegacyInfo;
}

export function legacySummary(version: string): string {
  return `This device runs AMT ${version}, which predates WS-Management; AMT Workbench offers its information and power control over the legacy SOAP interface.`;
}

/** The firmware's core version; throws an AmtError when the device does not answer as a legacy AMT. */
export async function legacyCoreVersion(client: LegacyClient, call: CallOptions = {}): Promise<string> {
  const a = await callLegacy(client, 'SecurityAdministration', 'GetCoreVersion', {}, call);
  const version = a.fields.get('Version');
  if (a.status !== 0 || !version) {
    throw new AmtError('legacy.malformed', `The device answered GetCoreVersion with ${a.status !== 0 ? ptStatusMeaning(a.status) : 'no version'}; it does not behave as an AMT older than 6.0, so check the address and port.`);
  }
  return version;
}

export async function readLegacyInfo(client: LegacyClient, call: CallOptions = {}, knownVersion?: string): Promise<LegacyInfo> {
  const coreVersion = knownVersion ?? (await legacyCoreVersion(client, call));
  const info: LegacyInfo = { coreVersion, summary: legacySummary(coreVersion), codeVersions: [] };
  const mode = await optional(() => callLegacy(client, 'GeneralInfo', 'GetProvisioningMode', {}, call));
  const state = await optional(() => callLegacy(client, 'GeneralInfo', 'GetProvisioningState', {}, call));
  const codes = await optional(() => callLegacy(client, 'GeneralInfo', 'GetCodeVersions', {}, call));
  const host = await optional(() => callLegacy(client, 'NetworkAdministration', 'GetHostName', {}, call));
  const domain = await optional(() => callLegacy(client, 'NetworkAdministration', 'GetDomainName', {}, call));
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  if (num(mode?.fields.get('ProvisioningMode')) !== undefined) info.provisioningMode = num(mode?.fields.get('ProvisioningMode'));
  if (num(state?.fields.get('ProvisioningState')) !== undefined) info.provisioningState = num(state?.fields.get('ProvisioningState'));
  if (host?.fields.get('HostName')) info.hostName = host.fields.get('HostName');
  if (domain?.fields.get('DomainName') !== undefined) info.domainName = domain.fields.get('DomainName');
  if (codes) {
    if (codes.fields.get('BiosVersion')) info.biosVersion = codes.fields.get('BiosVersion');
    for (const e of codes.elements.filter((x) => x.local === 'CodeVersions')) {
      const text = (local: string) => childElements(e, local)[0]?.text.trim() ?? '';
      info.codeVersions.push({ description: text('Description'), version: text('Version') });
    }
  }
  return info;
}

/** A call this release may not offer: a fault, a malformed or a failed answer leaves the field out; access and connection errors still throw. */
async function optional(run: () => ReturnType<typeof callLegacy>) {
  try {
    const a = await run();
    return a.status === 0 ? a : undefined;
  } catch (err) {
    if (err instanceof AmtError && err.code.startsWith('legacy.')) return undefined;
    throw err;
  }
}

export function legacyIdentify(info: LegacyInfo, server: string | undefined): LegacyIdentifyResult {
  return {
    productVendor: 'Intel(r)',
    productVersion: `AMT ${info.coreVersion}`,
    protocolVersion: 'legacy SOAP (EOI), before WS-Management',
    securityProfiles: [],
    ...(server ? { server } : {}),
    legacy: info,
  };
}
