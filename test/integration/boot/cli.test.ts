/**
 * `amtwb boot`, `erase`, `redirection` and `consent` through the built CLI (dist/cli.js; run
 * `npm run build` first), against a simulator in this process so the test can read what the
 * simulated host did. One child process per command, as a user runs them.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { bootParameters } from '../../../server/src/sim/classes/boot-parameters';
import { amtwb, CLI } from '../cli/run';

describe('amtwb boot, erase, redirection and consent', () => {
  let sim: Simulator;
  const run = (args: string[], env: Record<string, string> = {}) =>
    amtwb(['--target', `http://127.0.0.1:${sim.port}`, ...args], { AMT_PASSWORD: DEFAULT_ACCOUNT.password, ...env });

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    sim = await startSimulator({ port: 0 });
  });
  after(() => sim?.close());

  test('boot ider-cd --sol prints each step in order, and the host boots from the IDE-R CD', async () => {
    const r = await run(['boot', 'ider-cd', '--sol']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const order = ['Get AMT_BootSettingData', 'ChangeBootOrder (clear the forced device)', 'Put AMT_BootSettingData', 'SetBootConfigRole 1 (next boot only)', 'RequestPowerStateChange 10 (reset)'];
    const at = order.map((s) => lines.findIndex((l) => l.startsWith('ok') && l.includes(s)));
    assert.ok(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1]!)), r.stdout);
    assert.match(r.stdout, /Next boot: once from the IDE-R CD, BIOS output to SOL\. The host was reset into it\./);
    assert.equal(sim.device.host.lastBoot?.medium, 'ider-cd');
  });

  test('boot status --json shows what the device offers; --power none leaves the boot armed', async () => {
    assert.equal((await run(['boot', 'pxe', '--power', 'none'])).code, 0);
    const r = await run(['boot', 'status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    assert.equal(status.nextBoot, 'Next boot: once from the device a console forced (AMT does not report which).');
    assert.deepEqual(status.supported, ['pxe', 'hdd', 'cd', 'ider-cd', 'ider-floppy', 'bios-setup', 'https', 'erase']);
    sim.device.requestPowerStateChange(10);
    assert.equal(sim.device.host.lastBoot?.medium, 'pxe');
  });

  test('boot https with the web server\'s account: --user after "https" is that account, the password never shows', async () => {
    const secret = 'Web#Secret9';
    const r = await run(['--trace', 'boot', 'https', 'https://boot.example.test/r.iso', '--user', 'websrv', '--password-env', 'WEB_PW', '--no-verify'], { WEB_PW: secret });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Next boot: once from https:\/\/boot\.example\.test\/r\.iso over HTTPS/);
    assert.ok(!(r.stdout + r.stderr).includes(secret) && !(r.stdout + r.stderr).includes(Buffer.from(secret).toString('base64')));
    assert.match(r.stderr, /UefiBootParametersArray>\[redacted\]</);
    assert.deepEqual({ ...bootParameters(sim.device).lastHttpsBoot, at: 0 }, { at: 0, url: 'https://boot.example.test/r.iso', verify: false, user: 'websrv' });
  });

  test('a capability the device lacks: the refusal is one line and exit status 1', async () => {
    const r = await run(['boot', 'pxe', '--bios-pause']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'amtwb: This device cannot pause in the BIOS: AMT_BootCapabilities.BIOSPause is false, so nothing was sent.');
  });

  test('erase needs the name: not on a terminal without --confirm is a usage error; a wrong name exit 1; the right one erases', async () => {
    const noTty = await run(['erase']);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /pass --confirm NAME in scripts/);
    const wrong = await run(['erase', '--confirm', 'not-it']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /"not-it" is not this device's name/);
    const ok = await run(['erase', '--confirm', '127.0.0.1', '--actions', 'tpm']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Next boot: Remote Platform Erase \(TPM clear\)\. The host was power-cycled into it\./);
    assert.deepEqual(bootParameters(sim.device).erases.at(-1)?.actions, ['TPM clear']);
  });

  test('redirection: switches and the state read back; no flags shows it', async () => {
    const off = await run(['redirection', '--listener', 'off', '--sol', 'off']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /^Listener \(16994\/16995\): off\nSOL: off\nIDE-R: on\nKVM: on\nConsent: required for kvm, state 0 \(not started\), ACM\n$/);
    const json = JSON.parse((await run(['redirection', '--json'])).stdout);
    assert.deepEqual([json.listener, json.sol], [false, false]);
    assert.equal((await run(['redirection', '--listener', 'maybe'])).code, 2);
    assert.equal((await run(['redirection', '--listener', 'on', '--sol', 'on'])).code, 0);
  });

  test('consent: status, start shows where the code is, a malformed code is a usage error', async () => {
    const status = await run(['consent']);
    assert.match(status.stdout, /^Control mode: ACM\nConsent required: for KVM only\nState: 0 \(not started\)/);
    const start = await run(['consent', 'start']);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /The host screen shows a six-digit code; enter it with amtwb consent code NNNNNN within 120 s\./);
    const bad = await run(['consent', 'code', '12']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"12" is not a consent code/);
    const good = await run(['consent', 'code', sim.device.optIn.code!]);
    assert.match(good.stdout, /State: 3 \(received\)/);
    assert.equal((await run(['consent', 'cancel'])).code, 0);
  });

  test('usage mistakes exit 2 with one sentence; --help lists the commands', async () => {
    const unknown = await run(['boot', 'floppy']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /"floppy" is not a boot target; use one of pxe, hdd, cd, ider-cd, ider-floppy, bios-setup, https, status\./);
    assert.match((await run(['boot', 'pxe', '--power', 'sideways'])).stderr, /--power "sideways" is not a power change/);
    assert.equal((await run(['consent', 'dance'])).code, 2);
    const help = await amtwb(['--help']);
    for (const cmd of ['boot <pxe|hdd|cd|ider-cd|ider-floppy|bios-setup>', 'boot https URL', 'erase [--confirm NAME]', 'redirection [--listener on|off]', 'consent [status|start|code NNNNNN|cancel]']) {
      assert.ok(help.stdout.includes(cmd), cmd);
    }
    assert.match((await amtwb(['frobnicate'])).stderr, /use one of .*boot, erase, redirection, consent/);
  });
});
