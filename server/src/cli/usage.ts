/**
 * The CLI's usage errors (code `usage`, exit status 2): one sentence saying what is wrong and
 * what to write instead. Shared by the main grammar (args.ts) and the commands that parse their
 * own arguments (agent, events, log, send, watchdog).
 */
import { AmtError, describeError } from '../errors';

export function usageError(message: string, cause?: unknown): AmtError {
  return new AmtError('usage', message, cause ? { cause } : undefined);
}

/**
 * A usage error from what node:util parseArgs (or an argument check) threw: the first line of its
 * message names the problem (Node adds lines of generic advice), `fix` says what to write instead.
 */
export function parseArgsError(err: unknown, fix: string): AmtError {
  const first = describeError(err).split('\n')[0]!.trim().replace(/\.$/, '');
  return usageError(`${first}; ${fix}.`);
}
