/**
 * How every custom request is served (main.ts and the wsman language in index.ts): the client's
 * cancellation becomes an AbortSignal, and whatever is thrown reaches the client as one sentence
 * (describeError) plus a machine-readable code in ResponseError.data, so it can react (e.g. ask
 * for a password on `auth.missing`).
 */
import { ResponseError, type CancellationToken, type Connection, type RequestType } from 'vscode-languageserver/node';
import { AmtError, describeError } from '../errors';
import type { ErrorData } from '../protocol';

export type RequestHandler<P, R> = (params: P, signal: AbortSignal) => Promise<R> | R;

export function handleRequest<P, R>(connection: Connection, type: RequestType<P, R, void>, fn: RequestHandler<P, R>): void {
  connection.onRequest(type, async (params: P, token: CancellationToken) => {
    try {
      return await fn(params, signalOf(token));
    } catch (err) {
      return new ResponseError<ErrorData>(1, describeError(err), { code: err instanceof AmtError ? err.code : 'internal' });
    }
  });
}

/** An AbortSignal that fires when the client cancels the request. */
function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
