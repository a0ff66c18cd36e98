/**
 * How the vscode-free models reach the backend: one function that sends a request. The extension
 * passes Ctx.request (which attaches the device's credentials); the tests pass a JSON-RPC
 * connection to the real backend.
 */
import type { RequestType } from 'vscode-languageserver-protocol';

export type Request = <P, R>(type: RequestType<P, R, void>, params: P) => Promise<R>;

/** The one sentence the backend put in a failed request (ResponseError.message), or the error's text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return String(err);
}

/** The machine-readable code the backend put in ResponseError.data (`auth.missing`, `wsman.fault`, …). */
export function errorCode(err: unknown): string | undefined {
  const data = (err as { data?: { code?: unknown } } | undefined)?.data;
  return typeof data?.code === 'string' ? data.code : undefined;
}

/** A tiny event: the models are vscode-free, so they cannot use vscode.EventEmitter. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
}
