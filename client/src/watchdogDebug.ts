/**
 * Debug-aware watchdog mode: a debug adapter tracker on every debug type watches the debuggee
 * stop (`stopped`) and run again (`continued`, or a request that resumes it), and feeds that to
 * PausePolicy (model/watchdogPause.ts), which warns, keeps the watchdog alive, or disarms it while
 * paused per `amt.watchdog.whilePaused`. While paused with an armed watchdog, a status-bar item
 * counts down ("AMT watchdog fires in N s"), redrawn every second.
 *
 * A step resumes the debuggee only for a moment: a resume is acted on after a short grace period,
 * so stepping through code does not disarm and re-arm (or start and stop the keepalive) each step.
 */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { readConfig } from './config';
import { errorMessage } from './model/request';
import { PausePolicy, RESUMING_REQUESTS } from './model/watchdogPause';

const RESUME_GRACE_MS = 600;

interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
}

export function registerWatchdogDebug(ctx: Ctx): vscode.Disposable[] {
  const label = (id: string) => ctx.devices.known.find((t) => t.id === id)?.label ?? id;
  const policy = new PausePolicy(ctx.watchdog, () => readConfig().watchdogWhilePaused, label);
  const item = vscode.window.createStatusBarItem('amt.watchdog.debug', vscode.StatusBarAlignment.Left, 9);
  item.name = 'AMT Watchdog while debugging';
  item.command = 'amt.watchdog.focus';

  const render = () => {
    const status = policy.status();
    if (!status) {
      item.hide();
      return;
    }
    item.text = `$(${status.urgent ? 'watch' : 'shield'}) ${status.text}`;
    item.tooltip = `${status.tooltip}\n\nThe debugger is paused. Click to open the Watchdog view.`;
    item.backgroundColor = status.urgent ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };

  let timer: NodeJS.Timeout | undefined;
  const updateTimer = (paused: boolean) => {
    if (paused && !timer) timer = setInterval(render, 1000);
    if (!paused && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    render();
  };

  const report = (problems: string[]) => {
    if (problems.length > 0) void vscode.window.showErrorMessage(`AMT watchdog while debugging: ${problems.join(' ')}`);
  };

  const warnOnce = async () => {
    const status = policy.status();
    if (readConfig().watchdogWhilePaused !== 'warn' || !status?.urgent) return;
    const answer = await vscode.window.showWarningMessage(
      `Debugger paused: the ${status.text}, and nothing heartbeats it while the debuggee is stopped.`,
      'Heartbeat Now',
      'Keep Heartbeating',
    );
    const armed = ctx.watchdog.armed().filter((s) => !s.keepalive);
    try {
      if (answer === 'Heartbeat Now') await Promise.all(armed.map((s) => ctx.watchdog.heartbeat(s.targetId)));
      if (answer === 'Keep Heartbeating') await Promise.all(armed.map((s) => ctx.watchdog.startKeepalive(s.targetId)));
    } catch (err) {
      void vscode.window.showErrorMessage(errorMessage(err));
    }
  };

  const resumes = new Map<string, NodeJS.Timeout>();
  const stopped = (sessionId: string) => {
    const pending = resumes.get(sessionId);
    if (pending) {
      // Stopped again right after a step: still the same pause.
      clearTimeout(pending);
      resumes.delete(sessionId);
      return;
    }
    void policy.stopped(sessionId).then((problems) => {
      report(problems);
      void warnOnce();
    });
  };
  const resumed = (sessionId: string, now = false) => {
    if (resumes.has(sessionId) && !now) return;
    const run = () => {
      resumes.delete(sessionId);
      void policy.continued(sessionId).then(report);
    };
    if (now) {
      const pending = resumes.get(sessionId);
      if (pending) clearTimeout(pending);
      run();
    } else resumes.set(sessionId, setTimeout(run, RESUME_GRACE_MS));
  };

  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (m: DapMessage) => {
        if (m?.type !== 'event') return;
        if (m.event === 'stopped') stopped(session.id);
        else if (m.event === 'continued') resumed(session.id);
      },
      onWillReceiveMessage: (m: DapMessage) => {
        if (m?.type === 'request' && m.command && RESUMING_REQUESTS.has(m.command)) resumed(session.id);
      },
      onWillStopSession: () => resumed(session.id, true),
      onExit: () => resumed(session.id, true),
    }),
  });

  const subs = [policy.onDidChangePaused(updateTimer), ctx.watchdog.onDidChange(render)];
  return [
    item,
    tracker,
    new vscode.Disposable(() => {
      if (timer) clearInterval(timer);
      for (const t of resumes.values()) clearTimeout(t);
      subs.forEach((s) => s.dispose());
    }),
  ];
}
