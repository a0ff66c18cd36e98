/**
 * The built CLI (dist/cli.js, `npm run build`) as users run it: a simulator in the background with
 * `amtwb sim --port 0`, then one child process per command against it.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amtwb, CLI } from './run';

const PASSWORD = 'P@ssw0rd';



/** Starts `amtwb sim --port 0` and resolves with its URL once it prints the listening line. */
function startSim(): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, 'sim', '--port', '0']);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`amtwb sim printed no listening line within 15 s: ${out}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+)\/wsman)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: `http://127.0.0.1:${m[2]}` });
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`amtwb sim exited with ${code}: ${out}`)));
  });
}

describe('amtwb against a simulator started with "amtwb sim --port 0"', () => {
  let sim: { child: ChildProcessWithoutNullStreams; url: string };
  let dir: string;
  const remote = (...args: string[]) => amtwb(['--target', sim.url, '--user', 'admin', '--password', PASSWORD, ...args]);

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    sim = await startSim();
    dir = await mkdtemp(join(tmpdir(), 'amtwb-cli-'));
  });

  after(async () => {
    if (sim) {
      const exited = new Promise((r) => sim.child.once('exit', r));
      sim.child.kill('SIGINT');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('get AMT_GeneralSettings --json prints the settings as one JSON object', async () => {
    const r = await remote('get', 'AMT_GeneralSettings', '--json');
    assert.equal(r.code, 0, r.stderr);
    const gs = JSON.parse(r.stdout);
    assert.equal(gs.InstanceID, 'Intel(r) AMT: General Settings');
    assert.equal(gs.ElementName, 'Intel(r) AMT: General Settings');
    assert.match(gs.DigestRealm, /^Digest:[0-9A-F]{32}$/);
    assert.equal(typeof gs.PingResponseEnabled, 'string');
    assert.equal(r.stderr, '');
  });

  test('get prints aligned Property: value lines with value-map labels', async () => {
    const r = await remote('get', 'AMT_GeneralSettings');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ *InstanceID: Intel\(r\) AMT: General Settings$/m);
    assert.match(r.stdout, /^ *PowerSource: 0 \(AC\)$/m);
    const colons = r.stdout.trimEnd().split('\n').map((l) => l.indexOf(':'));
    assert.equal(new Set(colons).size, 1, 'the colons line up');
  });

  test('power off, then power status shows the new state', async () => {
    const off = await remote('power', 'off');
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /ReturnValue: 0 \(Completed with No Error\)/);
    const status = await remote('power', 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /PowerState: 8 \(Off - Soft\)/);
    const json = await remote('power', 'status', '--json');
    assert.deepEqual({ ...JSON.parse(json.stdout), available: undefined }, { powerState: 8, label: 'Off - Soft', available: undefined });
    const again = await remote('power', 'off');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^amtwb: The device refused to power the host off \(ReturnValue 4097: Invalid State Transition\);.*\n$/);
    const on = await remote('power', 'on');
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /PowerState: 2 \(On\)/);
  });

  test('a wrong password fails with one clear line after exactly one attempt', async () => {
    const r = await amtwb(['--target', sim.url, '--user', 'admin', '--password', 'wrong-secret', '--trace', 'get', 'AMT_GeneralSettings']);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    const last = lines[lines.length - 1]!;
    assert.match(last, /^amtwb: .*(password|credentials|refused|log)/i);
    assert.equal(r.stdout, '');
    const attempts = r.stderr.match(/^authorization: /gim) ?? [];
    assert.equal(attempts.length, 1, 'one request carried credentials');
    assert.ok(!r.stderr.includes('wrong-secret'), 'the password is never printed');
  });

  test('an unknown class fails with the device fault sentence', async () => {
    const r = await remote('get', 'AMT_NoSuchThing');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^amtwb: .*DestinationUnreachable.*\n$/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('a misspelt class also gets the catalog suggestion', async () => {
    const r = await remote('get', 'AMT_GeneralSetings');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did you mean AMT_GeneralSettings/);
  });

  test('classes lists the catalog without touching a device', async () => {
    const r = await amtwb(['classes']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 261);
    assert.ok(lines.some((l) => /^AMT_GeneralSettings +http:\/\/intel\.com\/wbem\/wscim\/1\/amt-schema\/1\/AMT_GeneralSettings$/.test(l)));
    const json = JSON.parse((await amtwb(['classes', '--json'])).stdout);
    assert.equal(json.length, 261);
  });

  test('--xml prints the raw response envelope', async () => {
    const r = await remote('get', 'AMT_GeneralSettings', '--xml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^<(\?xml|[\w]+:Envelope)/);
    assert.match(r.stdout, /<([\w]+:)?Envelope[\s>]/);
    assert.match(r.stdout, /AMT_GeneralSettings/);
  });

  test('invoke prints ReturnValue with its meaning, including a non-zero one', async () => {
    const ok = await remote('invoke', 'AMT_TimeSynchronizationService', 'GetLowAccuracyTimeSynch');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /ReturnValue: 0 \(Success\)/);
    assert.match(ok.stdout, /Ta0: \d+/);
    const refused = await remote(
      'invoke',
      'CIM_PowerManagementService',
      'RequestPowerStateChange',
      '--param',
      'PowerState=Power On',
      '--param',
      'ManagedElement=CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem',
    );
    assert.equal(refused.code, 0, refused.stderr);
    assert.match(refused.stdout, /ReturnValue: 4097 \(Invalid State Transition\)/);
    const json = JSON.parse((await remote('invoke', 'AMT_TimeSynchronizationService', 'GetLowAccuracyTimeSynch', '--json')).stdout);
    assert.equal(json.returnValue, 0);
    assert.match(json.output.Ta0, /^\d+$/);
  });

  test('invoke rejects an unknown parameter before contacting the device', async () => {
    const r = await remote('invoke', 'CIM_PowerManagementService', 'RequestPowerStateChange', '--param', 'Bogus=1');
    assert.equal(r.code, 2, 'a mistake on the command line');
    assert.match(r.stderr, /^amtwb: RequestPowerStateChange has no input parameter "Bogus"/);
  });

  test('put --file writes an instance that get then reads back', async () => {
    const got = await remote('get', 'AMT_GeneralSettings', '--xml');
    assert.equal(got.code, 0, got.stderr);
    const file = join(dir, 'general-settings.xml');
    const edited = got.stdout.replace(/<(\w+:)?HostName\s*\/>|<(\w+:)?HostName>[^<]*<\/(\w+:)?HostName>/, (_m, a, b) => {
      const p = a ?? b ?? '';
      return `<${p}HostName>workbench-test</${p}HostName>`;
    });
    assert.notEqual(edited, got.stdout, 'the envelope has a HostName element');
    await writeFile(file, edited);
    const put = await remote('put', 'AMT_GeneralSettings', '--file', file);
    assert.equal(put.code, 0, put.stderr);
    const after = JSON.parse((await remote('get', 'AMT_GeneralSettings', '--json')).stdout);
    assert.equal(after.HostName, 'workbench-test');
  });

  test('put refuses a file holding another class', async () => {
    const file = join(dir, 'wrong.xml');
    await writeFile(file, '<h:AMT_EthernetPortSettings xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_EthernetPortSettings"><h:InstanceID>x</h:InstanceID></h:AMT_EthernetPortSettings>');
    const r = await remote('put', 'AMT_GeneralSettings', '--file', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /holds a <AMT_EthernetPortSettings> element, not AMT_GeneralSettings/);
  });

  test('enumerate --json prints an array of instances', async () => {
    const r = await remote('enumerate', 'CIM_AssociatedPowerManagementService', '--json');
    assert.equal(r.code, 0, r.stderr);
    const items = JSON.parse(r.stdout);
    assert.ok(Array.isArray(items) && items.length >= 1);
    assert.equal(items[0].PowerState, '2');
    assert.equal(items[0].UserOfService.selectors.Name, 'ManagedSystem');
  });

  test('the password can come from AMT_PASSWORD and is required for URL targets', async () => {
    const withEnv = await amtwb(['--target', sim.url, 'power', 'status'], { AMT_PASSWORD: PASSWORD });
    assert.equal(withEnv.code, 0, withEnv.stderr);
    const without = await amtwb(['--target', sim.url, 'power', 'status']);
    assert.equal(without.code, 2, 'a missing password is a mistake on the command line');
    assert.match(without.stderr, /^amtwb: No password was given for user "admin"; pass --password or set the AMT_PASSWORD environment variable\.\n$/);
  });

  test('--trace writes the redacted wire traffic to stderr and never the password', async () => {
    const r = await remote('--trace', 'get', 'AMT_GeneralSettings', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, />>> request/);
    assert.match(r.stderr, /authorization: \[redacted\]/i);
    assert.ok(!r.stderr.includes(PASSWORD) && !r.stdout.includes(PASSWORD));
    JSON.parse(r.stdout);
  });
});

describe('amtwb without a running device', () => {
  test('the default target is an embedded simulator started for the call', async () => {
    const r = await amtwb(['identify']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Product vendor: /);
    const status = await amtwb(['--target', 'sim', 'power', 'status']);
    assert.match(status.stdout, /PowerState: 2 \(On\)/);
  });

  test('--help prints the usage and a mistake exits 2 with one line', async () => {
    const help = await amtwb(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /amtwb sim \[--port N\]/);
    assert.match(help.stdout, /ManagedElement=/);
    const bad = await amtwb(['frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^amtwb: "frobnicate" is not a command; .*\n$/);
  });

  test('an unreachable device fails with one line naming the address', async () => {
    const r = await amtwb(['--target', 'http://127.0.0.1:1', '--password', 'x', '--timeout', '5', 'identify']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^amtwb: .*127\.0\.0\.1:1.*\n$/);
  });
});
