/**
 * System Defense (network isolation) requests: the device's filters, policies and which policy is
 * active on each network port, filter statistics, Environment Detection and the Agent Presence
 * policy. Served by handlers/defense.ts from features/defense/.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

/** 0 the wired port ("Intel(r) AMT Ethernet Port 0"), 1 the wireless one. */
export type DefensePortNumber = 0 | 1;
export type DefenseDirection = 'tx' | 'rx';

/** FilterProfile: 0 count+pass, 1 count+drop, 2 rate limit, 3 pass, 4 drop. */
export type DefenseProfile = 'count-pass' | 'count-drop' | 'rate-limit' | 'pass' | 'drop';

export interface DefenseFilter {
  /** The creation handle (InstanceID). */ id: string;
  className: 'AMT_IPHeadersFilter' | 'AMT_Hdr8021Filter';
  kind: 'ip' | 'ethernet';
  name: string;
  direction: DefenseDirection;
  profile: DefenseProfile;
  /** Packets per second, for rate-limit. */ rate?: number;
  eventOnMatch: boolean;
  /** What the filter matches, in words: `IPv4 UDP to port 53 from 10.0.0.0/8`. */ matches: string;
  /** Policies whose FilterCreationHandles name it. */ usedBy: string[];
}

export interface DefenseDefaults {
  drop: boolean;
  count: boolean;
  event: boolean;
}

export type DefenseLinkSource = 'system-defense' | 'agent-presence' | 'environment-detection' | 'default';

export interface DefenseLink {
  port: DefensePortNumber;
  source: DefenseLinkSource;
  /** Whether the link enables the policy (an Agent Presence link waits for its agent's action). */ enabled: boolean;
  /** Whether it is the port's active policy. */ active: boolean;
}

export interface DefensePolicy {
  id: string;
  name: string;
  precedence: number;
  tx: DefenseDefaults;
  rx: DefenseDefaults;
  filterIds: string[];
  links: DefenseLink[];
}

export interface DefensePort {
  port: DefensePortNumber;
  label: 'wired' | 'wireless';
  /** The active policy's id, when one is. */ activePolicy?: string;
  /** The policy System Defense itself enabled on the port (AMT_NetworkPortSystemDefensePolicy). */ systemDefensePolicy?: string;
  agentPresencePolicy?: string;
}

export interface DefenseEnvironment {
  /** Enterprise DNS suffixes (AMT_EnvironmentDetectionSettingData.DetectionStrings). */ detectionStrings: string[];
  /** The policy enabled while the device is outside the enterprise. */ policy?: string;
}

export interface DefenseState {
  policies: DefensePolicy[];
  filters: DefenseFilter[];
  ports: DefensePort[];
  environment?: DefenseEnvironment;
  limits: { maxPolicies: number; maxFilters: number };
}

/** A filter as a form or the CLI gives it; the backend checks it before anything is sent. */
export interface DefenseFilterSpec {
  kind: 'ip' | 'ethernet';
  /** 1–16 characters. */ name: string;
  direction: DefenseDirection;
  profile: DefenseProfile;
  rate?: number;
  eventOnMatch?: boolean;
  /** ip: 4 or 6 (default 4; taken from the addresses when they say). */ ipVersion?: 4 | 6;
  /** ip: `tcp`, `udp`, `icmp` or a protocol number. */ protocol?: string;
  /** ip: `10.0.0.1`, `10.0.0.0/8` or `10.0.0.1-10.0.0.9`. */ source?: string;
  destination?: string;
  /** ip: `53` or `1000-2000`. */ sourcePort?: string;
  destinationPort?: string;
  /** ethernet: `ip`, `arp`, `ipv6` or an EtherType number (2048, 0x0806). */ etherType?: string;
}

export interface DefensePolicySpec {
  /** 1–16 characters. */ name: string;
  precedence: number;
  /** Filter ids, in order. */ filterIds: string[];
  tx?: Partial<DefenseDefaults>;
  rx?: Partial<DefenseDefaults>;
}

export interface DefenseCreateFilterParams extends TargetParams { filter: DefenseFilterSpec }
export interface DefenseCreatePolicyParams extends TargetParams { policy: DefensePolicySpec }
export interface DefenseUpdatePolicyParams extends TargetParams { id: string; policy: DefensePolicySpec }
export interface DefenseDeleteParams extends TargetParams { what: 'filter' | 'policy'; id: string }
/** `policyId` undefined: System Defense enables nothing on the port. */
export interface DefenseActivateParams extends TargetParams { port: DefensePortNumber; policyId?: string }
export interface DefenseStatsParams extends TargetParams { port: DefensePortNumber; reset?: boolean }
export interface DefenseEnvironmentParams extends TargetParams { detectionStrings: string[]; policyId?: string }
/** Links (or with no policyId, unlinks) the policy an agent's action enables, on these ports. */
export interface DefenseAgentPolicyParams extends TargetParams { policyId?: string; ports?: DefensePortNumber[] }

export interface DefenseFilterCount {
  filterId: string;
  filterName: string;
  /** Packets counted (ReadCount). */ count: number;
  matched: boolean;
  lastReset?: string;
}

export interface DefenseStatistics {
  port: DefensePortNumber;
  /** The active policy the counters belong to; absent when no policy is active. */ policyId?: string;
  policyName?: string;
  activationTime?: string;
  /** When they were read (this machine's clock, ISO). */ readAt: string;
  counters: DefenseFilterCount[];
}

export interface DefenseCreated { id: string }
export interface DefenseDone { message: string }

export const DefenseRequests = {
  /** Filters, policies, ports, environment detection, limits. */
  state: new RequestType<TargetParams, DefenseState, void>('amt/defense/state'),
  createFilter: new RequestType<DefenseCreateFilterParams, DefenseCreated, void>('amt/defense/createFilter'),
  createPolicy: new RequestType<DefenseCreatePolicyParams, DefenseCreated, void>('amt/defense/createPolicy'),
  /** Put: name, precedence, defaults and filters of an existing policy. */
  updatePolicy: new RequestType<DefenseUpdatePolicyParams, DefenseDone, void>('amt/defense/updatePolicy'),
  delete: new RequestType<DefenseDeleteParams, DefenseDone, void>('amt/defense/delete'),
  /** Enables a policy on a port through System Defense (or removes its link). */
  activate: new RequestType<DefenseActivateParams, DefenseDone, void>('amt/defense/activate'),
  /** UpdateStatistics on the port's active policy, then AMT_ActiveFilterStatistics. */
  stats: new RequestType<DefenseStatsParams, DefenseStatistics, void>('amt/defense/stats'),
  setEnvironment: new RequestType<DefenseEnvironmentParams, DefenseDone, void>('amt/defense/setEnvironment'),
  setAgentPolicy: new RequestType<DefenseAgentPolicyParams, DefenseDone, void>('amt/defense/setAgentPolicy'),
} as const;
