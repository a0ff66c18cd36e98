/**
 * `amtwb accounts …`, `amtwb network …` and `amtwb certs …` (the built CLI, dist/cli.js) against a
 * simulator on a loopback port, text and --json. New passwords come from the environment variable
 * --password-env names; none is ever on the command line or in the output.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { TEST_CERT, TEST_CERT_SHA256 } from '../../unit/wsman/tlsTestCert';
import { amtwb, CLI } from './run';

const NEW_PASSWORD = 'Cl1-user!pw';

describe('amtwb accounts, network and certs (built CLI)', () => {
  let sim: Simulator;
  let dir: string;
  const sent: string[] = [];
  const run = (args: string[], env: Record<string, string> = {}) =>
    amtwb(['--target', `http://127.0.0.1:${sim.port}`, '--user', 'admin', ...args], { AMT_PASSWORD: DEFAULT_ACCOUNT.password, ...env });
  const noSecrets = (r: { stdout: string; stderr: string }) => {
    for (const secret of [NEW_PASSWORD, DEFAULT_ACCOUNT.password]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no password in the output');
  };

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    sim = await startSimulator({ port: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtwb-certs-'));
    sim.device.on('request', ({ action }: { action?: string }) => sent.push(action?.split('/').pop() ?? ''));
  });
  after(async () => {
    await sim?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('accounts add takes the password from --password-env, and list shows the user (text and --json)', async () => {
    const add = await run(['accounts', 'add', 'cliuser', '--realms', 'redirection,remote-control', '--access', 'network', '--password-env', 'NEWPW'], { NEWPW: NEW_PASSWORD });
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.stdout.trim(), 'Added the account "cliuser" (handle 1) with Redirection, Remote Control.');
    noSecrets(add);
    const text = await run(['accounts', 'list']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Admin: admin \(factory password\)$/m);
    assert.match(text.stdout, /^ +1 {2}cliuser {2}enabled {3}network only {7}Redirection, Remote Control$/m);
    const json = JSON.parse((await run(['accounts', 'list', '--json'])).stdout);
    assert.deepEqual(json.users.map((u: { user: string; realms: number[] }) => [u.user, u.realms]), [['cliuser', [2, 5]]]);
    assert.equal(json.signedInAs, 'admin');
  });

  test('a weak password fails with the rule named, exit 1, and the device gets no AddUserAclEntryEx', async () => {
    const before = sent.filter((s) => s === 'AddUserAclEntryEx').length;
    const r = await run(['accounts', 'add', 'weakling', '--realms', '5', '--password-env', 'NEWPW'], { NEWPW: 'password1' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /breaks AMT's strong-password rule \(8 to 32 characters.*because it lacks an upper-case letter and a character that is not a letter or digit; choose a stronger one\./);
    assert.ok(!r.stderr.includes('password1'));
    assert.equal(sent.filter((s) => s === 'AddUserAclEntryEx').length, before);
    assert.equal(sim.device.accounts.byUser('weakling'), undefined);
  });

  test('without --password-env and no terminal, add says how to give the password and sends nothing', async () => {
    const r = await run(['accounts', 'add', 'nopw', '--realms', '5']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a terminal to ask on; set the password in an environment variable and name it with --password-env VAR/);
    assert.equal(sim.device.accounts.byUser('nopw'), undefined);
  });

  test('an unknown realm is a usage error naming the realms', async () => {
    const r = await run(['accounts', 'add', 'x', '--realms', 'root', '--password-env', 'NEWPW'], { NEWPW: NEW_PASSWORD });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"root" is not an AMT realm; use names or numbers from: 2 Redirection, 3 PT Administration/);
  });

  test('edit, acl off/on, and the device refusal of a duplicate name with its meaning (--json)', async () => {
    const e = await run(['accounts', 'edit', 'cliuser', '--realms', '2,5,13', '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.deepEqual(JSON.parse(e.stdout), { message: 'Changed the account "cliuser": realms Redirection, Remote Control, General Info.', handle: 1 });
    const off = await run(['accounts', 'acl', 'cliuser', 'off']);
    assert.equal(off.stdout.trim(), 'Disabled the account "cliuser".');
    assert.equal(sim.device.accounts.byUser('cliuser')?.enabled, false);
    assert.equal((await run(['accounts', 'acl', '1', 'on'])).code, 0);
    const pw = await run(['accounts', 'edit', 'cliuser', '--password-env', 'NEWPW'], { NEWPW: 'Ch4nged!pw' });
    assert.equal(pw.stdout.trim(), 'Changed the account "cliuser": new password.');
    const asUser = await amtwb(['--target', `http://127.0.0.1:${sim.port}`, '--user', 'cliuser', 'network', '--json'], { AMT_PASSWORD: 'Ch4nged!pw' });
    assert.equal(asUser.code, 0, asUser.stderr);
    assert.ok(!asUser.stdout.includes('Ch4nged!pw'));
    const dup = await run(['accounts', 'add', 'cliuser', '--realms', '5', '--password-env', 'NEWPW'], { NEWPW: NEW_PASSWORD });
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /AddUserAclEntryEx ReturnValue 2058: Duplicate \(DUPLICATE\)\); that user name is already in use/);
  });

  test('removing the account signed in with needs --yes in a script; nothing is sent without it', async () => {
    await run(['accounts', 'add', 'self', '--realms', 'pt-administration', '--password-env', 'NEWPW'], { NEWPW: NEW_PASSWORD });
    const asSelf = (args: string[]) => amtwb(['--target', `http://127.0.0.1:${sim.port}`, '--user', 'self', ...args], { AMT_PASSWORD: NEW_PASSWORD });
    const before = sent.filter((s) => s === 'RemoveUserAclEntry').length;
    const no = await asSelf(['accounts', 'remove', 'self']);
    assert.equal(no.code, 1);
    assert.match(no.stderr, /locks you out: it is the account you are signed in with.*nothing was changed \(pass --yes to go on in a script\)\./);
    assert.equal(sent.filter((s) => s === 'RemoveUserAclEntry').length, before);
    const yes = await asSelf(['accounts', 'remove', 'self', '--yes']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.stdout.trim(), 'Removed the account "self".');
    noSecrets(yes);
  });

  test('admin-password from the environment: the new one logs on', async () => {
    const r = await run(['accounts', 'admin-password', '--password-env', 'NEWPW', '--yes'], { NEWPW: 'Adm1n!cli' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Set the password of the admin account "admin".');
    const list = await amtwb(['--target', `http://127.0.0.1:${sim.port}`, '--user', 'admin', 'accounts', 'list'], { AMT_PASSWORD: 'Adm1n!cli' });
    assert.match(list.stdout, /^Admin: admin$/m);
    sim.device.accounts.set('admin', DEFAULT_ACCOUNT.password);
  });

  test('network prints the wired, wireless and TLS settings (text and --json)', async () => {
    const text = await run(['network']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^  MAC ${sim.device.identity.wiredMac}, link up, DHCP`, 'm'));
    assert.match(text.stdout, /^  remote \(network\): off \(plain HTTP\)$/m);
    const json = JSON.parse((await run(['network', '--json'])).stdout);
    assert.equal(json.wireless.mac, sim.device.identity.wirelessMac);
    assert.equal(json.tls.local.enabled, false);
  });

  test('certs add-root, list, keygen, csr --out and commit (text and --json)', async () => {
    const pem = path.join(dir, 'root.pem');
    fs.writeFileSync(pem, TEST_CERT);
    const add = await run(['certs', 'add-root', pem, '--json']);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(JSON.parse(add.stdout).certificate.fingerprint, TEST_CERT_SHA256);
    const list = await run(['certs', 'list']);
    assert.match(list.stdout, /^ +1 {2}CN=Intel\(r\) AMT test device {2}\[trusted root\]$/m);
    assert.ok(list.stdout.includes(`SHA-256 ${TEST_CERT_SHA256}`));
    const key = await run(['certs', 'keygen']);
    assert.match(key.stdout, /^Generated a 2048-bit RSA key pair \(Intel\(r\) AMT Key: Handle: (\d+)\)\.$/m);
    const handle = /Handle: (\d+)/.exec(key.stdout)![1]!;
    const out = path.join(dir, 'req.pem');
    const csr = await run(['certs', 'csr', '--key', handle, '--cn', 'cli.example.test', '--out', out]);
    assert.equal(csr.code, 0, csr.stderr);
    assert.match(csr.stdout, /signed a certificate request for CN=cli\.example\.test .*Written to /);
    assert.match(fs.readFileSync(out, 'utf8'), /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const commit = await run(['certs', 'commit', '--json']);
    assert.deepEqual(JSON.parse(commit.stdout), { message: 'Committed the staged settings; the device applies them now.' });
  });

  test('network tls --tls-only over plain HTTP refuses in a script without --yes and stages nothing', async () => {
    const before = sent.filter((s) => s === 'Put').length;
    const r = await run(['network', 'tls', '--interface', 'remote', '--on', '--tls-only', '--cert', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TLS-only on the remote interface refuses plain HTTP once committed.*nothing was changed \(pass --yes to go on in a script\)\./);
    assert.equal(sent.filter((s) => s === 'Put').length, before);
    const ok = await run(['network', 'tls', '--interface', 'local', '--on']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'Staged TLS on, plain HTTP still accepted on the local interface; commit the changes for them to take effect.');
  });
});
