/**
 * `amtwb configure --profile F.yaml`: each setting of a profile (profile.ts) is read, applied only
 * when it differs, and read again to verify — so a second run sends no change and says so. Runs as
 * admin over our own APF session. Client Control Mode keeps user consent for everything (Intel AMT
 * SDK "User Consent"), so a profile asking for less is refused before anything is sent.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AmtError } from '../../errors';
import type { WsmanClient } from '../../wsman';
import type { WsInput, WsValue } from '../../wsman/types';
import { wsBool, wsInt } from '../instances/scalars';
import { withLocalAmt, type ActivationOptions, type LocalAmt } from './local';
import type { Profile } from './profile';

export interface SettingOutcome {
  setting: string;
  state: 'changed' | 'unchanged';
  value: string;
}

export interface ConfigureResult {
  changed: number;
  settings: SettingOutcome[];
}

const CONSENT = { none: 0, kvm: 1, all: 0xffffffff } as const;
const ACCESS = { local: 0, network: 1, any: 2 } as const;
const TRIGGER = { user: 0, alert: 1, periodic: 2 } as const;
const WIRED = { InstanceID: 'Intel(r) AMT Ethernet Port Settings 0' };

/** One setting: its current value as text, the wanted one, and how to apply it (sent once). */
interface Setting {
  name: string;
  want: string;
  read(): Promise<string>;
  apply(): Promise<void>;
}

export async function configureFromProfile(profile: Profile, password: string, options: ActivationOptions): Promise<ConfigureResult> {
  return withLocalAmt(options, async (amt) => {
    amt.step('Reading the control mode over AMTHI');
    const { controlMode } = await amt.state();
    if (controlMode === 'none') throw new AmtError('activation.state', 'AMT is not activated, so there is no admin to configure it as; run amtwb activate --ccm (or --acm) first.');
    const consent = profile.redirection?.userConsent;
    if (controlMode === 'ccm' && consent && consent !== 'all') {
      throw new AmtError('activation.profile', `In Client Control Mode AMT requires user consent for every redirection and boot change, so redirection.userConsent: ${consent} cannot apply; set it to all (or leave it out), or activate in Admin Control Mode.`);
    }
    const client = amt.admin(password);
    const settings = await buildSettings(amt, client, profile);
    const outcomes: SettingOutcome[] = [];
    for (const s of settings) {
      const before = await s.read();
      if (before === s.want) {
        outcomes.push({ setting: s.name, state: 'unchanged', value: s.want });
        continue;
      }
      amt.step(`Setting ${s.name} to ${s.want}`);
      await s.apply();
      const after = await s.read();
      if (after !== s.want) throw new AmtError('activation.failed', `AMT accepted ${s.name} = ${s.want} but reads back ${after}; check the setting with amtwb get, then run configure again.`);
      outcomes.push({ setting: s.name, state: 'changed', value: s.want });
    }
    return { changed: outcomes.filter((o) => o.state === 'changed').length, settings: outcomes };
  });
}

function ok(what: string, rv: number): void {
  if (rv !== 0) throw new AmtError('activation.failed', `AMT refused ${what} with ReturnValue ${rv}; check the profile value and the control mode (amtwb status --local).`);
}

async function buildSettings(amt: LocalAmt, c: WsmanClient, p: Profile): Promise<Setting[]> {
  const call = amt.wsCall();
  const out: Setting[] = [];
  const prop = async (cls: string, name: string, selectors?: Record<string, string>) => (await c.get(cls, selectors, call)).properties[name];
  const putProps = async (cls: string, change: Record<string, WsInput>, selectors?: Record<string, string>) => {
    const current = (await c.get(cls, selectors, call)).properties;
    await c.put(cls, { ...(current as Record<string, WsInput>), ...change }, selectors, call);
  };
  const text = (v: WsValue | undefined) => (v === undefined || v === null ? '' : String(v));

  const n = p.network;
  if (n?.hostName) out.push({ name: 'network.hostName', want: n.hostName, read: async () => text(await prop('AMT_GeneralSettings', 'HostName')), apply: () => putProps('AMT_GeneralSettings', { HostName: n.hostName! }) });
  if (n?.domainName) out.push({ name: 'network.domainName', want: n.domainName, read: async () => text(await prop('AMT_GeneralSettings', 'DomainName')), apply: () => putProps('AMT_GeneralSettings', { DomainName: n.domainName! }) });
  const w = n?.wired;
  if (w?.dhcp !== undefined || w?.ipSync !== undefined) {
    const onOff = (b: boolean) => (b ? 'on' : 'off');
    const want = (x: { dhcp?: boolean; ipSync?: boolean; static?: Record<string, string | undefined> }) =>
      [
        x.dhcp !== undefined ? `DHCP ${onOff(x.dhcp)}` : '',
        x.ipSync !== undefined ? `IP sync ${onOff(x.ipSync)}` : '',
        x.static ? Object.entries(x.static).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ') : '',
      ].filter(Boolean).join(', ');
    const wanted = { ...(w.dhcp !== undefined ? { dhcp: w.dhcp } : {}), ...(w.ipSync !== undefined ? { ipSync: w.ipSync } : {}), ...(w.static ? { static: { ...w.static } } : {}) };
    out.push({
      name: 'network.wired',
      want: want(wanted),
      read: async () => {
        const q = (await c.get('AMT_EthernetPortSettings', WIRED, call)).properties;
        const seen: { dhcp?: boolean; ipSync?: boolean; static?: Record<string, string | undefined> } = {};
        if (w.dhcp !== undefined) seen.dhcp = wsBool(q.DHCPEnabled);
        if (w.ipSync !== undefined) seen.ipSync = wsBool(q.IpSyncEnabled);
        if (w.static) {
          const st: Record<string, string> = { ip: text(q.IPAddress), mask: text(q.SubnetMask) };
          for (const [k, name] of [['gateway', 'DefaultGateway'], ['dns1', 'PrimaryDNS'], ['dns2', 'SecondaryDNS']] as const) if (w.static[k]) st[k] = text(q[name]);
          seen.static = st;
        }
        return want(seen);
      },
      apply: () =>
        putProps('AMT_EthernetPortSettings', {
          ...(w.dhcp !== undefined ? { DHCPEnabled: w.dhcp } : {}),
          ...(w.ipSync !== undefined ? { IpSyncEnabled: w.ipSync } : {}),
          ...(w.static
            ? { SharedStaticIp: true, IPAddress: w.static.ip, SubnetMask: w.static.mask, ...(w.static.gateway ? { DefaultGateway: w.static.gateway } : {}), ...(w.static.dns1 ? { PrimaryDNS: w.static.dns1 } : {}), ...(w.static.dns2 ? { SecondaryDNS: w.static.dns2 } : {}) }
            : {}),
        }, WIRED),
    });
  }

  const r = p.redirection;
  if (r?.sol !== undefined || r?.ider !== undefined) {
    // AMT_RedirectionService EnabledState 32768 + bit 0 IDE-R + bit 1 SOL.
    const bitsOf = async () => (wsInt(await prop('AMT_RedirectionService', 'EnabledState')) ?? 32768) - 32768;
    const describe = (bits: number) => `SOL ${bits & 2 ? 'on' : 'off'}, IDE-R ${bits & 1 ? 'on' : 'off'}`;
    const target = async () => {
      const bits = await bitsOf();
      return (r.ider === undefined ? bits & 1 : r.ider ? 1 : 0) | (r.sol === undefined ? bits & 2 : r.sol ? 2 : 0);
    };
    const wantBits = await target();
    out.push({
      name: 'redirection.sol/ider',
      want: describe(wantBits),
      read: async () => describe(await bitsOf()),
      apply: async () => ok('the redirection state', (await c.invoke('AMT_RedirectionService', 'RequestStateChange', { RequestedState: 32768 + wantBits }, undefined, call)).returnValue),
    });
  }
  if (r?.listener !== undefined) {
    out.push({ name: 'redirection.listener', want: String(r.listener), read: async () => String(wsBool(await prop('AMT_RedirectionService', 'ListenerEnabled'))), apply: () => putProps('AMT_RedirectionService', { ListenerEnabled: r.listener! }) });
  }
  if (r?.kvm !== undefined) {
    out.push({
      name: 'redirection.kvm',
      want: r.kvm ? 'enabled' : 'disabled',
      read: async () => ([2, 6].includes(wsInt(await prop('CIM_KVMRedirectionSAP', 'EnabledState')) ?? 0) ? 'enabled' : 'disabled'),
      apply: async () => ok('the KVM state', (await c.invoke('CIM_KVMRedirectionSAP', 'RequestStateChange', { RequestedState: r.kvm ? 2 : 3 }, undefined, call)).returnValue),
    });
  }
  if (r?.userConsent) {
    const names = Object.fromEntries(Object.entries(CONSENT).map(([k, v]) => [v, k]));
    out.push({
      name: 'redirection.userConsent',
      want: r.userConsent,
      read: async () => names[wsInt(await prop('IPS_OptInService', 'OptInRequired')) ?? -1] ?? 'unknown',
      apply: () => putProps('IPS_OptInService', { OptInRequired: CONSENT[r.userConsent!] }),
    });
  }

  if (p.users?.length) {
    const realm = String(await prop('AMT_GeneralSettings', 'DigestRealm'));
    const users = () => userEntries(c, call);
    for (const u of p.users) {
      const want = `access ${u.access}, realms ${u.realms.join(',')}`;
      const digest = createHash('md5').update(`${u.name}:${realm}:${u.password}`).digest().toString('base64');
      const input = { DigestUsername: u.name, DigestPassword: digest, AccessPermission: ACCESS[u.access], Realms: u.realms };
      out.push({
        name: `users.${u.name}`,
        want,
        read: async () => {
          const e = (await users()).find((x) => x.user === u.name);
          return e ? `access ${Object.keys(ACCESS)[e.access] ?? e.access}, realms ${e.realms.join(',')}` : 'absent';
        },
        apply: async () => {
          const e = (await users()).find((x) => x.user === u.name);
          const result = e
            ? await c.invoke('AMT_AuthorizationService', 'UpdateUserAclEntryEx', { Handle: e.handle, ...input }, undefined, call)
            : await c.invoke('AMT_AuthorizationService', 'AddUserAclEntryEx', input, undefined, call);
          ok(`the account ${u.name}`, result.returnValue);
        },
      });
    }
  }

  const cira = p.cira;
  if (cira) {
    if (cira.rootCertificate) {
      const pem = await readFile(cira.rootCertificate, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new AmtError('activation.profile', `Cannot read cira.rootCertificate ${cira.rootCertificate} (${err.code ?? err.message}); fix the path in the profile.`, { cause: err });
      });
      let der: string;
      try {
        der = new X509Certificate(pem).raw.toString('base64');
      } catch (err) {
        throw new AmtError('activation.profile', `cira.rootCertificate ${cira.rootCertificate} is not a PEM certificate; give the MPS root CA in PEM form.`, { cause: err });
      }
      out.push({
        name: 'cira.rootCertificate',
        want: 'trusted',
        read: async () => ((await c.enumerateAll('AMT_PublicKeyCertificate', {}, call)).some((i) => String(i.instance?.properties.X509Certificate ?? '').replace(/\s/g, '') === der && wsBool(i.instance?.properties.TrustedRootCertificate)) ? 'trusted' : 'absent'),
        apply: async () => ok('the MPS root certificate', (await c.invoke('AMT_RemoteAccessService', 'AddTrustedRootCertificate', { CertificateBlob: der }, undefined, call)).returnValue),
      });
    }
    const server = async () => (await c.enumerateAll('AMT_ManagementPresenceRemoteSAP', {}, call)).map((i) => i.instance?.properties).find((s) => s && text(s.AccessInfo) === cira.server && wsInt(s.Port) === cira.port);
    out.push({
      name: 'cira.server',
      want: `${cira.server}:${cira.port}`,
      read: async () => ((await server()) ? `${cira.server}:${cira.port}` : 'absent'),
      apply: async () => {
        const ipv4 = /^\d+\.\d+\.\d+\.\d+$/.test(cira.server);
        const result = await c.invoke('AMT_RemoteAccessService', 'AddMpServer', {
          AccessInfo: cira.server, InfoFormat: ipv4 ? 3 : 201, Port: cira.port, AuthMethod: 2, Username: cira.user, Password: cira.password, CN: cira.cn ?? cira.server,
        }, undefined, call);
        ok('the MPS server', result.returnValue);
      },
    });
    out.push({
      name: 'cira.policy',
      want: cira.trigger,
      read: async () => ((await c.enumerateAll('AMT_RemoteAccessPolicyRule', {}, call)).some((i) => wsInt(i.instance?.properties.Trigger) === TRIGGER[cira.trigger]) ? cira.trigger : 'absent'),
      apply: async () => {
        const sap = (await c.enumerateAll('AMT_ManagementPresenceRemoteSAP', { mode: 'EnumerateObjectAndEPR' }, call)).find((i) => text(i.instance?.properties.AccessInfo) === cira.server && wsInt(i.instance?.properties.Port) === cira.port);
        if (!sap?.epr) throw new AmtError('activation.failed', `AMT lists no MPS server ${cira.server}:${cira.port} to attach the CIRA policy to; run configure again.`);
        ok('the CIRA policy', (await c.invoke('AMT_RemoteAccessService', 'AddRemoteAccessPolicyRule', { Trigger: TRIGGER[cira.trigger], TunnelLifeTime: 0, MpServer: [sap.epr] }, undefined, call)).returnValue);
      },
    });
    out.push({
      name: 'cira.userInitiated',
      want: 'BIOS and OS',
      read: async () => ((wsInt(await prop('AMT_UserInitiatedConnectionService', 'EnabledState')) ?? 0) === 32771 ? 'BIOS and OS' : 'off'),
      apply: async () => ok('user-initiated CIRA', (await c.invoke('AMT_UserInitiatedConnectionService', 'RequestStateChange', { RequestedState: 32771 }, undefined, call)).returnValue),
    });
  }
  return out;
}

async function userEntries(c: WsmanClient, call: { signal?: AbortSignal }): Promise<{ handle: number; user: string; access: number; realms: number[] }[]> {
  const list = await c.invoke('AMT_AuthorizationService', 'EnumerateUserAclEntries', { StartIndex: 1 }, undefined, call);
  const handles = ([] as WsValue[]).concat(list.output.Handles ?? []).map((h) => wsInt(h)).filter((h): h is number => h !== undefined);
  const out = [];
  for (const handle of handles) {
    const e = await c.invoke('AMT_AuthorizationService', 'GetUserAclEntryEx', { Handle: handle }, undefined, call);
    if (e.returnValue !== 0) continue;
    out.push({ handle, user: String(e.output.DigestUsername ?? ''), access: wsInt(e.output.AccessPermission) ?? -1, realms: ([] as WsValue[]).concat(e.output.Realms ?? []).map((x) => Number(x)).sort((a, b) => a - b) });
  }
  return out;
}

export function renderConfigureResult(r: ConfigureResult): string {
  const lines = r.settings.map((s) => `${s.state === 'changed' ? 'changed  ' : 'unchanged'}  ${s.setting}: ${s.value}`);
  lines.push(r.changed === 0 ? 'Nothing changed: every setting of the profile was already in place.' : `${r.changed} of ${r.settings.length} settings changed and verified.`);
  return lines.join('\n');
}
