/** node:util parseArgs for a command that parses its own arguments, with Node's errors reworded as one usage sentence ending in `fix`. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseArgsError } from './usage';

export function parseOwnArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O, fix: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw parseArgsError(err, fix);
  }
}
