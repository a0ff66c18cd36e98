/**
 * What happens to an armed OS watchdog when AMT Workbench stops (deactivate), per the choice made
 * when it was armed (commands/watchdog.ts): `disarm` sends Disarm before the backend stops;
 * `warn` leaves it to the device — the backend exiting closes it, which stops the iAMT watchdog,
 * but a timeout may have passed already — logs a warning, and shows it again at the next start.
 */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { describeCountdown, formatSeconds } from './model/watchdogStore';
import { errorMessage } from './model/request';

const LEFT_ARMED = 'amt.watchdog.leftArmed';
const DISARM_TIMEOUT_MS = 3000;

/** Before the client stops: disarms or warns about every armed watchdog. Never throws. */
export async function beforeStop(ctx: Ctx): Promise<void> {
  const label = (id: string) => ctx.devices.known.find((t) => t.id === id)?.label ?? id;
  const left: string[] = [];
  await Promise.all(
    ctx.watchdog.armed().map(async (s) => {
      const who = label(s.targetId);
      if (ctx.watchdog.exitPolicy(s.targetId) === 'disarm') {
        try {
          await withTimeout(ctx.watchdog.disarm(s.targetId), DISARM_TIMEOUT_MS);
          ctx.output.info(`Disarmed the OS watchdog of ${who} because AMT Workbench is stopping.`);
        } catch (err) {
          ctx.output.warn(`Could not disarm the OS watchdog of ${who} while stopping: ${errorMessage(err)}`);
        }
      } else {
        const c = describeCountdown(ctx.watchdog.countdown(s.targetId));
        ctx.output.warn(`AMT Workbench stops with the OS watchdog of ${who} armed (${c}); the backend closing the device stops it.`);
        left.push(`${who} (timeout ${formatSeconds(s.timeoutSeconds ?? 0)}, ${c} when AMT Workbench stopped)`);
      }
    }),
  );
  if (left.length > 0) await Promise.resolve(ctx.extension.globalState.update(LEFT_ARMED, left)).catch(() => undefined);
}

/** At start: says so when the last session stopped with a watchdog armed (the "warn" choice). */
export function warnIfLeftArmed(ctx: Ctx): void {
  const left = ctx.extension.globalState.get<string[]>(LEFT_ARMED);
  if (!left?.length) return;
  void ctx.extension.globalState.update(LEFT_ARMED, undefined);
  void vscode.window.showWarningMessage(
    `AMT Workbench last stopped with the OS watchdog armed: ${left.join('; ')}. Closing the device stopped it, but if its timeout had passed AMT logged an OS hang: see Events → Event log in the Watchdog view.`,
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}
