/** `amtwb sim` and redirection, through the built CLI (dist/cli.js, `npm run build`): the ready line and its options. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../../server/src/sim';
import { amtwb, CLI } from '../../cli/run';
import { Console, SOL_START } from './console';

/** Starts `amtwb sim ARGS`, resolves with its stdout once `ready` matched it, and a stop function. */
function startSim(args: string[], ready: RegExp): Promise<{ out: RegExpExecArray; stop: () => Promise<void>; printed: (line: RegExp) => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sim', ...args], { env: { ...process.env, AMT_PASSWORD: undefined } });
    let out = '';
    /** Resolves with the first stdout text matching `line`, now or once printed. */
    const printed = (line: RegExp) =>
      new Promise<string>((res) => {
        const check = () => {
          const m = line.exec(out);
          if (!m) return false;
          child.stdout.off('data', check);
          res(m[0]);
          return true;
        };
        if (!check()) child.stdout.on('data', check);
      });
    const stop = async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    };
    child.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve({ out: m, stop, printed });
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`amtwb sim exited with ${code}: ${out}`)));
  });
}

describe('amtwb sim redirection options', () => {
  it('prints "redirection on HOST:PORT" and serves SOL log-ons there', async (t) => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    const { out, stop, printed } = await startSim(['--port', '0', '--redirection-port', '0'], /redirection on 127\.0\.0\.1:(\d+)\n[\s\S]*redirection over TLS on 127\.0\.0\.1:(\d+)/);
    t.after(stop);
    const c = await Console.tcp(Number(out[1]));
    assert.deepEqual(await c.logOn('SOL ', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
    c.send(SOL_START);
    await c.expect(0x21);
    assert.match(await printed(/redirection: SOL session \d+ \(admin from 127\.0\.0\.1\) opened\n/), /opened/);
    c.send(Buffer.from([0x99, 0, 0, 0, 0, 0, 0, 0]));
    const line = await printed(/redirection: SOL session \d+ \(admin from 127\.0\.0\.1\) ended by error: .*0x99.*\n/);
    assert.ok(!line.includes(DEFAULT_ACCOUNT.password), 'no password in the output');
    const d = await Console.tls(Number(out[2]));
    assert.deepEqual(await d.logOn('SOL ', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
    d.close();
  });

  it('names --redirection-port when that port is taken', async (t) => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    t.after(() => taken.close());
    const port = (taken.address() as net.AddressInfo).port;
    const run = await amtwb(['sim', '--port', '0', '--redirection-port', String(port)]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use; pick another with --redirection-port`));
  });

  it('refuses a redirection port that is not a number with one sentence naming the fix', async () => {
    const run = await amtwb(['sim', '--port', '0', '--redirection-port', 'abc']);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /--redirection-port "abc" is not a port number; give 0 to 65535/);
  });
});
