/**
 * `amtwb` on a device older than AMT 6.0, through the built CLI (dist/cli.js, `npm run build`) as
 * a user runs it: `amtwb sim --model amt5` starts one, and `amtwb identify`, `amtwb power
 * status|on|off|reset|cycle` and a class command work against it over real sockets.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { amtwb, CLI } from '../cli/run';

const PASSWORD = 'Legacy-Pass1';

describe('amtwb against amtwb sim --model amt5', () => {
  let child: ChildProcessWithoutNullStreams;
  let url: string;
  const env = { AMT_PASSWORD: PASSWORD };

  before(async () => {
    child = spawn(process.execPath, [CLI, 'sim', '--model', 'amt5', '--port', '0'], { env: { ...process.env, AMT_PASSWORD: PASSWORD } });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`amtwb sim printed no listening line within 15 s: ${out}`)), 15_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^listening on http:\/\/127\.0\.0\.1:(\d+) \(AMT 5\.0 legacy SOAP services, no \/wsman\)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => reject(new Error(`amtwb sim exited with ${code}: ${out}`)));
    });
    url = `http://127.0.0.1:${port}/wsman`;
  });
  after(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  });

  test('identify says in one sentence what the device is, then its information', async () => {
    const r = await amtwb(['--target', url, 'identify'], env);
    assert.equal(r.code, 0, r.stderr);
    const [first, ...rest] = r.stdout.trimEnd().split('\n');
    assert.equal(first, 'This device runs AMT 5.0.1, which predates WS-Management; AMT Workbench offers its information and power control over the legacy SOAP interface.');
    assert.match(rest.join('\n'), /AMT version: 5\.0\.1\n\s+Host name: amt-sim-[0-9a-f]+\.sim\.local/);
    assert.match(r.stdout, /Server: Intel\(R\) Active Management Technology 5\.0\.1$/m);
  });

  test('identify --json carries the legacy information', async () => {
    const r = await amtwb(['--target', url, '--json', 'identify'], env);
    assert.equal(r.code, 0, r.stderr);
    const id = JSON.parse(r.stdout);
    assert.equal(id.productVersion, 'AMT 5.0.1');
    assert.equal(id.legacy.coreVersion, '5.0.1');
  });

  test('power status, off, on, reset and cycle', async () => {
    const status = await amtwb(['--target', url, 'power', 'status'], env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /PowerState: 2 \(On\)/);
    const off = await amtwb(['--target', url, 'power', 'off'], env);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /PowerState: 8 \(Off - Soft\)/);
    assert.match((await amtwb(['--target', url, 'power', 'status'], env)).stdout, /PowerState: 8 \(Off - Soft\)/);
    for (const action of ['on', 'reset', 'cycle']) {
      const r = await amtwb(['--target', url, 'power', action], env);
      assert.equal(r.code, 0, `${action}: ${r.stderr}`);
      assert.match(r.stdout, /ReturnValue: 0 \(Completed with No Error\)\n\s*PowerState: 2 \(On\)/);
    }
  });

  test('a class command fails with the one predates sentence', async () => {
    const r = await amtwb(['--target', url, 'enumerate', 'CIM_ComputerSystem'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^amtwb: 127\.0\.0\.1:\d+ runs AMT 5\.0\.1, which predates WS-Management \(AMT 6\.0\), so it has no classes to browse and no \/wsman to send to; use its information and power control \(amtwb identify, amtwb power, the Devices and Power views\), which AMT Workbench offers over the legacy SOAP interface\.\n$/);
  });

  test('a wrong password is one sentence and the exit status says it failed', async () => {
    const r = await amtwb(['--target', url, 'power', 'off'], { AMT_PASSWORD: 'not-it' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^amtwb: Wrong user name or password for admin@127\.0\.0\.1:\d+ .*so it was not retried: check the credentials before trying again\.\n$/);
    assert.doesNotMatch(r.stderr + r.stdout, /not-it/);
  });

  test('--model amt5 with --amt is a usage error', async () => {
    const r = await amtwb(['sim', '--model', 'amt5', '--amt', '12', '--port', '0']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'amtwb: --amt does not apply to --model amt5, which is AMT 5.0 with the legacy SOAP interface; leave out --amt.\n');
  });
});
