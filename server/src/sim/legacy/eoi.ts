/**
 * Facts of AMT's first network interface, the SOAP services Intel called EOI (deprecated from AMT
 * 6.0, removed in 9.0): one HTTP path per service, one namespace per service, SOAP 1.1, Digest.
 *
 * Sources: Debian's `amttool` (package amtterm) sends SecurityAdministration GetCoreVersion,
 * NetworkAdministration GetHostName/GetDomainName and RemoteControl GetSystemPowerState,
 * GetRemoteControlCapabilities and RemoteControl (Command 16 reset, 17 power up, 18 power down, 19
 * power cycle; IanaOemNumber 343) to `http://HOST:16992/<Service>Service`, namespace
 * `http://schemas.intel.com/platform/client/<Service>/2004/01`, and reads the first child of each
 * response as the PT_STATUS and the following ones as the results, in order. Intel's AMT SDK
 * samples (RemoteControlSample.cpp, gSOAP) name the fields: `Status` and `SystemPowerState` in
 * GetSystemPowerStateResponse, `IanaOemNumber`, `OemDefinedCapabilities`,
 * `SpecialCommandsSupported`, `SystemCapabilitiesSupported`, `SystemFirmwareCapabilities` in the
 * capabilities. A DASH firmware that imitates these services answers with `Content-Type: text/xml;
 * charset=UTF-8`, chunked, and `Server: Intel(R) Active Management Technology 3.0.5` (a version, no
 * build number). The PT_STATUS numbers are amttool's table.
 */

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const BASE = 'http://schemas.intel.com/platform/client';

export type LegacyServiceName = 'GeneralInfo' | 'SecurityAdministration' | 'NetworkAdministration' | 'RemoteControl';

export interface LegacyService {
  readonly name: LegacyServiceName;
  /** The HTTP path, e.g. `/RemoteControlService`. */
  readonly path: string;
  readonly ns: string;
  /** The prefix the firmware writes (the SDK's gSOAP prefixes). */
  readonly prefix: string;
}

const service = (name: LegacyServiceName, prefix: string): LegacyService => ({ name, path: `/${name}Service`, ns: `${BASE}/${name}/2004/01`, prefix });

export const LEGACY_SERVICES: readonly LegacyService[] = [
  service('GeneralInfo', 'inf'),
  service('SecurityAdministration', 'sai'),
  service('NetworkAdministration', 'net'),
  service('RemoteControl', 'rci'),
];

export const PT_STATUS = {
  SUCCESS: 0x0,
  INTERNAL_ERROR: 0x1,
  NOT_PERMITTED: 0x10,
  INVALID_PARAMETER: 0x24,
  UNSUPPORTED_OEM_NUMBER: 0x801,
  INVALID_COMMAND: 0x803,
} as const;

/** RemoteControl Command values (amttool; Intel AMT SDK RemoteControlCommandType). */
export const RC_COMMAND = { Reset: 16, PowerUp: 17, PowerDown: 18, PowerCycle: 19 } as const;

/** IANA enterprise numbers RemoteControl accepts: Intel (343) and the ASF one (4542). */
export const IANA_INTEL = 343;
export const IANA_ASF = 4542;

/** Legacy simulator models: `amtwb sim --model amt5`. */
export type LegacyModel = 'amt5';
export const LEGACY_MODELS: readonly LegacyModel[] = ['amt5'];

/** Version each legacy model reports (GetCoreVersion and the Server header); the simulator's own choice of a 5.0 release. */
export const LEGACY_FIRMWARE: Record<LegacyModel, { version: string; bios: string }> = {
  amt5: { version: '5.0.1', bios: 'DQ35JOE1.86A.0040.2008.0221.1702' },
};
