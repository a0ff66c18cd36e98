/**
 * `amtwb sol [--log FILE]` and `amtwb ider --cd F.iso [--floppy F.img] [--reboot]`: the device's
 * serial console and its virtual CD/floppy, in the foreground (features/redirection/).
 *
 * sol: stdin goes to the host (raw mode when it is a terminal, so every key is sent as typed,
 * Ctrl-C included); the host's output goes to stdout and, with --log, is appended to FILE. Ctrl-]
 * leaves, as in amtterm and telnet; the end of piped input leaves too. Exit status 0 when the
 * user left, 1 (with the device's reason on stderr) when the device ended the session.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { AmtError } from '../errors';
import { openSol, serveImages } from '../features/redirection/connect';
import type { IderCounters } from '../features/redirection/ider';
import type { CliIo } from './feature-commands';
import { parseArgsError, usageError } from './usage';

/** Ctrl-]: leaves the session (the byte is never sent to the host). */
export const ESCAPE_BYTE = 0x1d;

export const REDIRECTION_USAGE = `  sol [--log FILE]                         the host's serial console (Serial-over-LAN): keys go to
                                           the host, its output to the terminal (and appended to
                                           FILE); Ctrl-] leaves
  ider --cd F.iso [--floppy F.img] [--reboot]
                                           serve the images as the host's IDE-R CD / floppy until the
                                           host ejects them or Ctrl-C, with progress (sectors, MB/s);
                                           --reboot boots the host once from them`;

export async function runSolCli(args: readonly string[], io: CliIo): Promise<number> {
  let log: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { log: { type: 'string' } }, strict: true, allowPositionals: true });
    if (positionals.length) throw usageError(`"sol" takes no arguments, but was given "${positionals[0]}"; write amtwb sol [--log FILE].`);
    log = values.log;
  } catch (err) {
    throw err instanceof AmtError ? err : parseArgsError(err, 'write amtwb sol [--log FILE]');
  }
  if (!io.redirection) throw new AmtError('usage', '"sol" needs a device; give --target.');
  const logFile = log ? await openLog(log) : undefined;
  const { session, route } = await openSol(io.redirection, {}, io.signal);
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  await io.err(`Connected to ${io.redirection.label} over ${route}${session.hostPowered ? '' : '; the host is powered off'}. Press Ctrl-] to leave.`);

  let left = false;
  const ended = new Promise<string | undefined>((resolve) => session.once('ended', resolve));
  const leave = () => {
    left = true;
    void session.close();
  };
  session.on('data', (bytes: Buffer) => {
    process.stdout.write(bytes);
    logFile?.write(bytes);
  });
  session.on('power', (on: boolean) => void io.err(on ? '[the host powered on]' : '[the host is powered off]'));
  const onInput = (chunk: Buffer) => {
    const at = chunk.indexOf(ESCAPE_BYTE);
    if (at >= 0) {
      if (at > 0) session.write(chunk.subarray(0, at));
      leave();
    } else session.write(chunk);
  };
  if (raw) stdin.setRawMode(true);
  stdin.on('data', onInput);
  stdin.once('end', leave);
  io.signal.addEventListener('abort', leave, { once: true });
  stdin.resume();
  try {
    const reason = await ended;
    if (!left && reason) throw new AmtError('redir.closed', reason);
    if (raw) process.stdout.write('\r\n');
    return 0;
  } finally {
    stdin.off('data', onInput);
    stdin.off('end', leave);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    io.signal.removeEventListener('abort', leave);
    await closeLog(logFile);
  }
}

async function openLog(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const s = createWriteStream(path, { flags: 'a' });
    s.once('open', () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(usageError(`Cannot append to ${path} (${err.code ?? err.message}); check the path given with --log.`, err)));
  });
}

function closeLog(s: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (s ? s.end(() => resolve()) : resolve()));
}

/**
 * ider: serves the images until the host ejects them (START STOP UNIT) or Ctrl-C. Progress goes to
 * stderr: rewritten in place on a terminal (four times a second at most), else one line a second.
 */
export async function runIderCli(args: readonly string[], io: CliIo): Promise<number> {
  const fix = 'write amtwb ider --cd F.iso [--floppy F.img] [--reboot]';
  let v: { cd?: string; floppy?: string; reboot?: boolean };
  try {
    const parsed = parseArgs({ args: [...args], options: { cd: { type: 'string' }, floppy: { type: 'string' }, reboot: { type: 'boolean' } }, strict: true, allowPositionals: true });
    if (parsed.positionals.length) throw usageError(`"ider" takes no arguments, but was given "${parsed.positionals[0]}"; ${fix}.`);
    v = parsed.values;
  } catch (err) {
    throw err instanceof AmtError ? err : parseArgsError(err, fix);
  }
  if (!v.cd && !v.floppy) throw usageError(`"ider" needs an image to serve; ${fix}.`);
  if (!io.redirection) throw new AmtError('usage', '"ider" needs a device; give --target.');
  const { session, route, images, nextBoot } = await serveImages(io.redirection, { ...(v.cd ? { cd: v.cd } : {}), ...(v.floppy ? { floppy: v.floppy } : {}), ...(v.reboot ? { reboot: true } : {}) }, io.signal);
  const ended = new Promise<[string, string | undefined]>((resolve) => (session.open ? session.once('ended', (state: string, reason?: string) => resolve([state, reason])) : resolve(['ended', undefined])));
  const served = images.map((i) => `${i.path} as the ${i.kind === 'cd' ? 'CD' : 'floppy'} (${i.blocks} sectors)`).join(' and ');
  await io.err(`Serving ${served} to ${io.redirection.label} over ${route}. Ctrl-C stops.`);
  if (nextBoot) await io.err(nextBoot);
  let stopped = false;
  const stop = () => {
    stopped = true;
    void session.close();
  };
  io.signal.addEventListener('abort', stop, { once: true });
  if (io.signal.aborted) stop();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const line = (c: IderCounters) => `${c.sectorsRead} sectors, ${(c.bytesRead / 1e6).toFixed(1)} MB read, ${c.mbPerSecond.toFixed(1)} MB/s`;
  session.on('progress', (c: IderCounters) => {
    const now = Date.now();
    if (now - last < (tty ? 250 : 1000)) return;
    last = now;
    if (tty) process.stderr.write(`\r${line(c)}\x1b[K`);
    else void io.err(line(c));
  });
  const [state, reason] = await ended;
  io.signal.removeEventListener('abort', stop);
  if (tty) process.stderr.write('\r\x1b[K');
  await io.err(`${line(session.counters)}; ${state === 'ejected' ? 'the host ejected the medium, so serving ended' : 'serving ended'}.`);
  if (!stopped && state !== 'ejected' && reason) throw new AmtError('redir.closed', reason);
  return 0;
}
