/**
 * The registry's `mps` kind: a device reached through Intel's MPS. WS-Man goes through MPS's
 * websocket relay to port 16992 (registry.connect builds the client on MpsClient.relayTransport);
 * redirection (SOL, IDE-R) through the relay to 16994 with MPS's credential interceptor (p=2), so
 * the log-on the session sends is replaced by the device password MPS holds (redirection.md §7.3).
 */
import type { TargetInfo } from '../protocol';
import type { RedirectionEndpoint } from './redirection';
import type { MpsTargetSpec } from './specs';

export function mpsEntryInfo(spec: MpsTargetSpec, removable: boolean): TargetInfo {
  const server = spec.server();
  const host = server.url.replace(/^https?:\/\//, '');
  const id = spec.id ?? `mps://${host}/${spec.guid}`;
  return { id, kind: 'mps', label: spec.label || `${spec.guid} (MPS ${host})`, url: `mps://${host}/${spec.guid}`, user: spec.user ?? 'admin', removable, state: 'disconnected' };
}

/** Placeholder log-on for the relay: MPS's interceptor (p=2) swaps in the device's real credentials. */
const INTERCEPTED = { user: 'admin', password: 'replaced-by-mps' };

export function mpsRedirectionEndpoint(spec: MpsTargetSpec, label: string, given?: { user: string; password: string }): RedirectionEndpoint {
  const server = spec.server();
  return {
    via: 'stream',
    label,
    route: `MPS relay ${server.url} → ${spec.guid}:16994`,
    credentials: given ?? INTERCEPTED,
    open: (signal) => server.relay(spec.guid, 16994, { mode: 'sol', ...(signal ? { signal } : {}) }),
  };
}
