/**
 * The Watchdog view: the selected device's OS watchdog, agents and events, as rows built from
 * the WatchdogStore. The view only has to call tick() every second while it is visible.
 */
import type { LogRecord, WatchdogState } from '../../../server/src/protocol';
import { eventLogRows } from './eventLogDetail';
import { Emitter, errorMessage } from './request';
import { infoNode, type TreeModel, type TreeNode } from './tree';
import { countdown, formatSeconds, type AgentView, type Countdown, type WatchdogStore } from './watchdogStore';

/**
 * The OS watchdog row in one phrase that cannot be misread: "not armed", "armed — next deadline
 * in 42 s", "kept alive — next deadline in 42 s", or "expired 19 s ago — heartbeats stopped".
 */
export function osSummary(c: Countdown, keepalive: boolean): string {
  if (c.kind === 'off') return 'not armed';
  if (c.kind === 'fired') return `expired ${formatSeconds(c.agoSeconds)} ago — heartbeats stopped`;
  return `${keepalive ? 'kept alive' : 'armed'} — next deadline in ${formatSeconds(c.leftSeconds)}`;
}

/** `firmware clock 10× faster`, or '' at real time. */
function scaleNote(state: WatchdogState): string {
  return state.timeScale !== 1 ? `firmware clock ${state.timeScale}× faster` : '';
}

type Section = 'os' | 'agents' | 'events' | 'eventLog';

/** The Watchdog view: the selected device's OS watchdog, agents and events. */
export class WatchdogTree implements TreeModel {
  private readonly changed = new Emitter<TreeNode | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly sections = new Map<string, TreeNode>();
  /** Per device, the deadline whose passing was already handled (to re-read the event log once). */
  private readonly firedHandled = new Map<string, number>();

  constructor(
    private readonly store: WatchdogStore,
    private readonly selected: () => { id: string; label: string } | undefined,
    private readonly options: { eventLogDelayMs?: number } = {},
  ) {
    store.onDidChange((id) => {
      if (id === this.selected()?.id) this.fire(id, 'os');
    });
    store.onDidChangeEvents((id) => {
      if (id !== this.selected()?.id) return;
      this.fire(id, 'events');
    });
    store.onDidChangeAgents((id) => {
      if (id === this.selected()?.id) this.fire(id, 'agents');
    });
  }

  /** The selected device changed. */
  selectionChanged(): void {
    this.changed.fire(undefined);
  }

  /** Redraws the agents or the event log of the selected device. */
  reload(section: 'agents' | 'eventLog'): void {
    const t = this.selected();
    if (t) this.fire(t.id, section);
  }

  /**
   * Once a second while the view is visible: redraws the countdown. Returns whether it still
   * counts (an armed watchdog); when the deadline passes, re-reads the event log once, where the
   * firmware has logged the OS hang.
   */
  tick(now = this.store.now()): boolean {
    const t = this.selected();
    if (!t) return false;
    const state = this.store.get(t.id);
    const c = countdown(state, now);
    if (c.kind === 'off') return false;
    this.fire(t.id, 'os');
    if (c.kind === 'fired' && state?.expiresAt !== undefined && this.firedHandled.get(t.id) !== state.expiresAt) {
      this.firedHandled.set(t.id, state.expiresAt);
      const id = t.id;
      setTimeout(() => {
        if (this.selected()?.id === id) this.fire(id, 'eventLog');
      }, this.options.eventLogDelayMs ?? 1000).unref?.();
    }
    return true;
  }

  /** A sentence for the view's message area: why there is no watchdog to drive, when there is none. */
  message(): string | undefined {
    const t = this.selected();
    if (!t) return undefined;
    const state = this.store.get(t.id);
    if (state && !state.available) return state.reason;
    const failure = this.store.failure(t.id);
    return failure ? `The watchdog state of ${t.label} could not be read: ${failure}` : undefined;
  }

  async roots(): Promise<TreeNode[]> {
    const t = this.selected();
    if (!t) return [];
    if (!this.store.get(t.id) && !this.store.failure(t.id)) await this.store.refresh(t.id).catch(() => undefined);
    return (['os', 'agents', 'events'] as const).map((s) => this.section(t.id, s));
  }

  async children(node: TreeNode): Promise<TreeNode[]> {
    const d = node.data;
    if (d.kind !== 'watchdog') return [];
    switch (d.section) {
      case 'os':
        return this.osRows(d.targetId);
      case 'agents':
        return this.agentRows(d.targetId);
      case 'events':
        return this.eventRows(d.targetId);
      case 'eventLog':
        return this.logRows(d.targetId);
    }
  }

  private fire(targetId: string, section: Section): void {
    if (section === 'eventLog' && !this.sections.has(`${targetId}/eventLog`)) return;
    this.changed.fire(this.section(targetId, section));
  }

  /** The section row, one object per device and section (VS Code redraws a row by its object), redecorated. */
  private section(targetId: string, section: Section): TreeNode {
    const key = `${targetId}/${section}`;
    let node = this.sections.get(key);
    if (!node) {
      const spec = {
        os: { label: 'OS watchdog', icon: 'watch', collapsible: 'expanded' as const },
        agents: { label: 'Agents', icon: 'person', collapsible: 'expanded' as const },
        events: { label: 'Events', icon: 'bell', collapsible: 'expanded' as const },
        eventLog: { label: 'Event log', icon: 'output', collapsible: 'collapsed' as const },
      }[section];
      node = { id: `watchdog:${targetId}/${section}`, ...spec, contextValue: `amt.watchdog.${section}`, data: { kind: 'watchdog', targetId, section } };
      this.sections.set(key, node);
    }
    if (section === 'os') this.decorateOs(node, targetId);
    if (section === 'events') {
      const sub = this.store.subscription(targetId);
      node.description = sub ? `subscribed · ${this.store.eventsOf(targetId).length} received` : 'not subscribed';
      node.tooltip = sub ? `Events are pushed to ${sub.notifyTo}` : 'Subscribe to see events as the device raises them.';
      node.contextValue = sub ? 'amt.watchdog.events.subscribed' : 'amt.watchdog.events';
    }
    return node;
  }

  private decorateOs(node: TreeNode, targetId: string): void {
    const state = this.store.get(targetId);
    const failure = this.store.failure(targetId);
    node.iconColor = undefined;
    if (!state) {
      node.description = failure ? 'state unknown' : 'reading…';
      node.contextValue = 'amt.watchdog.os';
      return;
    }
    if (!state.available) {
      node.description = 'not available';
      node.iconColor = 'errorForeground';
      node.contextValue = 'amt.watchdog.os.unavailable';
      return;
    }
    const c = countdown(state, this.store.now());
    node.description = osSummary(c, state.keepalive);
    if (c.kind === 'fired') node.iconColor = 'errorForeground';
    else if (c.kind === 'armed' && !state.keepalive) node.iconColor = 'editorWarning.foreground';
    node.contextValue = state.armed ? (state.keepalive ? 'amt.watchdog.os.keepalive' : 'amt.watchdog.os.armed') : 'amt.watchdog.os.idle';
  }

  private osRows(targetId: string): TreeNode[] {
    const base = `watchdog:${targetId}/os`;
    const state = this.store.get(targetId);
    const failure = this.store.failure(targetId);
    if (!state) {
      if (!failure) void this.store.refresh(targetId).catch(() => undefined); // e.g. after a backend restart
      return [infoNode(`${base}/unknown`, failure ?? 'Reading the watchdog…', { icon: failure ? 'error' : 'loading~spin', ...(failure ? { iconColor: 'errorForeground', tooltip: failure } : {}), targetId })];
    }
    if (!state.available) {
      const reason = state.reason ?? 'No iAMT watchdog on this machine.';
      return [infoNode(`${base}/unavailable`, reason, { icon: 'error', iconColor: 'errorForeground', tooltip: reason, targetId })];
    }
    const now = this.store.now();
    const c = countdown(state, now);
    const rows: TreeNode[] = [];
    const scale = scaleNote(state);
    if (c.kind === 'off') {
      rows.push(infoNode(`${base}/state`, 'Not armed', { icon: 'circle-outline', description: 'no heartbeats are expected', targetId }));
    } else {
      const timeout = state.timeoutSeconds ?? 0;
      const wall = state.timeScale !== 1 ? ` (${formatSeconds(timeout / state.timeScale)} of wall time, ${scale})` : '';
      rows.push(infoNode(`${base}/state`, 'Armed', { icon: 'shield', description: `timeout ${formatSeconds(timeout)}${wall}`, targetId }));
      if (c.kind === 'armed') {
        rows.push(infoNode(`${base}/countdown`, `Fires in ${formatSeconds(c.leftSeconds)}`, {
          icon: 'watch',
          iconColor: state.keepalive ? undefined : 'editorWarning.foreground',
          description: state.keepalive ? 'unless the keepalive heartbeats first' : 'unless a heartbeat comes',
          tooltip: `Without a heartbeat the firmware fires at ${new Date(state.expiresAt!).toLocaleTimeString()}: AMT logs an OS hang and tells event subscribers.`,
          targetId,
        }));
      } else {
        rows.push(infoNode(`${base}/countdown`, `Expired ${formatSeconds(c.agoSeconds)} ago — heartbeats stopped`, {
          icon: 'warning',
          iconColor: 'errorForeground',
          description: 'AMT logged an OS hang',
          tooltip: 'The timeout passed without a heartbeat. A heartbeat re-arms the watchdog; Disarm stops it.',
          targetId,
        }));
      }
      rows.push(infoNode(`${base}/heartbeat`, `Last heartbeat ${formatSeconds(c.sinceSeconds)} ago`, { icon: 'pulse', description: `${state.heartbeats} since armed`, targetId }));
      rows.push(
        state.keepalive
          ? infoNode(`${base}/keepalive`, 'Keepalive on', { icon: 'sync', description: `heartbeat every ${formatSeconds(state.keepaliveIntervalSeconds ?? timeout / 2)}`, targetId })
          : infoNode(`${base}/keepalive`, 'Keepalive off', { icon: 'debug-pause', description: 'heartbeats only when sent', targetId }),
      );
    }
    if (state.error) rows.push(infoNode(`${base}/error`, state.error, { icon: 'error', iconColor: 'errorForeground', tooltip: state.error, targetId }));
    const via = state.via === 'emulated' ? 'emulated by the simulator' : state.via === 'mei' ? 'firmware client over MEI' : state.identity ?? 'watchdog device';
    rows.push(infoNode(`${base}/device`, 'Device', { icon: 'chip', description: [state.path ?? 'MEI', via, state.via === 'emulated' ? scale : ''].filter(Boolean).join(' · '), tooltip: state.path, targetId }));
    rows.push(...this.osActions(targetId, state));
    return rows;
  }

  private osActions(targetId: string, state: WatchdogState): TreeNode[] {
    const action = (key: string, label: string, icon: string, command: string, tooltip: string): TreeNode => ({
      id: `watchdog:${targetId}/os/action/${key}`,
      label,
      icon,
      tooltip,
      collapsible: 'none',
      contextValue: 'amt.watchdog.action',
      command: { id: command, title: label, args: [targetId] },
      data: { kind: 'watchdog', targetId, section: 'os' },
    });
    if (!state.armed) {
      return [
        action('arm', 'Arm…', 'play', 'amt.watchdog.arm', 'Arm the watchdog with a timeout; it fires unless heartbeats follow'),
        action('keepalive', 'Keep heartbeating…', 'sync', 'amt.watchdog.keepalive', 'Arm and heartbeat every timeout/2, like LMS'),
      ];
    }
    return [
      action('heartbeat', 'Heartbeat now', 'pulse', 'amt.watchdog.heartbeat', 'Send one heartbeat: the countdown starts again'),
      state.keepalive
        ? action('stopKeepalive', 'Stop heartbeating', 'debug-pause', 'amt.watchdog.stopKeepalive', 'Stop the keepalive; the watchdog stays armed unless you disarm it')
        : action('keepalive', 'Keep heartbeating', 'sync', 'amt.watchdog.keepalive', 'Heartbeat every timeout/2, like LMS'),
      action('disarm', 'Disarm', 'debug-stop', 'amt.watchdog.disarm', 'Stop the watchdog and close the device'),
    ];
  }

  private async agentRows(targetId: string): Promise<TreeNode[]> {
    const base = `watchdog:${targetId}/agents`;
    const register: TreeNode = {
      id: `${base}/register`,
      label: 'Register agent…',
      icon: 'add',
      collapsible: 'none',
      contextValue: 'amt.watchdog.action',
      command: { id: 'amt.agents.register', title: 'Register Agent', args: [targetId] },
      data: { kind: 'watchdog', targetId, section: 'agents' },
    };
    let agents: AgentView[];
    try {
      agents = await this.store.agents(targetId);
    } catch (err) {
      return [infoNode(`${base}/error`, errorMessage(err), { icon: 'error', iconColor: 'errorForeground', tooltip: errorMessage(err), targetId }), register];
    }
    const rows = agents.map(
      (a): TreeNode => ({
        id: `${base}/${a.agent}`,
        label: a.agent,
        description: [a.stateLabel, a.timeoutIntervalSeconds !== undefined ? `timeout ${formatSeconds(a.timeoutIntervalSeconds)}` : undefined].filter(Boolean).join(' · '),
        tooltip: [`Agent ${a.agent}`, a.name, `State: ${a.stateLabel}`, a.startupIntervalSeconds !== undefined ? `Startup interval: ${a.startupIntervalSeconds} s` : undefined, a.timeoutIntervalSeconds !== undefined ? `Timeout interval: ${a.timeoutIntervalSeconds} s` : undefined, `DeviceID: ${a.deviceId}`].filter(Boolean).join('\n'),
        icon: a.state === 8 ? 'warning' : a.state === 4 ? 'pass' : 'person',
        ...(a.state === 8 ? { iconColor: 'errorForeground' } : a.state === 4 ? { iconColor: 'testing.iconPassed' } : {}),
        collapsible: 'none',
        contextValue: 'amt.agent',
        data: { kind: 'agent', targetId, agent: a.agent },
      }),
    );
    if (rows.length === 0) rows.push(infoNode(`${base}/none`, 'No agents', { icon: 'circle-outline', description: 'register one to watch its presence', targetId }));
    return [...rows, register];
  }

  private eventRows(targetId: string): TreeNode[] {
    const base = `watchdog:${targetId}/events`;
    const rows: TreeNode[] = [];
    if (!this.store.subscription(targetId)) {
      rows.push({
        id: `${base}/subscribe`,
        label: 'Subscribe to events',
        icon: 'bell',
        tooltip: 'Subscribe the device to the backend\'s event listener; events then appear here as they happen',
        collapsible: 'none',
        contextValue: 'amt.watchdog.action',
        command: { id: 'amt.events.subscribe', title: 'Subscribe to Events', args: [targetId] },
        data: { kind: 'watchdog', targetId, section: 'events' },
      });
    }
    const events = this.store.eventsOf(targetId);
    events.forEach((e, i) => {
      const ev = e.event;
      const time = ev.time ? ev.time.replace('T', ' ').replace(/(\.\d+)?Z$/, 'Z') : new Date(e.receivedAt).toLocaleTimeString();
      rows.push(
        infoNode(`${base}/${events.length - i}`, ev.text || ev.messageId, {
          description: `${time} · ${ev.severityLabel} · ${ev.messageId}`,
          tooltip: [ev.text, `${ev.messageId} · ${ev.severityLabel}`, ev.time, ev.messageArguments.length ? `Arguments: ${ev.messageArguments.join(', ')}` : undefined, ev.indicationId].filter(Boolean).join('\n'),
          icon: ev.severity >= 6 ? 'warning' : 'bell-dot',
          ...(ev.severity >= 6 ? { iconColor: 'errorForeground' } : {}),
          targetId,
        }),
      );
    });
    if (events.length === 0 && this.store.subscription(targetId)) rows.push(infoNode(`${base}/none`, 'No events yet', { icon: 'circle-outline', targetId }));
    rows.push(this.section(targetId, 'eventLog'));
    return rows;
  }

  private async logRows(targetId: string): Promise<TreeNode[]> {
    const base = `watchdog:${targetId}/eventLog`;
    const records = await this.store.eventLog(targetId);
    if (records.length === 0) return [infoNode(`${base}/empty`, 'The event log is empty', { icon: 'circle-outline', targetId })];
    return eventLogRows(records, base, targetId);
  }
}
