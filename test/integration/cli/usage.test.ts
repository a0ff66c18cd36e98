/**
 * What the built amtwb (dist/cli.js) tells a user who gets the command line wrong: the exit
 * status --help documents (2 for a mistake on the command line, 1 when the device or connection
 * fails), the unknown-command message naming every command --help lists, option mistakes in
 * plain words, and fault advice that names a command that exists.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { amtwb, CLI } from './run';

/** The command words of `amtwb --help`: the `amtwb sim|lms` lines and the Commands section. */
function helpCommands(help: string): string[] {
  const words = [...help.matchAll(/^ {2}amtwb ([a-z]+)\b/gm)].map((m) => m[1]!);
  const section = help.slice(help.indexOf('\nCommands:\n'), help.indexOf('\nTarget and credentials:'));
  for (const m of section.matchAll(/^ {2}([a-z]+)\b/gm)) words.push(m[1]!);
  return [...new Set(words)];
}

/** A loopback port where nothing listens (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('amtwb command-line mistakes', () => {
  let sim: Simulator;
  let url: string;
  const remote = (...args: string[]) => amtwb(['--target', url, '--user', DEFAULT_ACCOUNT.user, '--password', DEFAULT_ACCOUNT.password, ...args]);

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    sim = await startSimulator({ port: 0 });
    url = `http://127.0.0.1:${sim.port}`;
  });
  after(() => sim?.close());

  test('--help documents exit status 2 for a mistake on the command line and 1 for a device failure', async () => {
    const help = await amtwb(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout.replace(/\s+/g, ' '), /1 when the device or connection fails, 2 for a mistake on the command line/);
  });

  test('an unknown command is exit 2 with one line naming every command --help lists', async () => {
    const help = (await amtwb(['--help'])).stdout;
    const commands = helpCommands(help);
    for (const c of ['sim', 'lms', 'info', 'get', 'power', 'log', 'events', 'agent', 'watchdog', 'send']) assert.ok(commands.includes(c), `${c} in --help (${commands.join(', ')})`);
    const r = await amtwb(['frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    const named = /use one of ([a-z, ]+) \(/.exec(r.stderr)?.[1]?.split(', ') ?? [];
    assert.deepEqual([...named].sort(), [...commands].sort(), r.stderr);
  });

  test('an unknown option reads as a sentence naming it, without Node\'s advice text', async () => {
    const r = await amtwb(['--bogus', 'identify']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'amtwb: --bogus is not an option here; run amtwb --help for the options.\n');
    const sub = await amtwb(['watchdog', 'keepalive', '--bogus']);
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /^amtwb: --bogus is not an option here; write amtwb watchdog info .* \[--interval S\]\.\n$/);
    const missing = await amtwb(['identify', '--user']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'amtwb: --user needs a value; run amtwb --help for the options.\n');
  });

  test('a malformed --selector or --param is exit 2', async () => {
    const sel = await remote('get', 'AMT_EthernetPortSettings', '--selector', 'InstanceID');
    assert.equal(sel.code, 2);
    assert.equal(sel.stderr, 'amtwb: --selector "InstanceID" is not of the form Name=Value; write it as --selector Name=Value.\n');
    const param = await remote('invoke', 'CIM_PowerManagementService', 'RequestPowerStateChange', '--param', 'PowerState=sideways');
    assert.equal(param.code, 2);
    assert.match(param.stderr, /^amtwb: PowerState of RequestPowerStateChange takes a number; "sideways" is neither a number nor one of its labels \(2=Power On, /);
  });

  test('a missing password is exit 2 naming --password and AMT_PASSWORD; a refused connection is exit 1', async () => {
    const port = await closedPort();
    const noPassword = await amtwb(['--target', `http://127.0.0.1:${port}`, 'identify']);
    assert.equal(noPassword.code, 2);
    assert.equal(noPassword.stderr, 'amtwb: No password was given for user "admin"; pass --password or set the AMT_PASSWORD environment variable.\n');
    const refused = await amtwb(['--target', `http://127.0.0.1:${port}`, '--password', 'x', '--timeout', '5', 'identify']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`^amtwb: .*127\\.0\\.0\\.1:${port}`));
  });

  test('a --file that cannot be read is exit 2 naming the path', async () => {
    const r = await remote('put', 'AMT_GeneralSettings', '--file', '/nonexistent-dir/general.xml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^amtwb: Cannot read \/nonexistent-dir\/general\.xml \(ENOENT\); check the path given with --file\.\n$/);
  });

  test('the advice for selectors that match nothing names a command that works and shows the keys', async () => {
    const r = await remote('get', 'AMT_EthernetPortSettings');
    assert.equal(r.code, 1);
    const advice = /e\.g\. (amtwb enumerate CLASS)/.exec(r.stderr);
    assert.ok(advice, `the advice names an amtwb command: ${r.stderr}`);
    const followed = await remote(...advice[1]!.replace('CLASS', 'AMT_EthernetPortSettings').split(' ').slice(1));
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /InstanceID: Intel\(r\) AMT Ethernet Port Settings 0/);
  });
});
