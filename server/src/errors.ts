/**
 * The one error shape the backend uses. Inner code throws these; only the edges (CLI, LSP
 * handlers, tree views) turn them into text. `message` is one sentence naming the cause and the fix.
 */
export class AmtError extends Error {
  /** Stable machine-readable code, e.g. `auth.failed`, `wsman.fault`, `timeout`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AmtError';
    this.code = code;
  }
}

/** Turns anything thrown into a one-line message for a user. */
export function describeError(err: unknown): string {
  if (err instanceof AmtError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
