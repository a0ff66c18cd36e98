/**
 * Agent presence (Intel AMT SDK: "Create an Agent Watchdog", "Agent Watchdog Timers and Actions"; docs/simulator.md): software agents on the host register with a watchdog
 * (AMT_AgentPresenceWatchdog, created by WS-Transfer Create) and assert their presence before its
 * TimeoutInterval runs out. The instances live in the device's instance store; this keeps what
 * has no CIM property (when each timer started, the last sequence number) and runs the state
 * machine on the device clock:
 *
 *   created / host back in S0 → Not Started (1); StartupInterval passes unregistered → Expired (8)
 *   RegisterAgent → Running (4); AssertPresence(seq > last) keeps it Running, and revives Expired
 *   TimeoutInterval passes without an assert → Expired (8); AssertShutdown → Stopped (2)
 *   host leaves S0 → Suspended (16) (timers count only in S0)
 *
 * On every transition the watchdog's actions (AddAction: OldState/NewState bit masks) whose
 * masks match fire: EventOnTransition adds an AMT_MessageLog record (sensor type 18, EventData
 * 0xAA + the first 6 GUID bytes + the new state, as MeshCommander decodes it) and raises iAMT0002–6
 * with the agent GUID as MessageArguments[0] (Release 8+). ActionSd (activate/deactivate a System
 * Defense policy) is recorded in `performed` and switches the Agent Presence policy link
 * (AMT_AgentPresenceInterfacePolicy, system-defense/model.ts) on or off.
 * Return codes where the spec is silent (simulator choices): a sequence number not above the last
 * → 36 INVALID_PARAMETER; assert/shutdown without a registration → 30 REQUEST_UNEXPECTED.
 */
import type { SimDevice } from './device';
import { POWER } from './power-states';
import type { PropMap } from './values';
import { agentPresenceAction } from './system-defense/model';

export const AGENT_STATE = { NotStarted: 1, Stopped: 2, Running: 4, Expired: 8, Suspended: 16 } as const;
export const WATCHDOG_CLASS = 'AMT_AgentPresenceWatchdog';
export const ACTION_CLASS = 'AMT_AgentPresenceWatchdogAction';
export const CONDITION_CLASS = 'AMT_StateTransitionCondition';
const STATE_MESSAGE: Record<number, string> = { 1: 'iAMT0002', 2: 'iAMT0003', 4: 'iAMT0004', 8: 'iAMT0005', 16: 'iAMT0006' };
const AGENT_RETURN = { Success: 0, RequestUnexpected: 30, InvalidParameter: 36, MaxLimitReached: 23 } as const;
/** AMT_AgentPresenceCapabilities.MaxTotalActions. */
export const MAX_TOTAL_ACTIONS = 64;

export interface AgentTransition {
  readonly deviceId: string;
  readonly previous: number;
  readonly state: number;
}

export interface PerformedAction extends AgentTransition {
  readonly actionName: string;
  readonly eventOnTransition: boolean;
  readonly actionSd?: number;
  /** Device-clock ms. */
  readonly at: number;
}

interface Timer {
  /** Device-clock ms the current interval started (creation/boot, or the last assert). */
  since: number;
  /** Last sequence number seen (RegisterAgent's session number, then each assert). */
  sequence: number;
}

export class AgentPresence {
  /** Every action that fired, oldest first. */
  readonly performed: PerformedAction[] = [];
  private readonly timers = new Map<string, Timer>();
  private nextSession = 0x1000;
  private nextAction = 1;

  constructor(private readonly device: SimDevice) {
    device.on('power', (c: { state: number }) => this.power(c.state));
  }

  /** A new watchdog (Create): Not Started, its startup interval counting from now. */
  created(inst: PropMap): void {
    inst.CurrentState = this.device.powerState === POWER.On ? AGENT_STATE.NotStarted : AGENT_STATE.Suspended;
    this.timers.set(String(inst.DeviceID), { since: this.device.now(), sequence: 0 });
    this.device.scheduleWake();
  }

  /** A watchdog was deleted: its actions go with it. */
  removed(inst: PropMap): void {
    this.timers.delete(String(inst.DeviceID));
    this.dropActions(String(inst.DeviceID));
  }

  register(inst: PropMap): { returnValue: number; sequence?: number; timeout?: number } {
    const t = this.timer(inst);
    if (state(inst) === AGENT_STATE.Suspended) return { returnValue: AGENT_RETURN.RequestUnexpected };
    this.nextSession = (this.nextSession + 0x100) >>> 0;
    t.sequence = this.nextSession;
    t.since = this.device.now();
    this.transition(inst, AGENT_STATE.Running);
    return { returnValue: AGENT_RETURN.Success, sequence: t.sequence, timeout: Number(inst.TimeoutInterval ?? 0) };
  }

  /**
   * The rule AssertPresence and AssertShutdown share: only a Running or Expired agent may assert,
   * and only with a sequence number above the last one. Records the number and returns undefined
   * when accepted, else the ReturnValue to answer.
   */
  private acceptSequence(inst: PropMap, sequence: number): number | undefined {
    this.check();
    const s = state(inst);
    if (s !== AGENT_STATE.Running && s !== AGENT_STATE.Expired) return AGENT_RETURN.RequestUnexpected;
    const t = this.timer(inst);
    if (!(sequence > t.sequence)) return AGENT_RETURN.InvalidParameter;
    t.sequence = sequence;
    return undefined;
  }

  assertPresence(inst: PropMap, sequence: number): number {
    const refused = this.acceptSequence(inst, sequence);
    if (refused !== undefined) return refused;
    this.timer(inst).since = this.device.now();
    if (state(inst) === AGENT_STATE.Expired) this.transition(inst, AGENT_STATE.Running);
    this.device.scheduleWake();
    return AGENT_RETURN.Success;
  }

  assertShutdown(inst: PropMap, sequence: number): number {
    const refused = this.acceptSequence(inst, sequence);
    if (refused !== undefined) return refused;
    this.transition(inst, AGENT_STATE.Stopped);
    return AGENT_RETURN.Success;
  }

  /** AddAction: an AMT_StateTransitionCondition and an AMT_AgentPresenceWatchdogAction, named alike. */
  addAction(inst: PropMap, input: { OldState: number; NewState: number; EventOnTransition: boolean; ActionSd?: number; ActionEac?: boolean }): number {
    const valid = (m: number) => Number.isInteger(m) && m >= 1 && m <= 31;
    if (!valid(input.OldState) || !valid(input.NewState)) return AGENT_RETURN.InvalidParameter;
    if (input.ActionSd !== undefined && input.ActionSd !== 0 && input.ActionSd !== 1) return AGENT_RETURN.InvalidParameter;
    if (this.device.instances(ACTION_CLASS).length >= MAX_TOTAL_ACTIONS) return AGENT_RETURN.MaxLimitReached;
    const n = this.nextAction++;
    const rule = ruleName(String(inst.DeviceID));
    const common = { SystemCreationClassName: 'CIM_ComputerSystem', SystemName: 'Intel(r) AMT', PolicyRuleCreationClassName: 'AMT_AgentPresenceWatchdogRule', PolicyRuleName: rule };
    this.device.instances(CONDITION_CLASS).push({
      ...common, CreationClassName: CONDITION_CLASS, PolicyConditionName: `Condition ${n}`,
      OldState: input.OldState, NewState: input.NewState, StateSpace: 'AgentPresenceWatchdog',
    });
    this.device.instances(ACTION_CLASS).push({
      ...common, CreationClassName: ACTION_CLASS, PolicyActionName: `Action ${n}`,
      EventOnTransition: input.EventOnTransition, ...(input.ActionSd !== undefined ? { ActionSd: input.ActionSd } : {}),
      ...(input.ActionEac !== undefined ? { ActionEac: input.ActionEac } : {}),
    });
    return AGENT_RETURN.Success;
  }

  deleteAllActions(inst: PropMap): number {
    this.dropActions(String(inst.DeviceID));
    return AGENT_RETURN.Success;
  }

  /** Expires watchdogs whose interval has passed on the device clock. */
  check(): void {
    const now = this.device.now();
    for (const inst of this.device.instances(WATCHDOG_CLASS)) {
      const due = this.deadlineOf(inst);
      if (due !== undefined && now >= due) this.transition(inst, AGENT_STATE.Expired);
    }
  }

  nextDeadline(): number | undefined {
    const due = this.device.instances(WATCHDOG_CLASS).flatMap((i) => {
      const d = this.deadlineOf(i);
      return d === undefined ? [] : [d];
    });
    return due.length ? Math.min(...due) : undefined;
  }

  private deadlineOf(inst: PropMap): number | undefined {
    const t = this.timers.get(String(inst.DeviceID));
    if (!t) return undefined;
    const s = state(inst);
    if (s === AGENT_STATE.NotStarted) return t.since + Number(inst.StartupInterval ?? 0) * 1000;
    if (s === AGENT_STATE.Running) return t.since + Number(inst.TimeoutInterval ?? 0) * 1000;
    return undefined;
  }

  private timer(inst: PropMap): Timer {
    const id = String(inst.DeviceID);
    let t = this.timers.get(id);
    if (!t) this.timers.set(id, (t = { since: this.device.now(), sequence: 0 }));
    return t;
  }

  /** Host power: leaving S0 suspends every watchdog; coming back restarts them as Not Started. */
  private power(powerState: number): void {
    for (const inst of this.device.instances(WATCHDOG_CLASS)) {
      const s = state(inst);
      if (powerState !== POWER.On && s !== AGENT_STATE.Suspended && s !== AGENT_STATE.Stopped) this.transition(inst, AGENT_STATE.Suspended);
      else if (powerState === POWER.On && s === AGENT_STATE.Suspended) {
        this.timer(inst).since = this.device.now();
        this.transition(inst, AGENT_STATE.NotStarted);
      }
    }
    this.device.scheduleWake();
  }

  private transition(inst: PropMap, next: number): void {
    const previous = state(inst);
    if (previous === next) return;
    inst.CurrentState = next;
    const deviceId = String(inst.DeviceID);
    this.device.emit('agent-presence', { deviceId, previous, state: next } satisfies AgentTransition);
    for (const action of this.actionsFor(deviceId)) {
      if (!(action.condition.OldState & previous) || !(action.condition.NewState & next)) continue;
      const eventOnTransition = action.props.EventOnTransition === true;
      const actionSd = action.props.ActionSd === undefined ? undefined : Number(action.props.ActionSd);
      this.performed.push({ deviceId, previous, state: next, actionName: String(action.props.PolicyActionName), eventOnTransition, actionSd, at: this.device.now() });
      if (eventOnTransition) this.announce(deviceId, next);
      if (actionSd === 0 || actionSd === 1) agentPresenceAction(this.device, actionSd);
    }
    this.device.scheduleWake();
  }

  private announce(deviceId: string, next: number): void {
    const bytes = Buffer.from(deviceId, 'base64');
    this.device.addLogRecord({ sensorType: 18, eventOffset: 0, entity: 33, eventData: [0xaa, ...bytes.subarray(0, 6), next] });
    this.device.eventing.raise({ messageId: STATE_MESSAGE[next], messageArguments: [guidOf(bytes)], perceivedSeverity: 2, alertType: 8 });
  }

  private actionsFor(deviceId: string): { props: PropMap; condition: { OldState: number; NewState: number } }[] {
    const rule = ruleName(deviceId);
    const conditions = this.device.instances(CONDITION_CLASS).filter((c) => c.PolicyRuleName === rule);
    return this.device.instances(ACTION_CLASS)
      .filter((a) => a.PolicyRuleName === rule)
      .map((props) => {
        const n = String(props.PolicyActionName).replace(/^Action /, '');
        const c = conditions.find((x) => x.PolicyConditionName === `Condition ${n}`);
        return { props, condition: { OldState: Number(c?.OldState ?? 0), NewState: Number(c?.NewState ?? 0) } };
      });
  }

  private dropActions(deviceId: string): void {
    const rule = ruleName(deviceId);
    for (const cls of [ACTION_CLASS, CONDITION_CLASS]) {
      const list = this.device.instances(cls);
      list.splice(0, list.length, ...list.filter((p) => p.PolicyRuleName !== rule));
    }
  }
}

function state(inst: PropMap): number {
  return Number(inst.CurrentState ?? AGENT_STATE.NotStarted);
}

/** The rule an agent's actions belong to (a simulator naming: AMT's own is not recorded). */
function ruleName(deviceId: string): string {
  return `Agent Presence Watchdog ${deviceId}`;
}

/** DeviceID bytes (GUID in its little-endian layout; docs/simulator.md "Agent presence") → canonical GUID text. */
export function guidOf(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = bytes.subarray(8).toString('hex');
  return `${hex(bytes.readUInt32LE(0), 8)}-${hex(bytes.readUInt16LE(4), 4)}-${hex(bytes.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}
