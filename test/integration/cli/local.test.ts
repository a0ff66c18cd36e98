/**
 * The built CLI (dist/cli.js; `node esbuild.mjs` first) on the local path: `amtwb sim --mei PATH`
 * in the background exposes a simulated device through an emulated MEI device file; `amtwb
 * --target local --mei PATH …` talks to it over our own APF; `amtwb lms` puts it behind TCP for
 * any other AMT tool (here: amtwb itself with a URL target).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { meiSuite, tempDir } from '../mei/helpers';
import { amtwb, CLI } from './run';




/** Starts a long-running amtwb command and resolves once stdout matches `ready`. */
function background(args: string[], ready: RegExp): Promise<{ child: ChildProcessWithoutNullStreams; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`amtwb ${args[0]} was not ready within 15 s: ${out}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`amtwb ${args[0]} exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcessWithoutNullStreams | undefined): Promise<number | null> {
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

meiSuite('amtwb on the local path (built CLI)', () => {
  let dir: string;
  let mei: string;
  let sim: ChildProcessWithoutNullStreams | undefined;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "node esbuild.mjs" first`);
    dir = tempDir();
    mei = path.join(dir, 'mei0');
    const started = await background(['sim', '--mei', mei, '--port', '0'], /MEI device at (.+)\n/);
    sim = started.child;
    assert.equal(started.match[1], mei);
  });

  after(async () => {
    await stop(sim);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('info --json prints the AMTHI facts', async () => {
    const r = await amtwb(['--target', 'local', '--mei', mei, 'info', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.amtEnabled, true);
    assert.equal(info.amtVersion, '16.1.25');
    assert.equal(info.provisioningState, 'post');
    assert.equal(info.controlMode, 'acm');
    assert.match(info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(info.dnsSuffix, 'sim.local');
    assert.equal(info.wired.enabled, true);
  });

  it('info without --json prints aligned rows', async () => {
    const r = await amtwb(['--target', 'local', '--mei', mei, 'info']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ +AMT: enabled$/m);
    assert.match(r.stdout, /^ +Version: 16\.1\.25 \(build \d+\)$/m);
    assert.match(r.stdout, /^ +Control mode: admin control mode$/m);
  });

  it('get AMT_GeneralSettings --json runs over APF with the local system account', async () => {
    const r = await amtwb(['--target', 'local', '--mei', mei, 'get', 'AMT_GeneralSettings', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const gs = JSON.parse(r.stdout);
    assert.equal(gs.InstanceID, 'Intel(r) AMT: General Settings');
    assert.equal(gs.DomainName, 'sim.local');
  });

  it('--trace shows MEI, APF and HTTP on stderr with Authorization redacted', async () => {
    const r = await amtwb(['--target', 'local', '--mei', mei, '--trace', 'get', 'AMT_GeneralSettings', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^MEI write LME \(93 bytes\) c0/m);
    assert.match(r.stderr, /^APF receive TCPIP_FORWARD wantReply=true address="127\.0\.0\.1" port=16992$/m);
    assert.match(r.stderr, /^>>> request\nPOST \/wsman HTTP\/1\.1$/m);
    assert.doesNotMatch(r.stderr, /Authorization: Digest username/);
    JSON.parse(r.stdout);
  });

  it('a missing device is one line naming it', async () => {
    const r = await amtwb(['--target', 'local', '--mei', path.join(dir, 'nope'), 'get', 'AMT_GeneralSettings']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `amtwb: No MEI device at ${path.join(dir, 'nope')}: the Intel MEI driver is not loaded (run "modprobe mei_me") or this machine has no Intel ME.\n`);
  });

  it('amtwb lms --listen 127.0.0.1:0 serves other AMT tools over TCP', async () => {
    const lms = await background(['lms', '--listen', '127.0.0.1:0', '--mei', mei], /listening on 127\.0\.0\.1:(\d+)\n/);
    try {
      const url = `http://127.0.0.1:${lms.match[1]}`;
      const r = await amtwb(['--target', url, '--user', 'admin', '--password', 'P@ssw0rd', 'get', 'AMT_GeneralSettings']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ *InstanceID: Intel\(r\) AMT: General Settings$/m);
      assert.match(r.stdout, /^ *DomainName: sim\.local$/m);
    } finally {
      assert.equal(await stop(lms.child), 0);
    }
  });

  it('sim removes its device file on exit', async () => {
    assert.equal(await stop(sim), 0);
    sim = undefined;
    assert.equal(fs.existsSync(mei), false);
  });
});
