/**
 * AMT's network settings as a console shows them (MeshCommander's network page): the wired port
 * (AMT_EthernetPortSettings InstanceID "… 0"), the wireless port (the "… 1" settings, CIM_WiFiPort
 * and the Wi-Fi profiles, CIM_WiFiEndpointSettings), 802.1x (IPS_IEEE8021xSettings on the wired
 * port, CIM_IEEE8021xSettings per Wi-Fi profile) and TLS (AMT_TLSSettingData for the remote and
 * local interfaces, AMT_TLSCredentialContext for the certificate it presents). Classes a model does
 * not serve (no Wi-Fi) read as absent, not as an error.
 */
import { AmtError } from '../../errors';
import type { Ieee8021xInfo, NetworkInfo, TlsInfo, TlsInterfaceInfo, WiredInfo, WirelessInfo } from '../../protocol';
import type { CallOptions, WsmanClient } from '../../wsman/client';
import { isEpr, type WsValue } from '../../wsman/types';

export type NetworkClient = Pick<WsmanClient, 'enumerateAll' | 'get' | 'put' | 'create' | 'delete' | 'invoke'>;

export const REMOTE_TLS_ID = 'Intel(r) AMT 802.3 TLS Settings';
export const LOCAL_TLS_ID = 'Intel(r) AMT LMS TLS Settings';

const LINK_POLICY: Record<number, string> = { 1: 'S0 AC', 14: 'Sx AC', 16: 'S0 DC', 224: 'Sx DC' };
const WIFI_STATE: Record<number, string> = { 3: 'disabled', 32768: 'enabled in S0', 32769: 'enabled in S0 and Sx on AC' };
const LINK_PREFERENCE: Record<number, string> = { 1: 'AMT (ME)', 2: 'host' };
const WIFI_AUTH: Record<number, string> = {
  1: 'other', 2: 'open', 3: 'shared key', 4: 'WPA PSK', 5: 'WPA 802.1x', 6: 'WPA2 PSK', 7: 'WPA2 802.1x', 32768: 'WPA3 SAE', 32769: 'WPA3 OWE',
};
const WIFI_ENCRYPTION: Record<number, string> = { 1: 'other', 2: 'WEP', 3: 'TKIP', 4: 'CCMP (AES)', 5: 'none' };
export const EAP: Record<number, string> = {
  0: 'EAP-TLS', 1: 'EAP-TTLS/MSCHAPv2', 2: 'PEAPv0/EAP-MSCHAPv2', 3: 'PEAPv1/EAP-GTC', 4: 'EAP-FAST/MSCHAPv2', 5: 'EAP-FAST/GTC',
  6: 'EAP-MD5', 7: 'EAP-PSK', 8: 'EAP-SIM', 9: 'EAP-AKA', 10: 'EAP-FAST/TLS',
};
const IEEE_ENABLED: Record<number, string> = { 2: 'enabled', 3: 'disabled', 6: 'enabled without certificates' };

export const str = (v: WsValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const bool = (v: WsValue | undefined): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);
export const num = (v: WsValue | undefined): number | undefined => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);
const list = (v: WsValue | undefined): WsValue[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const label = (table: Record<number, string>, v: number | undefined) => (v === undefined ? undefined : (table[v] ?? `value ${v}`));

type Props = Record<string, WsValue>;

/** Every instance of a class, or [] when the device does not serve it (a fault for that class). */
export async function instancesOf(client: NetworkClient, cls: string, opts: CallOptions): Promise<Props[]> {
  try {
    const items = await client.enumerateAll(cls, {}, opts);
    return items.flatMap((i) => (i.instance ? [i.instance.properties] : []));
  } catch (err) {
    if (err instanceof AmtError && err.code === 'wsman.fault') return [];
    throw err;
  }
}

function wired(p: Props | undefined): WiredInfo | undefined {
  if (!p) return undefined;
  const opt = <K extends keyof WiredInfo>(k: K, v: WiredInfo[K] | undefined) => (v === undefined ? {} : { [k]: v });
  const shared = bool(p.SharedStaticIp) === true || bool(p.SharedDynamicIP) === true;
  return {
    ...opt('mac', str(p.MACAddress)),
    ...opt('linkUp', bool(p.LinkIsUp)),
    ...opt('dhcp', bool(p.DHCPEnabled)),
    ...opt('ipAddress', str(p.IPAddress)),
    ...opt('subnetMask', str(p.SubnetMask)),
    ...opt('gateway', str(p.DefaultGateway)),
    ...opt('primaryDns', str(p.PrimaryDNS)),
    ...opt('secondaryDns', str(p.SecondaryDNS)),
    sharedIp: shared,
    linkPolicy: list(p.LinkPolicy).map((v) => label(LINK_POLICY, num(v)) ?? String(v)),
  };
}

function tlsInterface(p: Props | undefined): TlsInterfaceInfo | undefined {
  if (!p) return undefined;
  return {
    instanceId: str(p.InstanceID) ?? '',
    enabled: bool(p.Enabled) === true,
    acceptNonSecure: bool(p.AcceptNonSecureConnections) !== false,
    mutualAuthentication: bool(p.MutualAuthentication) === true,
    trustedCn: list(p.TrustedCN).map(String),
  };
}

/** The InstanceID selector of a reference property. */
export function refId(v: WsValue | undefined): string | undefined {
  if (!isEpr(v)) return undefined;
  const id = v.selectors.InstanceID;
  return typeof id === 'string' ? id : undefined;
}

export async function readTls(client: NetworkClient, opts: CallOptions = {}): Promise<TlsInfo> {
  const settings = await instancesOf(client, 'AMT_TLSSettingData', opts);
  const context = (await instancesOf(client, 'AMT_TLSCredentialContext', opts))[0];
  const remote = tlsInterface(settings.find((s) => s.InstanceID === REMOTE_TLS_ID));
  const local = tlsInterface(settings.find((s) => s.InstanceID === LOCAL_TLS_ID));
  const certificate = refId(context?.ElementInContext);
  return { ...(remote ? { remote } : {}), ...(local ? { local } : {}), ...(certificate ? { certificate } : {}) };
}

export async function readNetwork(client: NetworkClient, opts: CallOptions = {}): Promise<NetworkInfo> {
  const ports = await instancesOf(client, 'AMT_EthernetPortSettings', opts);
  const wiredProps = ports.find((p) => str(p.InstanceID)?.endsWith(' 0'));
  const wirelessProps = ports.find((p) => str(p.InstanceID)?.endsWith(' 1'));
  const wifiPort = (await instancesOf(client, 'CIM_WiFiPort', opts))[0];
  const profiles = wifiPort ? await instancesOf(client, 'CIM_WiFiEndpointSettings', opts) : [];
  const wireless: WirelessInfo = {
    present: wifiPort !== undefined || wirelessProps !== undefined,
    ...(wirelessProps && str(wirelessProps.MACAddress) ? { mac: str(wirelessProps.MACAddress)! } : {}),
    ...(wirelessProps && bool(wirelessProps.LinkIsUp) !== undefined ? { linkUp: bool(wirelessProps.LinkIsUp)! } : {}),
    ...(wifiPort ? { state: label(WIFI_STATE, num(wifiPort.EnabledState))! } : {}),
    ...(wirelessProps && num(wirelessProps.LinkPreference) !== undefined ? { linkPreference: label(LINK_PREFERENCE, num(wirelessProps.LinkPreference))! } : {}),
    profiles: profiles.map((p) => ({
      name: str(p.ElementName) ?? str(p.InstanceID) ?? '',
      ...(str(p.SSID) ? { ssid: str(p.SSID)! } : {}),
      ...(num(p.Priority) !== undefined ? { priority: num(p.Priority)! } : {}),
      authentication: label(WIFI_AUTH, num(p.AuthenticationMethod)) ?? 'unknown',
      encryption: label(WIFI_ENCRYPTION, num(p.EncryptionMethod)) ?? 'unknown',
    })),
  };
  const ips = (await instancesOf(client, 'IPS_IEEE8021xSettings', opts))[0];
  const cim = wifiPort ? await instancesOf(client, 'CIM_IEEE8021xSettings', opts) : [];
  const ieee8021x: Ieee8021xInfo = {
    ...(ips
      ? {
          wired: {
            enabled: label(IEEE_ENABLED, num(ips.Enabled)) ?? 'unknown',
            ...(num(ips.AuthenticationProtocol) !== undefined ? { protocol: label(EAP, num(ips.AuthenticationProtocol))! } : {}),
            ...(str(ips.Username) ? { username: str(ips.Username)! } : {}),
            ...(str(ips.Domain) ? { domain: str(ips.Domain)! } : {}),
            ...(bool(ips.AvailableInS0) !== undefined ? { availableInS0: bool(ips.AvailableInS0)! } : {}),
          },
        }
      : {}),
    wireless: cim.map((c) => ({
      name: str(c.ElementName) ?? '',
      ...(num(c.AuthenticationProtocol) !== undefined ? { protocol: label(EAP, num(c.AuthenticationProtocol))! } : {}),
      ...(str(c.Username) ? { username: str(c.Username)! } : {}),
    })),
  };
  const w = wired(wiredProps);
  return { ...(w ? { wired: w } : {}), wireless, ieee8021x, tls: await readTls(client, opts) };
}
