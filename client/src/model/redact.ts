/**
 * Keeps passwords out of the "AMT Workbench" output channel. Every device request carries the
 * password in `credentials` (server/src/protocol.ts), and with amt.trace.server set to `verbose`
 * vscode-languageclient writes each request's params to the channel as JSON; the bodies of .wsman
 * sends and their replies can hold password elements too. The backend's own WS-Man trace is
 * redacted where it is made (server/src/wsman/redact.ts); this covers what the LSP layer writes.
 */
import { redactBody } from '../../../server/src/wsman/redact';

/** `"password": "…"` as JSON.stringify writes it (compact or indented, escapes inside the value). */
const JSON_PASSWORD = /("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** The text with JSON password values and password-like XML elements replaced by `[redacted]`. */
export function redactTrace(text: string): string {
  return redactBody(text.replace(JSON_PASSWORD, '$1"[redacted]"'));
}

/** The output channel methods whose first argument is text that ends up in the channel. */
const TEXT_METHODS = new Set(['append', 'appendLine', 'replace', 'trace', 'debug', 'info', 'warn', 'error']);

/**
 * The same output channel, with every text written to it passed through `redactTrace` first.
 * Structural, so it needs no vscode import: anything with `append`/`appendLine`/`info`… methods.
 */
export function redactingChannel<T extends object>(channel: T): T {
  return new Proxy(channel, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && TEXT_METHODS.has(prop)) {
        return (first: unknown, ...rest: unknown[]) => value.call(target, typeof first === 'string' ? redactTrace(first) : first, ...rest);
      }
      return value.bind(target);
    },
  });
}
