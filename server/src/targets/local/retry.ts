/**
 * The one place that decides what happens to a WS-Man request when the firmware resets under it
 * (the APF session dies with ENODEV from the MEI device):
 *
 * - what wsman/replay.ts says may be resent — Identify, Get, Enumerate, Pull, Release (and
 *   enumerateAll, a walk of them) — is sent once more on a fresh session, whether the reset came
 *   during the request or while its APF channel was opening;
 * - everything else (Put, Invoke, Create, Delete, Subscribe, …, and raw envelopes with any other
 *   Action) is NOT repeated: the firmware may have applied it before it reset, and doing it twice
 *   can be wrong (a second power cycle). The caller gets `local.reset` saying exactly that.
 *
 * The result looks like a WsmanClient. Each session gets its own WsmanClient over a transport bound
 * to that session (transport.ts says why), so nothing below this file can resend on its own.
 */
import { AmtError } from '../../errors';
import type { ApfSession } from '../../apf';
import { WsmanClient } from '../../wsman/client';
import { classNameFromUri, resourceUriFor } from '../../wsman/namespaces';
import { mayHaveBeenApplied, mayResend, operationOfEnvelope, type WsmanOperation } from '../../wsman/replay';

export interface SessionClients {
  /** The live session; starts a new one after the previous ended. */
  session(signal?: AbortSignal): Promise<ApfSession>;
  /** A client bound to `session` (with fresh credentials when they come from the firmware). */
  client(session: ApfSession, signal?: AbortSignal): Promise<WsmanClient>;
  /** Whether `session` ended by itself (firmware reset, ME gone), not by our close(). */
  lost(session: ApfSession): boolean;
  /** Told when a request is sent again after a reset. */
  onRetry?(what: string): void;
}

/** WsmanClient methods by the operation they send (enumerateAll: Enumerate, then Pulls). */
const OPERATION: Record<string, WsmanOperation> = {
  identify: 'Identify', get: 'Get', put: 'Put', create: 'Create', delete: 'Delete', enumerate: 'Enumerate',
  pull: 'Pull', release: 'Release', enumerateAll: 'Enumerate', invoke: 'Invoke', subscribe: 'Subscribe',
  unsubscribe: 'Unsubscribe', renew: 'Renew',
};

interface Bound {
  session: ApfSession;
  client: Promise<WsmanClient>;
}

export function resetTolerantClient(source: SessionClients): WsmanClient {
  let bound: Bound | undefined;
  let last: WsmanClient | undefined;
  let closed = false;

  const current = async (signal?: AbortSignal): Promise<{ b: Bound; client: WsmanClient }> => {
    if (closed) throw new AmtError('target.disposed', 'This connection to the local AMT has been closed; connect again.');
    const session = await source.session(signal);
    if (!bound || bound.session !== session) {
      const previous = bound;
      const b: Bound = { session, client: source.client(session, signal) };
      b.client.catch(() => {
        if (bound === b) bound = undefined; // e.g. the account could not be read: try again next time
      });
      bound = b;
      void previous?.client.then((c) => c.close()).catch(() => undefined);
    }
    const b = bound;
    const client = await b.client;
    last = client;
    return { b, client };
  };

  const run = async (method: string, args: unknown[]): Promise<unknown> => {
    const signal = signalOf(args);
    const operation = operationOf(method, args);
    const readOnly = mayResend(operation);
    for (let attempt = 0; ; attempt++) {
      const { b, client } = await current(signal);
      try {
        return await (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args);
      } catch (err) {
        const code = err instanceof AmtError ? err.code : '';
        if (!source.lost(b.session) || code === 'cancelled' || signal?.aborted) throw err;
        const what = describe(method, args);
        if (readOnly && attempt === 0) {
          source.onRetry?.(`${what}: the firmware reset during the request; sending it again on a new session`);
          continue;
        }
        if (readOnly) {
          throw new AmtError('local.reset', `${what} failed: the firmware reset during the request and again during its retry; wait until the ME has settled and try again.`, { cause: err });
        }
        throw new AmtError('local.reset', `${what} was not repeated: the firmware reset during the request, so ${mayHaveBeenApplied(operation)}.`, { cause: err });
      }
    }
  };

  const proxy = new Proxy({} as WsmanClient, {
    get(_target, prop) {
      if (prop === 'close') {
        return () => {
          closed = true;
          void bound?.client.then((c) => c.close()).catch(() => undefined);
          bound = undefined;
        };
      }
      if (prop === 'serverHeader') return last?.serverHeader;
      const member = typeof prop === 'string' ? (WsmanClient.prototype as unknown as Record<string, unknown>)[prop] : undefined;
      if (typeof member !== 'function' || prop === 'constructor') return undefined;
      return (...args: unknown[]) => run(prop as string, args);
    },
  });
  return proxy;
}

function operationOf(method: string, args: unknown[]): WsmanOperation {
  if (method === 'sendRaw') return operationOfEnvelope(String(args[0] ?? ''));
  return OPERATION[method] ?? 'request';
}

/** `Get AMT_GeneralSettings`, `Invoke CIM_PowerManagementService.RequestPowerStateChange`. */
function describe(method: string, args: unknown[]): string {
  if (method === 'sendRaw') return 'The request';
  const op = OPERATION[method] ?? method;
  if (method === 'identify' || typeof args[0] !== 'string') return op;
  const cls = classNameFromUri(resourceUriFor(args[0]));
  return method === 'invoke' && typeof args[1] === 'string' ? `${op} ${cls}.${args[1]}` : `${op} ${cls}`;
}

/** The CallOptions signal, which every WsmanClient method takes as its last argument. */
function signalOf(args: unknown[]): AbortSignal | undefined {
  const last = args[args.length - 1] as { signal?: unknown } | undefined;
  return last && typeof last === 'object' && last.signal instanceof AbortSignal ? last.signal : undefined;
}
