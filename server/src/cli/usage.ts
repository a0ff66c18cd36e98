/**
 * The CLI's usage errors (code `usage`, exit status 2): one sentence saying what is wrong and
 * what to write instead. Shared by the main grammar (args.ts) and the commands that parse their
 * own arguments (agent, events, log, send, watchdog).
 */
import { AmtError, describeError } from '../errors';

export function usageError(message: string, cause?: unknown): AmtError {
  return new AmtError('usage', message, cause ? { cause } : undefined);
}

/** True for a command-line mistake, which `amtwb` reports with exit status 2. */
export function isUsageError(err: unknown): boolean {
  return err instanceof AmtError && err.code === 'usage';
}

/**
 * A usage error from what node:util parseArgs (or an argument check) threw, reworded as one
 * sentence (Node's own text is in its words, with generic advice about `--` appended); `fix` says
 * what to write instead.
 */
export function parseArgsError(err: unknown, fix: string): AmtError {
  const message = describeError(err);
  const code = (err as { code?: string } | undefined)?.code;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const option = unknown[1]!;
    // "-5" may be a value meant as a positional argument: say how to pass one.
    const dash = /^-[^-]/.test(option) ? ` (a value that starts with "-" goes after "--", as in -- ${option})` : '';
    return usageError(`${option} is not an option here${dash}; ${fix}.`, err);
  }
  const missing = /^Option '(?:-\w, )?(--?[^' ,]+)(?: <value>)?' argument missing/.exec(message);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && missing) return usageError(`${missing[1]} needs a value; ${fix}.`, err);
  const noValue = /^Option '(?:-\w, )?(--?[^' ,]+)' does not take an argument/.exec(message);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && noValue) return usageError(`${noValue[1]} takes no value; ${fix}.`, err);
  const first = message.split('\n')[0]!.trim().replace(/\.$/, '');
  return usageError(`${first}; ${fix}.`, err);
}
