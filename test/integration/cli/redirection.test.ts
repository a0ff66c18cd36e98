/**
 * `amtwb sol` and `amtwb ider` through the built CLI (dist/cli.js) against the embedded simulator,
 * as a user runs them: a login on the host's serial console through a pipe, Ctrl-] to leave and
 * --log keeping the output; an ISO served until Ctrl-C; and each mistake as one line with the exit
 * status the help text promises (2 for the command line, 1 for the device or the file).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeIso } from '../redirection/helpers';
import { amtwb, CLI } from './run';

interface Child {
  proc: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  /** Resolves once stdout (or stderr) has shown `text` after `from`; returns the index after it. */
  waitFor(text: string, stream?: 'stdout' | 'stderr', from?: number): Promise<number>;
  exit: Promise<number | null>;
}

function start(args: string[], viaPty = false): Child {
  // `script` (util-linux) gives the command a terminal, so stdin is a TTY as in an interactive shell.
  const proc = viaPty
    ? spawn('script', ['-qec', [process.execPath, CLI, ...args].join(' '), '/dev/null'], { env: { ...process.env, AMT_PASSWORD: undefined } })
    : spawn(process.execPath, [CLI, ...args], { env: { ...process.env, AMT_PASSWORD: undefined } });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  const c: Child = {
    proc, stdout: '', stderr: '',
    async waitFor(text, stream = 'stdout', from = 0) {
      for (;;) {
        const at = c[stream].indexOf(text, from);
        if (at >= 0) return at + text.length;
        if (proc.exitCode !== null) throw new Error(`amtwb exited before printing "${text}"; stdout: ${c.stdout.slice(-300)} stderr: ${c.stderr}`);
        await Promise.race([once(proc[stream], 'data'), c.exit]);
      }
    },
    exit: once(proc, 'close').then(([code]) => (clearTimeout(timer), code as number | null)),
  };
  proc.stdout.on('data', (d) => (c.stdout += d));
  proc.stderr.on('data', (d) => (c.stderr += d));
  return c;
}

describe('amtwb sol and ider', () => {
  let dir: string;
  let iso: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'amtwb-cli-redir-'));
    iso = makeIso(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sol: logs in through a pipe, runs a command, Ctrl-] leaves with status 0, --log keeps the output', async () => {
    const log = join(dir, 'sol.log');
    const c = start(['sol', '--log', log]);
    await c.waitFor('Press Ctrl-] to leave', 'stderr');
    c.proc.stdin.write('\r');
    let at = await c.waitFor('login: ');
    c.proc.stdin.write('root\r');
    at = await c.waitFor('Password: ', 'stdout', at);
    c.proc.stdin.write('amt\r');
    at = await c.waitFor('# ', 'stdout', at);
    c.proc.stdin.write('uname -a\r');
    await c.waitFor(' #1 SMP x86_64 ', 'stdout', at);
    c.proc.stdin.write('\x1d');
    assert.equal(await c.exit, 0, c.stderr);
    assert.match(readFileSync(log, 'latin1'), / #1 SMP x86_64 /);
    assert.doesNotMatch(readFileSync(log, 'latin1'), /\x1d/);
  });

  it('sol on a terminal: raw mode sends Ctrl-C to the host instead of stopping, and Ctrl-] leaves', { skip: existsSync('/usr/bin/script') ? false : 'needs util-linux script to give the command a terminal' }, async () => {
    const c = start(['sol'], true);
    await c.waitFor('Press Ctrl-] to leave');
    c.proc.stdin.write('\r');
    let at = await c.waitFor('login: ');
    c.proc.stdin.write('\x03');
    at = await c.waitFor('^C', 'stdout', at);
    c.proc.stdin.write('\r');
    await c.waitFor('login: ', 'stdout', at);
    c.proc.stdin.write('\x1d');
    assert.equal(await c.exit, 0, c.stdout);
  });

  it('ider: serves the ISO until Ctrl-C, then prints the totals and exits 0', async () => {
    const c = start(['ider', '--cd', iso]);
    await c.waitFor('Ctrl-C stops.', 'stderr');
    assert.match(c.stderr, /Serving .*test\.iso as the CD \(\d+ sectors\) to Simulator over TCP /);
    c.proc.kill('SIGINT');
    assert.equal(await c.exit, 0, c.stderr);
    assert.match(c.stderr, /0 sectors, 0\.0 MB read, 0\.0 MB\/s; serving ended\./);
  });

  it('ider --reboot: the host boots from the CD, installs from it and ejects it, which ends the command with status 0', async () => {
    const bootable = makeIso(dir, { bootable: true, name: 'boot' });
    const r = await amtwb(['ider', '--cd', bootable, '--reboot']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Serving .*boot\.iso as the CD/);
    assert.match(r.stderr, /IDE-R CD/);
    assert.match(r.stderr, /\d+ sectors, [\d.]+ MB read, [\d.]+ MB\/s; the host ejected the medium, so serving ended\.\n$/);
  });

  it('mistakes are one line each: exit 2 for the command line, 1 for a file that is no CD image', async () => {
    const extra = await amtwb(['sol', 'now']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^amtwb: "sol" takes no arguments, but was given "now"; write amtwb sol \[--log FILE\]\.\n$/);
    const none = await amtwb(['ider']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^amtwb: "ider" needs an image to serve; write amtwb ider --cd F\.iso/);
    const odd = join(dir, 'odd.iso');
    writeFileSync(odd, Buffer.alloc(1000));
    const bad = await amtwb(['ider', '--cd', odd]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^amtwb: The CD image \(--cd\) .*odd\.iso is 1000 bytes, not a whole number of 2048-byte sectors; give an ISO 9660 image/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });
});
