/**
 * amt/overview: what a console shows first on connect (features/overview/): identity, firmware,
 * provisioning and control mode, power, the wired network, redirection switches and user consent.
 * Actions go through the power and redirection requests; this file declares only the read.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export interface OverviewReport {
  identity: {
    hostName: string; domainName: string; /** PlatformGUID as a lower-case GUID. */ systemId: string;
    /** CIM_Chassis manufacturer and model. */ manufacturer: string; model: string; serialNumber: string;
  };
  firmware: { /** CIM_SoftwareIdentity `AMT`. */ amtVersion: string; build: string; /** Sku decoded, e.g. `Intel AMT (Corporate)`. */ sku: string; flash: string; /** The HTTP Server header. */ server?: string };
  provisioning: {
    /** AMT_SetupAndConfigurationService.ProvisioningState: 0 pre, 1 in, 2 post. */ state: number; stateText: string;
    /** `ACM`, `CCM`, `not provisioned` (IPS_HostBasedSetupService.CurrentControlMode, else ProvisioningMode). */ controlMode: string;
    /** Host-based setup, remote configuration, … (ProvisioningMode decoded). */ modeText: string;
  };
  power: { state: number; label: string };
  network: Array<{ name: string; mac: string; ip: string; dhcp: boolean; linkUp: boolean; gateway: string; dns: string }>;
  redirection: { listener: boolean; sol: boolean; ider: boolean; kvm?: boolean };
  consent: { required: 'none' | 'kvm' | 'all'; state: number; stateText: string };
  /** Parts the device did not answer for, each one sentence (the rest is still shown). */ problems: string[];
}

export const OverviewRequests = {
  /** Every part of the overview; a part that fails is left out with a sentence in `problems`. */ report: new RequestType<TargetParams, OverviewReport, void>('amt/overview/report'),
} as const;
