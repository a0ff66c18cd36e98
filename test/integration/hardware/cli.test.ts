/**
 * `amtwb overview`, `amtwb hardware` and `amtwb storage …` through the built CLI (dist/cli.js; run
 * `npm run build` first) against a simulator in this process, text and --json, one child process
 * per command as a user runs them.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { amtwb, CLI } from '../cli/run';

describe('amtwb overview, hardware and storage', () => {
  let sim: Simulator;
  const writes: string[] = [];
  const run = (...args: string[]) => amtwb(['--target', `http://127.0.0.1:${sim.port}`, ...args], { AMT_PASSWORD: DEFAULT_ACCOUNT.password });

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    sim = await startSimulator({ port: 0, model: 'laptop' });
    sim.device.on('request', (r: { action?: string }) => {
      const m = r.action?.split('/').pop() ?? '';
      if (/Block$/.test(m)) writes.push(m);
    });
  });
  after(() => sim?.close());

  test('overview prints the identity, firmware, control mode, power, network and switches as aligned rows', async () => {
    const r = await run('overview');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^ +Host name: ${sim.device.identity.hostName.replace(/\./g, '\\.')}`, 'm'));
    assert.match(r.stdout, new RegExp(`^ +AMT version: ${sim.device.identity.firmwareVersion.replace(/\./g, '\\.')} \\(build \\d+\\)$`, 'm'));
    assert.match(r.stdout, /^ +Control mode: ACM$/m);
    assert.match(r.stdout, /^ +Power: On \(2\)$/m);
    assert.match(r.stdout, /^ +Wired network: .*MAC ([0-9a-f]{2}:){5}[0-9a-f]{2}, link up/m);
    assert.match(r.stdout, /^ +SOL: on$/m);
    assert.equal(r.stderr, '');
  });

  test('overview --json is one document with the same facts', async () => {
    const r = await run('overview', '--json');
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.identity.hostName, sim.device.identity.hostName);
    assert.equal(o.provisioning.controlMode, 'ACM');
    assert.deepEqual(o.problems, []);
  });

  test('hardware prints MeshCommander\'s sections and the decoded $AMT table; --json has the structures', async () => {
    const r = await run('hardware');
    assert.equal(r.code, 0, r.stderr);
    for (const heading of ['Platform', 'Baseboard', 'BIOS', 'Processor 1', 'Memory module 2', 'Storage media 1', 'Battery', 'Sensors and fans']) {
      assert.match(r.stdout, new RegExp(`^${heading}$`, 'm'), heading);
    }
    assert.match(r.stdout, /^ +Serial over LAN enabled: yes$/m);
    assert.match(r.stdout, /^  Fan Fan 0: /m);
    const j = JSON.parse((await run('hardware', '--json')).stdout);
    assert.equal(j.assetTables[0].structures[0].typeName, 'Intel AMT (OEM 130)');
  });

  test('hardware --refresh-media says what happens next', async () => {
    const r = await run('hardware', '--refresh-media');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'The BIOS refreshes the media table at the next boot; the inventory changes after that boot.');
  });

  test('storage: enterprise, allocate, write text, read it back as text and hex, list, free', async () => {
    assert.equal((await run('storage', 'enterprise')).stdout.trim(), 'Enterprise "AMT Workbench" added (handle 1).');
    const alloc = await run('storage', 'allocate', 'cli-notes', '--size', '64', '--json');
    assert.equal(alloc.code, 0, alloc.stderr);
    const block = JSON.parse(alloc.stdout).block as number;
    const w = await run('storage', 'write', String(block), '--text', 'asset tag 42');
    assert.equal(w.stdout.trim(), `12 bytes written to block ${block} at offset 0 (1 WriteBlock call).`);
    assert.equal((await run('storage', 'read', String(block))).stdout.trim(), 'asset tag 42');
    assert.equal((await run('storage', 'read', String(block), '--hex', '--count', '5')).stdout.trim(), '61 73 73 65 74');
    const list = await run('storage');
    assert.match(list.stdout, /^ +Sku: 16392 \(Intel AMT Pro, Corporate\)$/m);
    assert.match(list.stdout, /^ +MTU \(bytes per read or write\): 4096$/m);
    assert.match(list.stdout, new RegExp(`^      block ${block}  "cli-notes"  64 bytes$`, 'm'));
    const j = JSON.parse((await run('storage', 'list', '--json')).stdout);
    assert.equal(j.limits.mtu, 4096);
    assert.equal((await run('storage', 'free', String(block))).stdout.trim(), `Block ${block} freed.`);
  });

  test('storage write over the block\'s end: one line, exit 1, and no WriteBlock reached the device', async () => {
    const block = JSON.parse((await run('storage', 'allocate', 'tiny', '--size', '8', '--json')).stdout).block as number;
    writes.length = 0;
    const r = await run('storage', 'write', String(block), '--text', 'nine byte');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'amtwb: Nothing was written: 9 bytes at offset 0 do not fit the 8-byte block (8 bytes are left there); shorten the data or allocate a larger block.');
    assert.ok(!writes.includes('WriteBlock'), writes.join(','));
  });

  test('bad input is a usage error (exit 2) and the device\'s refusal is exit 1 with its meaning', async () => {
    const hex = await run('storage', 'write', '1', '--hex', 'abc');
    assert.equal(hex.code, 2);
    assert.equal(hex.stderr.trim(), 'amtwb: The hex has 3 digits, an odd number; every byte needs two digits, for example 0a rather than a.');
    const both = await run('storage', 'write', '1', '--hex', 'ab', '--text', 'x');
    assert.equal(both.code, 2);
    const gone = await run('storage', 'read', '9999');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^amtwb: The device refused GetBlockAttributes with ReturnValue 13 \(Block does not exist \(BLOCK_DOES_NOT_EXIST\)\): that block does not exist or is hidden; refresh the list\.$/m);
    const unknown = await run('storage', 'lock');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /"lock" is not a storage command/);
  });

  test('storage remove-app takes an application and its blocks off the device', async () => {
    const before = JSON.parse((await run('storage', '--json')).stdout);
    const app = before.ownHandle as number;
    assert.ok(app > 0, 'the workbench registered earlier');
    const r = await run('storage', 'remove-app', String(app));
    assert.equal(r.stdout.trim(), `Application ${app} and its blocks removed.`);
    const after = JSON.parse((await run('storage', 'list', '--json')).stdout);
    assert.deepEqual(after.applications, []);
    const again = await run('storage', 'remove-app', String(app));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ReturnValue 10 \(Application does not exist \(APPLICATION_DOES_NOT_EXIST\)\)/);
  });
});

