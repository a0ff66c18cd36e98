/**
 * The legacy SOAP (EOI) services of a simulated AMT 5 device: each request is a SOAP 1.1 envelope
 * whose Body holds one element named after the method, in the service's namespace; the answer is
 * `<Method>Response` holding the PT_STATUS first and the results after it (eoi.ts has the sources).
 *
 * Served: GeneralInfo (GetCoreVersion, GetProvisioningMode, GetProvisioningState, GetHostName,
 * GetCodeVersions), SecurityAdministration (GetCoreVersion, GetProvisioningMode — where AMT 1.0 had
 * them and amttool still asks), NetworkAdministration (GetHostName, GetDomainName) and RemoteControl
 * (GetSystemPowerState, GetRemoteControlCapabilities, RemoteControl). RemoteControl drives the
 * device's one power state machine, so the simulated host boots and stops as it does for WS-Man.
 *
 * Choices where no source says more: a power command the host's state does not allow (power down
 * while off) answers PT_STATUS_NOT_PERMITTED; provisioning mode is 1 (enterprise) and state 2
 * (post-provisioning) with the AMTHI numbering; SystemPowerState carries the ACPI S-state in its low
 * four bits (amttool decodes it so) and nothing in the others.
 */
import type { SimDevice } from '../device';
import { POWER } from '../power-states';
import { childrenNamed, parseXml, XmlError, type XmlElement } from '../xml/parse';
import { escapeText } from '../xml/write';
import { IANA_ASF, IANA_INTEL, LEGACY_SERVICES, PT_STATUS, RC_COMMAND, SOAP11_NS, type LegacyService } from './eoi';

export interface LegacyReply {
  readonly status: number;
  readonly xml: string;
}

type Field = readonly [name: string, value: string | number | readonly Field[] | readonly (readonly Field[])[]];
type Method = (device: SimDevice, args: ReadonlyMap<string, string>, bios: string) => readonly Field[];

/** Firmware component versions GetCodeVersions lists (the names AMT's own inventory uses). */
function codeVersions(version: string): readonly (readonly Field[])[] {
  const [major, minor] = version.split('.');
  return [
    ['Flash', version], ['Netstack', version], ['AMTApps', version], ['AMT', `${major}.${minor}`],
    ['Sku', '8'], ['VendorID', '8086'], ['Build Number', '1150'], ['Recovery Version', version],
  ].map(([d, v]) => [['Description', d], ['Version', v]] as const);
}

const coreVersion: Method = (d) => [['StatusCode', PT_STATUS.SUCCESS], ['Version', d.identity.firmwareVersion]];
const provisioningMode: Method = () => [['StatusCode', PT_STATUS.SUCCESS], ['ProvisioningMode', 1]];
const hostName: Method = (d) => [['StatusCode', PT_STATUS.SUCCESS], ['HostName', d.identity.hostName]];

const METHODS: Record<LegacyService['name'], Record<string, Method>> = {
  GeneralInfo: {
    GetCoreVersion: coreVersion,
    GetProvisioningMode: provisioningMode,
    GetProvisioningState: () => [['StatusCode', PT_STATUS.SUCCESS], ['ProvisioningState', 2]],
    GetHostName: hostName,
    GetCodeVersions: (d, _args, bios) => [
      ['StatusCode', PT_STATUS.SUCCESS],
      ['BiosVersion', bios],
      ...codeVersions(d.identity.firmwareVersion).map((v) => ['CodeVersions', v] as const),
    ],
  },
  SecurityAdministration: { GetCoreVersion: coreVersion, GetProvisioningMode: provisioningMode },
  NetworkAdministration: {
    GetHostName: hostName,
    GetDomainName: (d) => [['StatusCode', PT_STATUS.SUCCESS], ['DomainName', d.identity.domainName]],
  },
  RemoteControl: {
    GetSystemPowerState: (d) => [['Status', PT_STATUS.SUCCESS], ['SystemPowerState', sState(d.powerState)]],
    GetRemoteControlCapabilities: () => [
      ['Status', PT_STATUS.SUCCESS],
      ['IanaOemNumber', IANA_INTEL],
      // IDE-R, SOL, BIOS reflash, BIOS setup, BIOS pause (amttool's bit names).
      ['OemDefinedCapabilities', 0x1f],
      // PXE, hard-drive, safe-mode, diagnostics and CD boot.
      ['SpecialCommandsSupported', 0x1f00],
      // Power cycle, power down, power up and reset.
      ['SystemCapabilitiesSupported', 0x0f],
      ['SystemFirmwareCapabilities', 0],
    ],
    RemoteControl: (d, args) => [['Status', remoteControl(d, args)]],
  },
};

/** ACPI sleep state of the host for a CIM power state: S0 on, S1 light sleep, S3, S4, S5. */
function sState(cim: number): number {
  switch (cim) {
    case POWER.On: return 0;
    case POWER.SleepLight: return 1;
    case POWER.SleepDeep: return 3;
    case POWER.Hibernate: return 4;
    default: return 5;
  }
}

/** The power request each RemoteControl command makes of the device's state machine. */
const COMMAND_TO_POWER: Record<number, number> = {
  [RC_COMMAND.PowerUp]: POWER.On,
  [RC_COMMAND.PowerDown]: POWER.OffSoft,
  [RC_COMMAND.Reset]: POWER.MasterBusReset,
  [RC_COMMAND.PowerCycle]: POWER.PowerCycleOffSoft,
};

function remoteControl(device: SimDevice, args: ReadonlyMap<string, string>): number {
  const command = Number(args.get('Command'));
  const oem = Number(args.get('IanaOemNumber'));
  if (!args.has('Command') || !args.has('IanaOemNumber')) return PT_STATUS.INVALID_PARAMETER;
  if (oem !== IANA_INTEL && oem !== IANA_ASF) return PT_STATUS.UNSUPPORTED_OEM_NUMBER;
  const requested = COMMAND_TO_POWER[command];
  if (requested === undefined) return PT_STATUS.INVALID_COMMAND;
  return device.requestPowerStateChange(requested) === 0 ? PT_STATUS.SUCCESS : PT_STATUS.NOT_PERMITTED;
}

export function legacyServiceAt(path: string): LegacyService | undefined {
  return LEGACY_SERVICES.find((s) => s.path === path);
}

/** Answers one authenticated POST to a service's path. */
export function handleLegacySoap(device: SimDevice, service: LegacyService, body: string, bios: string): LegacyReply {
  device.emit('parse', { bytes: body.length });
  let envelope: XmlElement;
  try {
    envelope = parseXml(body);
  } catch (err) {
    return fault('Client', err instanceof XmlError ? `Malformed request: ${err.message}` : 'Malformed request');
  }
  if (envelope.local !== 'Envelope') return fault('Client', 'The document is not a SOAP envelope');
  if (envelope.ns !== SOAP11_NS) return fault('VersionMismatch', 'Only SOAP 1.1 envelopes are accepted');
  const call = childrenNamed(envelope, SOAP11_NS, 'Body')[0]?.children[0];
  if (!call) return fault('Client', 'The Body is empty');
  device.emit('request', { action: `${call.ns}#${call.local}` });
  device.refresh();
  const method = call.ns === service.ns ? METHODS[service.name][call.local] : undefined;
  if (!method) return fault('Client', `Method '${call.local}' not implemented: method name or namespace not recognized`);
  const args = new Map(call.children.map((c) => [c.local, c.text.trim()] as const));
  return { status: 200, xml: envelopeOf(`${p(service, call.local)}Response`, service, method(device, args, bios)) };
}

const p = (s: LegacyService, local: string) => `${s.prefix}:${local}`;

function fields(s: LegacyService, list: readonly Field[]): string {
  return list
    .map(([name, value]) => {
      const q = p(s, name);
      if (typeof value !== 'object') return `<${q}>${escapeText(String(value))}</${q}>`;
      const nested = value as readonly Field[];
      return `<${q}>${fields(s, nested)}</${q}>`;
    })
    .join('');
}

function envelopeOf(responseName: string, s: LegacyService, list: readonly Field[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_NS}" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:${s.prefix}="${s.ns}">` +
    `<SOAP-ENV:Body><${responseName}>${fields(s, list)}</${responseName}></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

function fault(code: 'Client' | 'VersionMismatch', text: string): LegacyReply {
  return {
    status: 500,
    xml:
      '<?xml version="1.0" encoding="UTF-8"?>' +
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_NS}"><SOAP-ENV:Body><SOAP-ENV:Fault>` +
      `<faultcode>SOAP-ENV:${code}</faultcode><faultstring>${escapeText(text)}</faultstring>` +
      '</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>',
  };
}
