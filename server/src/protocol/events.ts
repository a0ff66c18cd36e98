/**
 * Events (WS-Eventing) and agent presence:
 * requests and payloads. protocol.ts re-exports them; the same rules hold (names and types only).
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

// ---- Events (WS-Eventing) and agent presence ----

/** One event a device pushed (CIM_AlertIndication), decoded. */
export interface AmtEvent {
  /** e.g. `iAMT0005`, `PLAT0322`. */ messageId: string;
  /** What happened, readable. */ text: string;
  messageArguments: string[];
  /** CIM PerceivedSeverity and its label. */ severity: number;
  severityLabel: string;
  alertType: number;
  /** IndicationTime as the device wrote it (ISO 8601), or '' when absent. */ time: string;
  /** IndicationIdentifier, unique per event on the device. */ indicationId: string;
  /** The filter that selected it, e.g. `Intel(r) AMT:AllEvents`. */ filterName: string;
  systemName: string;
}

export interface EventFollowParams extends TargetParams {
  /** CIM_FilterCollection InstanceID; default `Intel(r) AMT:All`. */ filter?: string;
}

export interface EventFollowResult {
  /** Names this stream in `amt/events/event` and `amt/events/unfollow`. */ streamId: string;
  /** The listener URL the device posts to. */ notifyTo: string;
}

export interface EventNotice {
  streamId: string;
  targetId: string;
  event: AmtEvent;
}

export interface AgentView {
  /** The agent's GUID, canonical text. */ agent: string;
  deviceId: string;
  state: number;
  stateLabel: string;
  startupIntervalSeconds?: number;
  timeoutIntervalSeconds?: number;
  name?: string;
}

export interface AgentActionView {
  rule: string;
  action: string;
  oldState: number;
  oldStateLabel: string;
  newState: number;
  newStateLabel: string;
  eventOnTransition: boolean;
  actionSd?: number;
  actionSdLabel?: string;
}

export interface AgentList {
  agents: AgentView[];
  actions: AgentActionView[];
}

export interface AgentRegisterParams extends TargetParams {
  /** The agent GUID. */ agent: string;
  /** Used when the agent's watchdog must be created first. */ timeoutIntervalSeconds?: number;
  startupIntervalSeconds?: number;
}

export interface AgentRegistration {
  sessionSequenceNumber: number;
  timeoutIntervalSeconds: number;
}

export interface AgentAssertParams extends TargetParams {
  agent: string;
  sequenceNumber: number;
  /** AssertShutdown instead of AssertPresence. */ shutdown?: boolean;
}

export const EventRequests = {
  /** Subscribes the device to a backend listener; its events arrive as `amt/events/event`. */
  follow: new RequestType<EventFollowParams, EventFollowResult, void>('amt/events/follow'),
  /** Unsubscribes and stops the listener. */ unfollow: new RequestType<{ streamId: string }, void, void>('amt/events/unfollow'),
} as const;

export const AgentRequests = {
  /** Agent presence watchdogs and their actions. */ list: new RequestType<TargetParams, AgentList, void>('amt/agents/list'),
  /** Creates the agent's watchdog when missing, then RegisterAgent. */
  register: new RequestType<AgentRegisterParams, AgentRegistration, void>('amt/agents/register'),
  /** AssertPresence (or AssertShutdown) with a sequence number. */
  assert: new RequestType<AgentAssertParams, void, void>('amt/agents/assert'),
} as const;
