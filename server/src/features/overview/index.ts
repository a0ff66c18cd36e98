/**
 * The overview a console shows first on connect (MeshCommander's "System Status" panel,
 * `updateSystemStatus`): host name and domain (AMT_GeneralSettings), the platform's maker, model
 * and system ID (CIM_Chassis, CIM_ComputerSystemPackage), firmware versions (CIM_SoftwareIdentity
 * and the HTTP Server header), provisioning state and mode (AMT_SetupAndConfigurationService;
 * control mode as features/consent reads it), the host power state (features/power), the wired
 * ports (AMT_EthernetPortSettings), and the redirection switches with user consent
 * (features/redirection/features.ts).
 *
 * Each part is read on its own: a part the device refuses is left out with one sentence in
 * `problems` and the rest is still shown — except a password or connection failure, which stops
 * the whole read (no point asking again with the same password).
 */
import { AmtError } from '../../errors';
import type { OverviewReport } from '../../protocol';
import type { WsmanClient } from '../../wsman';
import type { WsValue } from '../../wsman/types';
import { guid } from '../hardware';
import { wsInt } from '../instances/scalars';
import { getPowerState } from '../power';
import { readRedirectionFeatures } from '../redirection/features';
import { decodeSku, readSoftware, versionOf } from '../storage/software';

export interface CallOptions {
  signal?: AbortSignal;
}

const text = (v: WsValue | undefined): string => (typeof v === 'string' ? v.trim() : '');
const PROVISIONING_STATES = ['pre-provisioning', 'in provisioning', 'post-provisioning (provisioned)'];
/** AMT_SetupAndConfigurationService.ProvisioningMode. */
const PROVISIONING_MODES: Record<number, string> = { 0: 'none', 1: 'enterprise (remote configuration)', 2: 'small business', 3: 'remote assistance', 4: 'host-based setup' };

/** Errors that mean the device cannot be talked to at all, so the overview stops. */
function fatal(err: unknown): boolean {
  return err instanceof AmtError && (err.code.startsWith('auth.') || err.code.startsWith('tls.') || err.code === 'connection' || err.code === 'timeout' || err.code === 'cancelled');
}

export async function readOverview(client: WsmanClient, call: CallOptions = {}): Promise<OverviewReport> {
  const problems: string[] = [];
  async function part<T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (fatal(err)) throw err;
      problems.push(`The ${what} could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return fallback;
    }
  }
  const general = await part('host name (AMT_GeneralSettings)', async () => (await client.get('AMT_GeneralSettings', undefined, call)).properties, {} as Record<string, WsValue>);
  const chassis = await part('platform (CIM_Chassis)', async () => (await client.get('CIM_Chassis', undefined, call)).properties, {} as Record<string, WsValue>);
  const pkg = await part('system ID (CIM_ComputerSystemPackage)', async () => (await client.get('CIM_ComputerSystemPackage', undefined, call)).properties, {} as Record<string, WsValue>);
  const software = await part('firmware versions (CIM_SoftwareIdentity)', () => readSoftware(client, call), []);
  const setup = await part('provisioning state (AMT_SetupAndConfigurationService)', async () => (await client.get('AMT_SetupAndConfigurationService', undefined, call)).properties, {} as Record<string, WsValue>);
  const power = await part('power state', async () => {
    const s = await getPowerState(client, call);
    return { state: s.powerState, label: s.label };
  }, { state: 0, label: 'Unknown' });
  const ports = await part('network settings (AMT_EthernetPortSettings)', async () => (await client.enumerateAll('AMT_EthernetPortSettings', {}, call)).flatMap((i) => (i.instance ? [i.instance.properties] : [])), [] as Record<string, WsValue>[]);
  const features = await part('redirection and consent state', () => readRedirectionFeatures(client, call), undefined);

  const state = wsInt(setup.ProvisioningState);
  const mode = wsInt(setup.ProvisioningMode);
  const sku = versionOf(software, 'Sku');
  return {
    identity: {
      hostName: text(general.HostName),
      domainName: text(general.DomainName),
      systemId: guid(text(pkg.PlatformGUID)) ?? '',
      manufacturer: text(chassis.Manufacturer),
      model: text(chassis.Model),
      serialNumber: text(chassis.SerialNumber),
    },
    firmware: {
      amtVersion: versionOf(software, 'AMT'),
      build: versionOf(software, 'Build Number'),
      sku: sku ? decodeSku(sku) : '',
      flash: versionOf(software, 'Flash'),
      ...(client.serverHeader ? { server: client.serverHeader } : {}),
    },
    provisioning: {
      state: state ?? -1,
      stateText: state === undefined ? 'unknown' : (PROVISIONING_STATES[state] ?? `code ${state}`),
      controlMode: features?.consent.controlMode ?? (state === 2 ? (mode === 4 ? 'CCM' : 'ACM') : state === undefined ? 'unknown' : 'not provisioned'),
      modeText: mode === undefined ? 'unknown' : (PROVISIONING_MODES[mode] ?? `code ${mode}`),
    },
    power,
    network: ports.map((p) => ({
      name: portName(text(p.InstanceID)),
      mac: text(p.MACAddress).replace(/-/g, ':'),
      ip: text(p.IPAddress) || (String(p.DHCPEnabled) === 'true' ? 'from DHCP (shared with the host)' : ''),
      dhcp: text(p.DHCPEnabled) === 'true',
      linkUp: text(p.LinkIsUp) === 'true',
      gateway: text(p.DefaultGateway),
      dns: [text(p.PrimaryDNS), text(p.SecondaryDNS)].filter(Boolean).join(', '),
    })),
    redirection: features ? { listener: features.listener, sol: features.sol, ider: features.ider, ...(features.kvm !== undefined ? { kvm: features.kvm } : {}) } : { listener: false, sol: false, ider: false },
    consent: features ? { required: features.consent.required, state: features.consent.state, stateText: features.consent.stateText } : { required: 'none', state: 0, stateText: 'unknown' },
    problems,
  };
}

/** AMT numbers its ports: instance 0 is the wired port, 1 the wireless one. */
function portName(instanceId: string): string {
  if (/ 0$/.test(instanceId)) return 'Wired';
  if (/ 1$/.test(instanceId)) return 'Wireless';
  return instanceId;
}
