/**
 * What every handler module is given: `handle` registers a request (main.ts passes the one
 * wrapper that turns the client's cancellation into an AbortSignal and any error into a
 * one-sentence ResponseError with its code), `notify` sends a notification, and the target
 * registry resolves a device's WS-Man client. Handlers hold no logic of their own: each maps a
 * protocol request onto feature functions.
 */
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from '../protocol';
import type { TargetRegistry } from '../targets/registry';
import type { WsmanClient } from '../wsman/client';

export interface HandlerHost {
  handle<P, R>(type: RequestType<P, R, void>, fn: (params: P, signal: AbortSignal) => Promise<R> | R): void;
  notify<P>(type: NotificationType<P>, params: P): void;
  /** Receives a notification from the client (SOL keystrokes); absent where nothing sends any. */
  onNotification?<P>(type: NotificationType<P>, fn: (params: P) => void): void;
  registry: Pick<TargetRegistry, 'connect' | 'info' | 'list' | 'add' | 'remove' | 'simulator'> & Partial<Pick<TargetRegistry, 'redirectionEndpoint'>>;
}

/** The device's client for a request that names a target (and maybe credentials). */
export function clientFor(host: HandlerHost, p: TargetParams, signal: AbortSignal): Promise<WsmanClient> {
  return host.registry.connect(p.targetId, p.credentials, signal);
}
