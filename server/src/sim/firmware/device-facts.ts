/**
 * The AMTHI/MKHI facts of a simulated device, read from its SimDevice on every request — so the
 * MEI side and the WS-Man side can never disagree: the same firmware version and build, the same
 * provisioning state (AMT_SetupAndConfigurationService), UUID, DNS suffix (AMT_GeneralSettings)
 * and network settings (AMT_EthernetPortSettings), and a local system account that the device's
 * Digest check accepts.
 */
import { createHash } from 'node:crypto';
import type { SimDevice } from '../device';
import type { PropMap } from '../values';
import type { DeviceFacts, LanFacts } from './facts';
import { DEFAULT_ROOTS, extraTrustedRoots } from '../classes/provisioning-trust';
import { unprovisionFromHost } from '../classes/setup-service';

/** The user name of AMT's local OS-admin account, as seen in real Digest headers (MeshCentral issue #3797). */
export const LOCAL_ACCOUNT_USER = '$$OsAdmin';

/**
 * The device's local system account: stable per device (derived from the UUID) so that traces of
 * two runs compare, and different between devices. Not a secret worth protecting: it is a simulator.
 */
export function localSystemAccount(device: SimDevice): { username: string; password: string } {
  const digest = createHash('sha256').update(`local-system-account:${device.identity.uuid}`).digest('base64url');
  return { username: LOCAL_ACCOUNT_USER, password: `sim-${digest.slice(0, 20)}` };
}

/**
 * Live facts over `device`; `overrides` replace single facts (a pre-provisioned device, AMT
 * disabled, injected AMTHI failures) without losing the rest.
 */
export function deviceFacts(device: SimDevice, overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  const id = device.identity;
  const setup = () => device.instances('AMT_SetupAndConfigurationService')[0] ?? {};
  const general = () => device.instances('AMT_GeneralSettings')[0] ?? {};
  const port = (index: number) => device.instances('AMT_EthernetPortSettings').find((p) => String(p.InstanceID).endsWith(` ${index}`));
  const account = localSystemAccount(device);
  const facts: DeviceFacts = {
    biosVersion: `SIMBIOS.${id.serial.slice(0, 4)}.2024.0101`,
    get codeVersions() {
      return [
        { description: 'Flash', version: id.firmwareVersion },
        { description: 'Netstack', version: id.firmwareVersion },
        { description: 'AMTApps', version: id.firmwareVersion },
        { description: 'AMT', version: id.firmwareVersion },
        { description: 'Sku', version: '16392' },
        { description: 'VendorID', version: '8086' },
        { description: 'Build Number', version: id.firmwareBuild },
        { description: 'Recovery Version', version: id.firmwareVersion },
        { description: 'Recovery Build Num', version: id.firmwareBuild },
      ];
    },
    get provisioningState() {
      return Number(setup().ProvisioningState ?? 0);
    },
    get controlMode() {
      if (Number(setup().ProvisioningState ?? 0) !== 2) return 0;
      // AMT_SetupAndConfigurationService.ProvisioningMode: 1 admin control, 4 client control.
      return Number(setup().ProvisioningMode) === 4 ? 1 : 2;
    },
    uuid: id.uuid,
    get dnsSuffix() {
      return String(general().DomainName ?? id.domainName);
    },
    get wired() {
      return lanFacts(port(0), id.ipAddress);
    },
    get wireless() {
      const p = port(1);
      return p ? lanFacts(p, '0.0.0.0') : undefined;
    },
    localSystemAccount: account,
    // The built-in roots and those provisioned since (provisioning-trust.ts), as AdminSetup trusts them.
    get certificateHashes() {
      return [...DEFAULT_ROOTS, ...extraTrustedRoots(device).map((r) => ({ name: r.name, algorithm: 2, hash: r.hash, isDefault: false, isActive: true }))];
    },
    unprovision: () => unprovisionFromHost(device),
    amtCapable: true,
    amtEnabled: true,
  };
  // defineProperties keeps the getters above for every fact that is not overridden.
  return Object.defineProperties(facts, Object.getOwnPropertyDescriptors(overrides));
}

function lanFacts(p: PropMap | undefined, fallbackIp: string): LanFacts {
  return {
    enabled: p !== undefined,
    ipv4: String(p?.IPAddress ?? fallbackIp),
    dhcpEnabled: p?.DHCPEnabled !== false,
    dhcpIpMode: 2, // passive: AMT shares the host's DHCP address
    linkUp: p?.LinkIsUp === true,
    mac: String(p?.MACAddress ?? '00-00-00-00-00-00').replace(/-/g, ':').toLowerCase(),
  };
}
