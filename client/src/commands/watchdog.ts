/**
 * Watchdog view commands: arm (timeout validated 120..65535, confirmed in a modal that also asks
 * what to do if AMT Workbench stops while it is armed), heartbeat now, keep heartbeating (every
 * timeout/2, like LMS), stop heartbeating (confirmed: it leaves the watchdog armed), disarm,
 * register and assert agents, subscribe to and unsubscribe from events.
 *
 * Rows pass the device id; view-title buttons and the palette pass nothing (the selected device)
 * or a row.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TargetInfo, WatchdogState } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { errorMessage } from '../model/request';
import type { TreeNode } from '../model/tree';
import { describeCountdown, formatSeconds, timeoutProblem, WATCHDOG_TIMEOUT } from '../model/watchdogStore';
import { targetOf } from './devices';

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

export function watchdogCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = (id: string, fn: (arg?: string | TreeNode) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (arg?: string | TreeNode) => {
      try {
        await fn(arg);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    });

  /** The device of a row or id; without one, the device the Watchdog view shows. */
  const deviceFor = async (arg: string | TreeNode | undefined): Promise<TargetInfo | undefined> => {
    if (typeof arg === 'string') return ctx.target(arg);
    if (arg && typeof arg === 'object' && 'data' in arg) return targetOf(ctx, arg, () => true, 'Which device?');
    return ctx.selected();
  };

  /** The device's watchdog state, read if not known; undefined (after saying why) when it has none. */
  const usable = async (target: TargetInfo): Promise<WatchdogState | undefined> => {
    const state = ctx.watchdog.get(target.id) ?? (await ctx.watchdog.refresh(target.id));
    if (!state.available) {
      void vscode.window.showErrorMessage(state.reason ?? `No iAMT watchdog on this machine for ${target.label}.`);
      return undefined;
    }
    return state;
  };

  const askTimeout = (target: TargetInfo, state: WatchdogState, purpose: string) =>
    vscode.window.showInputBox({
      title: `${purpose}: OS watchdog of ${target.label}`,
      prompt: `Timeout in seconds, ${WATCHDOG_TIMEOUT.min} to ${WATCHDOG_TIMEOUT.max}: the watchdog fires when no heartbeat comes for this long`,
      value: String(state.timeoutSeconds ?? WATCHDOG_TIMEOUT.default),
      ignoreFocusOut: true,
      validateInput: timeoutProblem,
    });

  const wallNote = (state: WatchdogState, seconds: number) =>
    state.timeScale !== 1 ? ` (${formatSeconds(seconds / state.timeScale)} of wall time: the simulator's firmware clock runs ${state.timeScale}× faster)` : '';

  return [
    reg('amt.watchdog.arm', async (arg) => {
      const target = await deviceFor(arg);
      const state = target && (await usable(target));
      if (!target || !state) return;
      const text = await askTimeout(target, state, 'Arm');
      if (text === undefined) return;
      const timeout = Number(text.trim());
      const answer = await vscode.window.showWarningMessage(
        `Arm the OS watchdog of ${target.label} with a ${formatSeconds(timeout)} timeout?`,
        {
          modal: true,
          detail:
            `Unless heartbeats follow (Heartbeat Now, Keep Heartbeating, or software on the host), it fires in ${formatSeconds(timeout)}${wallNote(state, timeout)}: ` +
            'AMT logs an OS hang, tells event subscribers, and resets the host if its watchdog action says so.\n\n' +
            'If AMT Workbench stops while it is armed: "Arm" disarms it first; "Arm, Only Warn on Exit" leaves it to the device ' +
            '(closing the device stops the iAMT watchdog) and warns you when AMT Workbench starts again.',
        },
        'Arm',
        'Arm, Only Warn on Exit',
      );
      if (!answer) return;
      await ctx.watchdog.arm(target.id, timeout, answer === 'Arm' ? 'disarm' : 'warn');
    }),

    reg('amt.watchdog.heartbeat', async (arg) => {
      const target = await deviceFor(arg);
      if (target && (await usable(target))) await ctx.watchdog.heartbeat(target.id);
    }),

    reg('amt.watchdog.keepalive', async (arg) => {
      const target = await deviceFor(arg);
      const state = target && (await usable(target));
      if (!target || !state) return;
      let timeout: number | undefined;
      if (!state.armed) {
        const text = await askTimeout(target, state, 'Keep heartbeating');
        if (text === undefined) return;
        timeout = Number(text.trim());
      }
      const now = await ctx.watchdog.startKeepalive(target.id, timeout);
      void vscode.window.showInformationMessage(
        `Heartbeating the OS watchdog of ${target.label} every ${formatSeconds(now.keepaliveIntervalSeconds ?? 0)} (timeout ${formatSeconds(now.timeoutSeconds ?? 0)}).`,
      );
    }),

    reg('amt.watchdog.stopKeepalive', async (arg) => {
      const target = await deviceFor(arg);
      const state = target && (await usable(target));
      if (!target || !state) return;
      if (!state.armed || !state.keepalive) {
        await ctx.watchdog.stopKeepalive(target.id);
        return;
      }
      const c = ctx.watchdog.countdown(target.id);
      const when = c.kind === 'armed' ? `it ${describeCountdown(c)} unless heartbeats come from elsewhere` : `its timeout has passed already (it ${describeCountdown(c)})`;
      const answer = await vscode.window.showWarningMessage(
        `Stop heartbeating the OS watchdog of ${target.label}?`,
        {
          modal: true,
          detail: `Stopping only the heartbeats leaves it armed: ${when}, and AMT then logs an OS hang (and resets the host if its watchdog action says so).`,
        },
        'Stop and Disarm',
        'Stop, Keep Armed',
      );
      if (answer === 'Stop and Disarm') await ctx.watchdog.disarm(target.id);
      else if (answer === 'Stop, Keep Armed') await ctx.watchdog.stopKeepalive(target.id);
    }),

    reg('amt.watchdog.disarm', async (arg) => {
      const target = await deviceFor(arg);
      if (target && (await usable(target))) await ctx.watchdog.disarm(target.id);
    }),

    reg('amt.watchdog.refresh', async (arg) => {
      const target = await deviceFor(arg);
      if (!target) return;
      await ctx.watchdog.refresh(target.id);
      ctx.watchdog.invalidate(target.id);
    }),

    reg('amt.agents.register', async (arg) => {
      const target = await deviceFor(arg);
      if (!target) return;
      const agent = await vscode.window.showInputBox({
        title: `Register an agent on ${target.label} (1/2)`,
        prompt: "The agent's GUID (a new one is suggested); its presence watchdog is created when missing",
        value: randomUUID(),
        ignoreFocusOut: true,
        validateInput: (v) => (!GUID.test(v.trim()) ? 'Give a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301' : /^[{]?[0-]+[}]?$/.test(v.trim()) ? 'AMT refuses the all-zero GUID' : undefined),
      });
      if (!agent) return;
      const timeout = await vscode.window.showInputBox({
        title: `Register an agent on ${target.label} (2/2)`,
        prompt: 'Seconds between presence asserts before AMT calls the agent expired (used when its watchdog is created)',
        value: '120',
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) <= 65535 ? undefined : 'Give whole seconds, 1 to 65535'),
      });
      if (timeout === undefined) return;
      const guid = agent.trim().replace(/^\{|\}$/g, '');
      const r = await ctx.watchdog.registerAgent(target.id, guid, Number(timeout));
      void vscode.window.showInformationMessage(
        `Registered agent ${guid} on ${target.label}: session sequence number ${r.sessionSequenceNumber}, assert presence at least every ${formatSeconds(r.timeoutIntervalSeconds)}.`,
      );
    }),

    reg('amt.agents.assert', (arg) => assertAgent(ctx, arg, false)),
    reg('amt.agents.assertShutdown', (arg) => assertAgent(ctx, arg, true)),

    reg('amt.events.subscribe', async (arg) => {
      const target = await deviceFor(arg);
      if (!target) return;
      const stream = await ctx.watchdog.subscribe(target.id);
      void vscode.window.setStatusBarMessage(`AMT: ${target.label} sends its events to ${stream.notifyTo}`, 5000);
    }),

    reg('amt.events.unsubscribe', async (arg) => {
      const target = await deviceFor(arg);
      if (target) await ctx.watchdog.unsubscribe(target.id);
    }),
  ];

  async function assertAgent(c: Ctx, arg: string | TreeNode | undefined, shutdown: boolean): Promise<void> {
    let agent = typeof arg === 'object' && arg.data.kind === 'agent' ? arg.data.agent : undefined;
    const target = await deviceFor(arg);
    if (!target) return;
    if (!agent) {
      const agents = await c.watchdog.agents(target.id);
      if (agents.length === 0) {
        void vscode.window.showInformationMessage(`${target.label} has no agents; register one first ("AMT: Register Agent…").`);
        return;
      }
      agent = agents.length === 1 ? agents[0]!.agent : (await vscode.window.showQuickPick(agents.map((a) => ({ label: a.agent, description: a.stateLabel }))))?.label;
      if (!agent) return;
    }
    const seq = await c.watchdog.assertAgent(target.id, agent, shutdown);
    vscode.window.setStatusBarMessage(`AMT: ${shutdown ? 'AssertShutdown' : 'AssertPresence'} for ${agent} on ${target.label} (sequence ${seq})`, 5000);
  }
}
