/**
 * Asking a terminal user for a secret, or a yes/no, without the secret ever being shown: raw mode,
 * nothing echoed (not even asterisks), Enter ends, Ctrl-C or Ctrl-D cancels. Node's readline has
 * no hidden input, and the small packages that add one are not among the dependencies.
 */
import { createInterface } from 'node:readline/promises';
import { usageError } from './usage';

/** Reads one line from the terminal without echo; a usage error when stdin is not a terminal. */
export async function readHidden(prompt: string, fix: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw usageError(`A password is needed and this input is not a terminal to ask on; ${fix}.`);
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            return resolve(text);
          }
          if (ch === '\u0003' || ch === '\u0004') {
            stdin.off('data', onData);
            return reject(usageError('The password prompt was cancelled; nothing was sent to the device.'));
          }
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
          else text += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/** A password from the environment variable `envName` when given, else asked twice on the terminal. */
export async function newPassword(envName: string | undefined, what: string, fix: string): Promise<string> {
  if (envName !== undefined) {
    const v = process.env[envName];
    if (!v) throw usageError(`--password-env names ${envName}, but that environment variable is empty or not set; export it first.`);
    return v;
  }
  const first = await readHidden(`New password for ${what}: `, fix);
  const again = await readHidden('Again: ', fix);
  if (first !== again) throw usageError('The two passwords typed differ; nothing was sent to the device, so run the command again.');
  return first;
}

/** True when the user answers y/yes on the terminal; false on anything else or when stdin is not a terminal. */
export async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
