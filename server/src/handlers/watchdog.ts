/** amt/watchdog/*: the OS watchdog of each target, driven from this machine (features/watchdog/sessions.ts). */
import { WatchdogSessions, type WatchdogSessionsOptions, type WatchdogSettings } from '../features/watchdog';
import { Notifications, WatchdogRequests } from '../protocol';
import type { HandlerHost } from './host';

export interface WatchdogHandlers {
  configure(settings: WatchdogSettings): void;
  dispose(): Promise<void>;
}

export function registerWatchdogHandlers(host: HandlerHost, options: WatchdogSessionsOptions = {}): WatchdogHandlers {
  const sessions = new WatchdogSessions({
    target: (id) => host.registry.info(id),
    simulator: (id) => host.registry.simulator(id),
    changed: (state) => host.notify(Notifications.watchdogChanged, state),
  }, options);
  host.handle(WatchdogRequests.state, (p) => sessions.state(p.targetId));
  host.handle(WatchdogRequests.arm, (p) => sessions.arm(p.targetId, p.timeoutSeconds));
  host.handle(WatchdogRequests.heartbeat, (p) => sessions.heartbeat(p.targetId));
  host.handle(WatchdogRequests.startKeepalive, (p) => sessions.startKeepalive(p.targetId, p.timeoutSeconds));
  host.handle(WatchdogRequests.stopKeepalive, (p) => sessions.stopKeepalive(p.targetId));
  host.handle(WatchdogRequests.disarm, (p) => sessions.disarm(p.targetId));
  return { configure: (s) => sessions.configure(s), dispose: () => sessions.dispose() };
}
