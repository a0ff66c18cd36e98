/**
 * Host power of each device: the last state read (shared by the Power view, the Devices view and
 * the status bar) and the actions. Confirmation is the caller's job (a modal naming the device).
 */
import { Requests, type PowerAction, type PowerActionResult, type PowerStateResult, type TargetInfo } from '../../../server/src/protocol';
import { Emitter, errorCode, errorMessage, type Request } from './request';
import type { TreeModel, TreeNode } from './tree';
import { sectionChildren, sectionRoots, type BootStore } from './bootTree';

export const POWER_ACTIONS: readonly { action: PowerAction; label: string; icon: string; detail: string }[] = [
  { action: 'on', label: 'Power on', icon: 'debug-start', detail: 'turns the host on' },
  { action: 'off', label: 'Power off', icon: 'debug-stop', detail: 'cuts the host off at once, without asking the OS (data not saved is lost)' },
  { action: 'reset', label: 'Reset', icon: 'debug-restart', detail: 'resets the host at once, without asking the OS' },
  { action: 'cycle', label: 'Power cycle', icon: 'sync', detail: 'turns the host off and on again, without asking the OS' },
  { action: 'soft-off', label: 'Soft off', icon: 'debug-disconnect', detail: 'asks the OS to shut down (needs the OS and AMT 9.0+)' },
  { action: 'soft-reset', label: 'Soft reset', icon: 'refresh', detail: 'asks the OS to restart (needs the OS and AMT 9.0+)' },
];

export function actionLabel(action: PowerAction): string {
  return POWER_ACTIONS.find((a) => a.action === action)?.label ?? action;
}

/** A failed read; `wrongPassword` when the device refused the password (the view then offers to enter it). */
export type PowerReading = { state: PowerStateResult; at: number } | { error: string; at: number; wrongPassword?: boolean };

/** What the views show for a device whose password the device refused. */
export const WRONG_PASSWORD = 'wrong password — enter it again';

/** Error codes that mean the password was refused (now, or earlier and so not sent again). */
export function isWrongPassword(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'auth.failed' || code === 'auth.rejected';
}

export class PowerStore {
  private readonly readings = new Map<string, PowerReading>();
  private readonly changed = new Emitter<string>();
  /** Fires with the target id whose reading changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly request: Request) {}

  get(targetId: string): PowerReading | undefined {
    return this.readings.get(targetId);
  }

  /** Reads the power state; a failure is kept as the reading (and thrown). */
  async refresh(targetId: string): Promise<PowerStateResult> {
    try {
      const state = await this.request(Requests.powerState, { targetId });
      this.set(targetId, { state: { powerState: state.powerState, label: state.label }, at: Date.now() });
      return state;
    } catch (err) {
      this.set(targetId, { error: errorMessage(err), at: Date.now(), ...(isWrongPassword(err) ? { wrongPassword: true } : {}) });
      throw err;
    }
  }

  /**
   * Runs an action; the device's new state (when it reports one) becomes the reading. A refusal
   * re-reads the state (it is usually stale) and is worded for the editor, not the CLI.
   */
  async run(targetId: string, action: PowerAction): Promise<PowerActionResult> {
    let result: PowerActionResult;
    try {
      result = await this.request(Requests.powerAction, { targetId, action });
    } catch (err) {
      if (errorCode(err) !== 'power.refused') throw err;
      const now = await this.refresh(targetId).catch(() => undefined);
      throw new Error(editorWording(errorMessage(err), now));
    }
    if (result.powerState) this.set(targetId, { state: result.powerState, at: Date.now() });
    else await this.refresh(targetId).catch(() => undefined);
    return result;
  }

  private set(targetId: string, reading: PowerReading): void {
    const before = this.readings.get(targetId);
    this.readings.set(targetId, reading);
    if (!before || describeReading(before) !== describeReading(reading)) this.changed.fire(targetId);
  }
}

/**
 * A power refusal in the editor's words: the CLI's advice (`check "power status"`) gives way to the
 * state just read, which the Power view and the status bar now show too.
 */
export function editorWording(message: string, now: PowerStateResult | undefined): string {
  if (!/"power status"/.test(message)) return message;
  const head = message.replace(/;[^;]*$/, '').replace(/\.$/, '');
  return now ? `${head}; the host is ${now.label} (${now.powerState}) now.` : `${head}; refresh the Power view to see the host's state.`;
}

/** `On (2)`, or the error sentence (`wrong password — enter it again` when the password was refused). */
export function describeReading(r: PowerReading | undefined): string {
  if (!r) return 'not read yet';
  if ('state' in r) return `${r.state.label} (${r.state.powerState})`;
  return r.wrongPassword ? WRONG_PASSWORD : r.error;
}

/**
 * The Power view's poll: reads the selected device's state while the view is visible, and stops
 * while the device has refused its password — each read would be another failed log-on towards
 * AMT's lock-out — until the user enters another one.
 */
export class PowerPoller {
  constructor(
    private readonly store: PowerStore,
    private readonly selected: () => TargetInfo | undefined,
    private readonly visible: () => boolean,
  ) {}

  /** Whether a poll now would read the device. */
  due(): boolean {
    const t = this.selected();
    if (!t || !this.visible()) return false;
    const reading = this.store.get(t.id);
    return t.state !== 'wrong-password' && !(reading && 'error' in reading && reading.wrongPassword);
  }

  tick(): void {
    const t = this.selected();
    if (t && this.due()) void this.store.refresh(t.id).catch(() => undefined);
  }
}

/** The Power view: the selected device's state, then one row per action. */
export class PowerTree implements TreeModel {
  private readonly changed = new Emitter<TreeNode | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: PowerStore,
    private readonly selected: () => { id: string; label: string } | undefined,
    /** The Boot and Redirection sections (model/bootTree.ts), when given. */
    private readonly boot?: BootStore,
  ) {
    store.onDidChange((id) => {
      if (id === this.selected()?.id) this.changed.fire(undefined);
    });
    boot?.onDidChange((id) => {
      if (id === this.selected()?.id) this.changed.fire(undefined);
    });
  }

  /** The selected device changed. */
  selectionChanged(): void {
    this.changed.fire(undefined);
  }

  async roots(): Promise<TreeNode[]> {
    const target = this.selected();
    if (!target) return [];
    let reading = this.store.get(target.id);
    if (!reading) {
      await this.store.refresh(target.id).catch(() => undefined);
      reading = this.store.get(target.id);
    }
    const failed = reading !== undefined && 'error' in reading;
    if (reading && 'error' in reading && reading.wrongPassword) {
      // No power rows until the password is entered again: each action would be refused too.
      return [{
        id: `power:${target.id}/password`,
        label: `${target.label}: ${WRONG_PASSWORD}`,
        tooltip: `${reading.error}\nClick to enter the password; the view reads the device again once it is accepted.`,
        icon: 'key',
        iconColor: 'errorForeground',
        collapsible: 'none',
        contextValue: 'amt.power.wrongPassword',
        command: { id: 'amt.enterPassword', title: 'Enter Password', args: [target.id] },
        data: { kind: 'power', targetId: target.id },
      }];
    }
    const state: TreeNode = {
      id: `power:${target.id}/state`,
      label: failed ? 'Power state unknown' : `Power: ${describeReading(reading)}`,
      tooltip: failed ? describeReading(reading) : `Host power state of ${target.label}, read ${new Date(reading!.at).toLocaleTimeString()}`,
      icon: failed ? 'error' : 'zap',
      ...(failed ? { iconColor: 'errorForeground' } : {}),
      collapsible: 'none',
      contextValue: 'amt.powerState',
      data: { kind: 'power', targetId: target.id },
    };
    const actions = POWER_ACTIONS.map(
      (a): TreeNode => ({
        id: `power:${target.id}/${a.action}`,
        label: a.label,
        tooltip: `${a.label}: ${a.detail}`,
        icon: a.icon,
        collapsible: 'none',
        contextValue: 'amt.powerAction',
        command: { id: 'amt.power.action', title: a.label, args: [target.id, a.action] },
        data: { kind: 'powerAction', targetId: target.id, action: a.action },
      }),
    );
    return [state, ...actions, ...(this.boot ? sectionRoots(target.id) : [])];
  }

  async children(node: TreeNode): Promise<TreeNode[]> {
    return (this.boot && (await sectionChildren(this.boot, node))) ?? [];
  }
}
