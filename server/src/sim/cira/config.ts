/**
 * Where a simulated device's CIRA settings come from, as on real AMT (fleet.md §2): the MPS that
 * AMT_RemoteAccessService.AddMpServer stored (AMT_ManagementPresenceRemoteSAP: AccessInfo, Port,
 * CN; the user in AMT_MPSUsernamePassword.RemoteID, the password kept by the firmware only), a
 * policy rule that applies to it (AddRemoteAccessPolicyRule; periodic → trigger 4, user-initiated
 * → 1), and the roots added with AddTrustedRootCertificate. The agent follows every change made
 * through WS-Man.
 */
import { X509Certificate } from 'node:crypto';
import type { SimDevice } from '../device';
import { sideState } from '../side-state';
import type { EprValue, PropMap } from '../values';
import type { CiraAgent, MpsEndpoint } from './agent';

/** The firmware's own copy of each MPS password, by SAP name (AMT never returns it over WS-Man). */
export function mpsPasswords(device: SimDevice): Record<string, string> {
  return sideState(device, 'cira-mps-passwords', () => ({}) as Record<string, string>);
}

function selector(e: unknown, name: string): string | undefined {
  const v = e as EprValue | undefined;
  const s = v && typeof v === 'object' && 'selectors' in v ? v.selectors.find((x) => x.name === name) : undefined;
  return typeof s?.value === 'string' ? s.value : undefined;
}

function pem(der64: string): string {
  return new X509Certificate(Buffer.from(der64, 'base64')).toString();
}

/** The MPS this device's configuration points at, or undefined when CIRA is not set up. */
export function endpointFromDevice(device: SimDevice): MpsEndpoint | undefined {
  const saps = device.instances('AMT_ManagementPresenceRemoteSAP');
  const applies = device.instances('AMT_RemoteAccessPolicyAppliesToMPS');
  const rules = device.instances('AMT_RemoteAccessPolicyRule');
  const ruleFor = (sap: PropMap) =>
    rules.find((r) => applies.some((a) => selector(a.ManagedElement, 'Name') === sap.Name && selector(a.PolicySet, 'PolicyRuleName') === r.PolicyRuleName));
  const sap = saps.find((s) => ruleFor(s));
  if (!sap) return undefined;
  const password = mpsPasswords(device)[String(sap.Name)];
  const user = String(device.singleton('AMT_MPSUsernamePassword').RemoteID ?? '');
  const roots = device.instances('AMT_PublicKeyCertificate').filter((c) => c.TrustedRootCertficate === true).map((c) => pem(String(c.X509Certificate)));
  if (!password || !user || roots.length === 0) return undefined;
  const rule = ruleFor(sap)!;
  const host = String(sap.AccessInfo);
  return {
    host,
    port: Number(sap.Port),
    user,
    password,
    ca: roots,
    servername: String(sap.CN ?? host),
    trigger: Number(rule.Trigger) === 2 ? 4 : 1,
  };
}

const WATCHED = /RemoteAccess|ManagementPresenceRemoteSAP|MPSUsernamePassword|PublicKeyManagement|PublicKeyCertificate/;

/** Keeps `agent` configured from the device's classes, re-read after each WS-Man request that may change them. */
export function followDeviceConfig(device: SimDevice, agent: CiraAgent): () => void {
  let queued = false;
  const apply = () => {
    queued = false;
    try {
      agent.configure(endpointFromDevice(device));
    } catch {
      agent.configure(undefined);
    }
  };
  const onRequest = (r: { action?: string; resourceUri?: string }) => {
    if (queued || !WATCHED.test(`${r.action ?? ''} ${r.resourceUri ?? ''}`)) return;
    queued = true;
    // 'request' fires before the request is applied; read the classes once it has been.
    setTimeout(apply, 0);
  };
  device.on('request', onRequest);
  apply();
  return () => device.off('request', onRequest);
}
