/**
 * The Watchdog view's store: per device, the OS watchdog the backend drives for it (armed or not,
 * timeout, last heartbeat, countdown to expiry, keepalive), its agents (agent presence), and its
 * events — pushed live through an event subscription, and the decoded event log. It holds what the
 * backend said and runs the requests; watchdogTree.ts turns it into rows. The countdown is
 * computed here from the backend's wall-clock deadline. Confirmations are the caller's job
 * (commands/watchdog.ts).
 */
import {
  AgentRequests,
  EventRequests,
  Requests,
  WatchdogRequests,
  type AgentView,
  type AmtEvent,
  type EventNotice,
  type LogRecord,
  type WatchdogState,
} from '../../../server/src/protocol';
import { Emitter, errorMessage, type Request } from './request';

export type { AgentView, EventNotice } from '../../../server/src/protocol';
export type AmtEventView = AmtEvent;

/** The iAMT watchdog's timeout range (mei_wdt) and the default LMS uses. */
export const WATCHDOG_TIMEOUT = { min: 120, max: 65535, default: 120 } as const;

/** What is wrong with a typed timeout, or undefined when it is a whole number in 120..65535. */
export function timeoutProblem(text: string): string | undefined {
  const t = text.trim();
  const { min, max } = WATCHDOG_TIMEOUT;
  if (!/^\d+$/.test(t)) return `Give the timeout in whole seconds, from ${min} to ${max}.`;
  const n = Number(t);
  if (n < min || n > max) return `The iAMT watchdog takes ${min} to ${max} seconds; ${n} is outside that range.`;
  return undefined;
}

/** `42 s`, `1 min 57 s`, `2 h 3 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
}

export type Countdown =
  | { kind: 'off' }
  /** Armed: whole seconds left (rounded up, so it reads 1 until it fires) and since the last heartbeat. */
  | { kind: 'armed'; leftSeconds: number; sinceSeconds: number }
  /** The deadline passed without a heartbeat: the firmware has fired. */
  | { kind: 'fired'; agoSeconds: number; sinceSeconds: number };

export function countdown(state: WatchdogState | undefined, now: number): Countdown {
  if (!state?.armed || state.expiresAt === undefined || state.lastHeartbeatAt === undefined) return { kind: 'off' };
  const sinceSeconds = Math.max(0, Math.floor((now - state.lastHeartbeatAt) / 1000));
  const left = state.expiresAt - now;
  if (left > 0) return { kind: 'armed', leftSeconds: Math.ceil(left / 1000), sinceSeconds };
  return { kind: 'fired', agoSeconds: Math.floor(-left / 1000), sinceSeconds };
}

/** What deactivation does with a watchdog it leaves armed: disarm it first, or only warn. */
export type ExitPolicy = 'disarm' | 'warn';

export interface ReceivedEvent {
  event: AmtEventView;
  /** Wall-clock ms when the notification arrived. */
  receivedAt: number;
}

const MAX_EVENTS = 200;

export class WatchdogStore {
  private readonly states = new Map<string, WatchdogState>();
  private readonly failures = new Map<string, string>();
  private readonly streams = new Map<string, { streamId: string; notifyTo: string }>();
  private readonly events = new Map<string, ReceivedEvent[]>();
  private readonly sequences = new Map<string, number>();
  private readonly exitPolicies = new Map<string, ExitPolicy>();
  private readonly changed = new Emitter<string>();
  private readonly eventsChanged = new Emitter<string>();
  private readonly agentsChanged = new Emitter<string>();
  /** A device's watchdog state changed (fires with its target id). */
  readonly onDidChange = this.changed.event;
  /** An event arrived, or the subscription started or ended. */
  readonly onDidChangeEvents = this.eventsChanged.event;
  /** An agent was registered or asserted. */
  readonly onDidChangeAgents = this.agentsChanged.event;

  constructor(
    private readonly request: Request,
    readonly now: () => number = Date.now,
  ) {}

  get(targetId: string): WatchdogState | undefined {
    return this.states.get(targetId);
  }

  /** Why the last state request failed (the backend's sentence), if it did. */
  failure(targetId: string): string | undefined {
    return this.failures.get(targetId);
  }

  /** Every device whose watchdog the backend's session holds armed. */
  armed(): WatchdogState[] {
    return [...this.states.values()].filter((s) => s.armed);
  }

  async refresh(targetId: string): Promise<WatchdogState> {
    try {
      const state = await this.request(WatchdogRequests.state, { targetId });
      this.failures.delete(targetId);
      this.update(state);
      return state;
    } catch (err) {
      this.failures.set(targetId, errorMessage(err));
      this.changed.fire(targetId);
      throw err;
    }
  }

  /** A state from the backend (a reply, or an `amt/watchdog/changed` notification). */
  update(state: WatchdogState): void {
    this.states.set(state.targetId, state);
    if (!state.armed) this.exitPolicies.delete(state.targetId);
    this.changed.fire(state.targetId);
  }

  countdown(targetId: string, now = this.now()): Countdown {
    return countdown(this.states.get(targetId), now);
  }

  exitPolicy(targetId: string): ExitPolicy {
    return this.exitPolicies.get(targetId) ?? 'disarm';
  }

  async arm(targetId: string, timeoutSeconds: number, exitPolicy: ExitPolicy = 'disarm'): Promise<WatchdogState> {
    const state = await this.request(WatchdogRequests.arm, { targetId, timeoutSeconds });
    this.update(state);
    this.exitPolicies.set(targetId, exitPolicy);
    return state;
  }

  async heartbeat(targetId: string): Promise<WatchdogState> {
    return this.apply(await this.request(WatchdogRequests.heartbeat, { targetId }));
  }

  /** Heartbeats every timeout/2 (in the backend, so it goes on while the editor is busy or a debugger is paused). */
  async startKeepalive(targetId: string, timeoutSeconds?: number): Promise<WatchdogState> {
    const state = await this.request(WatchdogRequests.startKeepalive, { targetId, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
    return this.apply(state);
  }

  async stopKeepalive(targetId: string): Promise<WatchdogState> {
    return this.apply(await this.request(WatchdogRequests.stopKeepalive, { targetId }));
  }

  async disarm(targetId: string): Promise<WatchdogState> {
    return this.apply(await this.request(WatchdogRequests.disarm, { targetId }));
  }

  /* ---- events ---- */

  subscription(targetId: string): { streamId: string; notifyTo: string } | undefined {
    return this.streams.get(targetId);
  }

  /** Subscribes the device's events (every AMT event) to the backend's sink; they arrive through receive(). */
  async subscribe(targetId: string): Promise<{ streamId: string; notifyTo: string }> {
    const existing = this.streams.get(targetId);
    if (existing) return existing;
    const stream = await this.request(EventRequests.follow, { targetId });
    this.streams.set(targetId, stream);
    this.eventsChanged.fire(targetId);
    return stream;
  }

  async unsubscribe(targetId: string): Promise<void> {
    const stream = this.streams.get(targetId);
    if (!stream) return;
    this.streams.delete(targetId);
    this.eventsChanged.fire(targetId);
    await this.request(EventRequests.unfollow, { streamId: stream.streamId });
  }

  /** An `amt/events/event` notification. */
  receive(notice: EventNotice): void {
    const list = this.events.get(notice.targetId) ?? [];
    list.unshift({ event: notice.event, receivedAt: this.now() });
    if (list.length > MAX_EVENTS) list.length = MAX_EVENTS;
    this.events.set(notice.targetId, list);
    this.eventsChanged.fire(notice.targetId);
  }

  /** Received events, newest first. */
  eventsOf(targetId: string): readonly ReceivedEvent[] {
    return this.events.get(targetId) ?? [];
  }

  clearEvents(targetId: string): void {
    this.events.delete(targetId);
    this.eventsChanged.fire(targetId);
  }

  /** The decoded firmware event log, oldest first (the Devices view's Event log request). */
  async eventLog(targetId: string): Promise<LogRecord[]> {
    return (await this.request(Requests.readLog, { targetId })).records;
  }

  /* ---- agents ---- */

  async agents(targetId: string): Promise<AgentView[]> {
    return (await this.request(AgentRequests.list, { targetId })).agents;
  }

  /** Creates the agent's watchdog when missing, registers it, and remembers its session sequence number. */
  async registerAgent(targetId: string, agent: string, timeoutIntervalSeconds?: number): Promise<{ sessionSequenceNumber: number; timeoutIntervalSeconds: number }> {
    const r = await this.request(AgentRequests.register, { targetId, agent, ...(timeoutIntervalSeconds ? { timeoutIntervalSeconds } : {}) });
    this.sequences.set(sequenceKey(targetId, agent), r.sessionSequenceNumber);
    this.agentsChanged.fire(targetId);
    return r;
  }

  /** AssertPresence (or AssertShutdown) with the next sequence number; registers first when this session has not. */
  async assertAgent(targetId: string, agent: string, shutdown = false): Promise<number> {
    const key = sequenceKey(targetId, agent);
    if (!this.sequences.has(key)) await this.registerAgent(targetId, agent);
    const sequenceNumber = this.sequences.get(key)! + 1;
    await this.request(AgentRequests.assert, { targetId, agent, sequenceNumber, ...(shutdown ? { shutdown } : {}) });
    this.sequences.set(key, sequenceNumber);
    this.agentsChanged.fire(targetId);
    return sequenceNumber;
  }

  /**
   * The backend (re)started: its sessions were closed (which disarmed them) and its event streams
   * are gone. Received events and agents' sequence numbers stay.
   */
  backendRestarted(): void {
    const ids = new Set([...this.states.keys(), ...this.failures.keys(), ...this.streams.keys()]);
    this.states.clear();
    this.failures.clear();
    this.streams.clear();
    this.exitPolicies.clear();
    for (const id of ids) {
      this.changed.fire(id);
      this.eventsChanged.fire(id);
    }
  }

  /** Asks every view of the device to read its agents and events again (a Refresh). */
  invalidate(targetId: string): void {
    this.agentsChanged.fire(targetId);
    this.eventsChanged.fire(targetId);
  }

  private apply(state: WatchdogState): WatchdogState {
    this.update(state);
    return state;
  }
}

function sequenceKey(targetId: string, agent: string): string {
  return `${targetId}\n${agent.toLowerCase()}`;
}

/** "fires in 42 s" / "fired 3 s ago" / "not armed" — for the view, the status bar and messages. */
export function describeCountdown(c: Countdown): string {
  if (c.kind === 'armed') return `fires in ${formatSeconds(c.leftSeconds)}`;
  if (c.kind === 'fired') return `fired ${formatSeconds(c.agoSeconds)} ago`;
  return 'not armed';
}

