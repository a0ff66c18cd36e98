/**
 * Device models: the hardware kind (`desktop` or `laptop`) and the firmware family (AMT 11, 12,
 * 16, 18) of a simulated device, and what each changes in what the device serves
 * (`amtwb sim --model laptop --amt 12`; the table is in README.md "Device models").
 *
 * Sources, per difference:
 * - A laptop has a battery (CIM_Battery, recorded on a mobile device) and Wi-Fi; a desktop has
 *   neither. Classes of an interface the platform lacks answer DestinationUnreachable, as AMT
 *   answered IPS_IEEE8021xSettings on a wireless-only device (device-management-toolkit/rps
 *   issue 1072); CIM_Battery is served without instances, so an enumeration is empty (AMT's empty
 *   PullResponse) and a Get finds nothing (DestinationUnreachable, AMT's answer for a missing
 *   instance).
 * - One Click Recovery (UEFI HTTPS/PBA/WinRE boot) and Remote Platform Erase are AMT 16+ (Intel
 *   AMT SDK, "One Click Recovery" and "Remote Platform Erase"): on 11 and 12 the AMT_BootSettingData
 *   and AMT_BootCapabilities properties for them are absent, and CIM_BootService has no OCR/RPE
 *   state to change.
 * - AMT_GeneralSettings on 11 and 12 lacks DHCPSyncRequiresHostname and ThunderboltDockEnabled
 *   (the recorded older firmware, test/fixtures/real-amt/amt/general/pull.xml).
 * - IPS_KVMRedirectionSettingData gains the double-buffer, zlib and grayscale properties with
 *   its class version 16.0.0 (intel/lms CIM_Framework class metadata).
 * - Choices where no source says more: AMT 11 lacks the IPS_ wired-802.1x and LAN-endpoint classes
 *   (IPS_IEEE8021xSettings, IPS_8021xCredentialContext, IPS_LANEndpoint), which MeshCommander's
 *   class list — written against firmware up to 11 — does not know; AMT 18 lacks IPS_SecIOService,
 *   whose Intel AMT SDK class page lists no release past 11 and which clients must expect to find
 *   missing (device-management-toolkit/rpc-go pull 1177). Firmware build numbers are the
 *   simulator's own.
 */
import type { SimDevice } from './device';
import { classByUri } from './classes/registry';
import type { PropMap } from './values';
import { WsmanFault } from './wsman/faults';

export type DeviceKind = 'desktop' | 'laptop';
export type FirmwareFamily = 11 | 12 | 16 | 18;

export const DEVICE_KINDS: readonly DeviceKind[] = ['desktop', 'laptop'];
export const FIRMWARE_FAMILIES: readonly FirmwareFamily[] = [11, 12, 16, 18];

export interface DeviceModel {
  readonly kind: DeviceKind;
  readonly family: FirmwareFamily;
  readonly firmwareVersion: string;
  readonly firmwareBuild: string;
  readonly hasBattery: boolean;
  readonly hasWiFi: boolean;
  /** One Click Recovery and Remote Platform Erase (AMT 16+). */
  readonly hasOcr: boolean;
  /** Classes this model does not serve at all (DestinationUnreachable). */
  readonly absent: ReadonlySet<string>;
}

export interface ModelOptions {
  /** `laptop` (default: battery and Wi-Fi) or `desktop`. */
  model?: DeviceKind;
  /** Firmware family; default 16. */
  amt?: FirmwareFamily;
}

const FIRMWARE: Record<FirmwareFamily, readonly [string, string]> = {
  11: ['11.8.92', '4222'],
  12: ['12.0.93', '2379'],
  16: ['16.1.25', '2049'],
  18: ['18.1.18', '2253'],
};

/** The classes that exist only with Wi-Fi hardware. */
export const WIFI_CLASSES: readonly string[] = [
  'CIM_WiFiEndpoint', 'CIM_WiFiEndpointCapabilities', 'CIM_WiFiEndpointSettings', 'CIM_WiFiPort',
  'CIM_WiFiPortCapabilities', 'AMT_WiFiPortConfigurationService', 'CIM_IEEE8021xSettings',
];

const ABSENT_BY_FAMILY: Record<FirmwareFamily, readonly string[]> = {
  11: ['IPS_IEEE8021xSettings', 'IPS_8021xCredentialContext', 'IPS_LANEndpoint'],
  12: [],
  16: [],
  18: ['IPS_SecIOService'],
};

/** The model a device is built as; throws a one-sentence error for a kind or family it does not know. */
export function resolveModel(opts: ModelOptions = {}): DeviceModel {
  const kind = opts.model ?? 'laptop';
  const family = opts.amt ?? 16;
  if (!DEVICE_KINDS.includes(kind)) throw new Error(`Unknown device model "${kind}": use ${DEVICE_KINDS.join(' or ')}.`);
  if (!FIRMWARE_FAMILIES.includes(family)) {
    throw new Error(`Unknown AMT firmware family "${family}": use one of ${FIRMWARE_FAMILIES.join(', ')}.`);
  }
  const laptop = kind === 'laptop';
  const absent = new Set([...ABSENT_BY_FAMILY[family], ...(laptop ? [] : WIFI_CLASSES)]);
  const [firmwareVersion, firmwareBuild] = FIRMWARE[family];
  return { kind, family, firmwareVersion, firmwareBuild, hasBattery: laptop, hasWiFi: laptop, hasOcr: family >= 16, absent };
}

/** Refuses a request for a class this device's model does not have, as AMT does (DestinationUnreachable). */
export function checkModelServes(device: SimDevice, resourceUri: string | undefined): void {
  const info = resourceUri ? classByUri(resourceUri) : undefined;
  if (info && device.model.absent.has(info.def.name)) {
    throw new WsmanFault('DestinationUnreachable', `${info.def.name} is not present on this ${device.model.kind} with AMT ${device.model.family}`);
  }
}

const OCR_BOOT_SETTINGS = [
  'UEFIHTTPSBootEnabled', 'UEFILocalPBABootEnabled', 'WinREBootEnabled', 'SecureBootControlEnabled', 'RPEEnabled',
  'PlatformErase', 'UefiBootNumberOfParams', 'UefiBootParametersArray',
];
const OCR_BOOT_CAPABILITIES = [
  'ForceUEFIHTTPSBoot', 'ForceUEFIPBABoot', 'ForceWinREBoot', 'AMTSecureBootControl', 'UEFIWiFiCoExistenceAndProfileShare', 'PlatformErase',
];
const KVM_16 = { DoubleBufferActive: false, DoubleBufferEnabled: true, GrayscalePixelFormatSupported: true, InitialDecimationModeForLowRes: 0, ZlibControlSupported: true };

/** Adjusts a fresh device's instances to its model (run once, after the class table filled the store). */
export function applyModel(device: SimDevice): void {
  const m = device.model;
  if (!m.hasWiFi) {
    const ports = device.instances('AMT_EthernetPortSettings');
    const wireless = ports.findIndex((p) => p.InstanceID === 'Intel(r) AMT Ethernet Port Settings 1');
    if (wireless >= 0) ports.splice(wireless, 1);
  }
  for (const name of m.absent) device.instances(name).length = 0;
  if (!m.hasOcr) {
    drop(device.instances('AMT_BootSettingData'), OCR_BOOT_SETTINGS);
    drop(device.instances('AMT_BootCapabilities'), OCR_BOOT_CAPABILITIES);
    drop(device.instances('AMT_GeneralSettings'), ['DHCPSyncRequiresHostname', 'ThunderboltDockEnabled']);
  } else {
    for (const kvm of device.instances('IPS_KVMRedirectionSettingData')) Object.assign(kvm, KVM_16);
  }
}

function drop(list: PropMap[], names: readonly string[]): void {
  for (const p of list) for (const n of names) delete p[n];
}
