/**
 * Every protocol request the backend serves, registered on one host (main.ts gives it the LSP
 * connection; tests give it a stand-in). The wsman language's requests are lsp/'s own.
 */
import { Catalog } from '../catalog/catalog';
import type { InitializationOptions } from '../protocol';
import { registerActivationHandlers } from './activation';
import { registerAgentHandlers } from './agents';
import { registerBootHandlers } from './boot';
import { registerEventHandlers } from './events';
import type { HandlerHost } from './host';
import { registerInstanceHandlers } from './instances';
import { registerLogHandlers } from './log';
import { registerDefenseHandlers } from './defense';
import { registerAuditLogHandlers } from './auditlog';
import { registerPowerHandlers } from './power';
import { registerRedirectionHandlers } from './redirection';
import { registerKvmHandlers } from './kvm';
import { registerAccountHandlers } from './accounts';
import { registerNetworkHandlers } from './network';
import { registerSnapshotHandlers } from './snapshot';
import { registerTargetHandlers } from './targets';
import { registerWatchdogHandlers } from './watchdog';
import { registerFleetHandlers } from './fleet';
import { registerOverviewHandlers } from './overview';
import { registerHardwareHandlers } from './hardware';
import { registerStorageHandlers } from './storage';
import type { WatchdogSessionsOptions } from '../features/watchdog';

export type { HandlerHost } from './host';

export interface Handlers {
  /** Applies the initializationOptions the handlers read (the watchdog device, the simulator's time scale). */
  configure(options: InitializationOptions): void;
  /** Stops keepalive loops and event streams, disarms and closes watchdogs. */
  dispose(): Promise<void>;
}

export function registerHandlers(host: HandlerHost, options: { catalog?: Catalog; watchdog?: WatchdogSessionsOptions } = {}): Handlers {
  const catalog = options.catalog ?? Catalog.default();
  registerTargetHandlers(host, catalog);
  registerInstanceHandlers(host, catalog);
  registerPowerHandlers(host);
  registerLogHandlers(host);
  registerDefenseHandlers(host);
  registerAuditLogHandlers(host);
  registerAgentHandlers(host);
  registerBootHandlers(host);
  const events = registerEventHandlers(host);
  const watchdog = registerWatchdogHandlers(host, options.watchdog);
  const redirection = registerRedirectionHandlers(host);
  registerKvmHandlers(host);
  registerFleetHandlers(host);
  registerActivationHandlers(host);
  registerAccountHandlers(host);
  registerNetworkHandlers(host);
  registerOverviewHandlers(host);
  registerHardwareHandlers(host);
  registerStorageHandlers(host);
  registerSnapshotHandlers(host, catalog);
  return {
    configure(o) {
      watchdog.configure({
        ...(typeof o.watchdogDevice === 'string' ? { watchdogDevice: o.watchdogDevice } : {}),
        ...(typeof o.simulatorTimeScale === 'number' ? { simulatorTimeScale: o.simulatorTimeScale } : {}),
      });
    },
    async dispose() {
      await Promise.allSettled([events.dispose(), watchdog.dispose(), redirection.dispose()]);
    },
  };
}
