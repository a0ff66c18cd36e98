/** The simulated host's OS on its serial console (server/src/sim/host/os.ts, shell.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POWER } from '../../../../server/src/sim/power-states';
import { withHost } from './helpers';

test('Enter at the quiet console re-prints the login prompt; root/amt logs in; a wrong password answers Login incorrect', () =>
  withHost(async (d, c) => {
    await c.refusedLogin('root', 'wrong', 'hosttest login: ');
    await c.expect('hosttest login: ');
    c.type('root\r');
    await c.expect('Password: ');
    c.type('amt\n');
    const welcome = await c.expect('root@hosttest:~# ');
    assert.match(welcome, /Welcome to SimOS 1\.0 \(AMT Workbench simulator\)/);
    assert.ok(!c.output.includes('wrong') && !c.output.includes('amt\r'), 'passwords are not echoed');
  }));

test('the shell answers uname, hostname, whoami, echo, ls, cat /etc/os-release and unknown commands', () =>
  withHost(async (d, c) => {
    await c.login();
    assert.equal(await c.run('uname'), 'SimOS\r\n');
    assert.match(await c.run('uname -a'), /^SimOS hosttest 1\.0\.0-amt .*SimOS 1\.0/);
    assert.equal(await c.run('hostname'), 'hosttest\r\n');
    assert.equal(await c.run('whoami'), 'root\r\n');
    assert.equal(await c.run('echo hello  world'), 'hello world\r\n');
    assert.match(await c.run('ls /'), /bin {2}boot {2}etc {2}home {2}root/);
    assert.match(await c.run('ls /boot'), /vmlinuz-1\.0\.0-amt/);
    assert.match(await c.run('ls /nowhere'), /ls: cannot access '\/nowhere': No such file or directory/);
    assert.match(await c.run('cat /etc/os-release'), /PRETTY_NAME="SimOS 1\.0 \(AMT Workbench simulator\)"/);
    assert.match(await c.run('cat /etc'), /cat: \/etc: Is a directory/);
    assert.equal(await c.run('frobnicate now'), 'frobnicate: command not found\r\n');
    assert.match(await c.run('help'), /uptime.*reboot/);
  }));

test('uptime counts from the boot on the device clock; date shows the device clock', () =>
  withHost(async (d, c) => {
    await c.login();
    d.advance(2 * 3600_000 + 5 * 60_000);
    assert.match(await c.run('uptime'), / up 2:05, {2}1 user/);
    const year = new Date(d.now()).getUTCFullYear();
    assert.match(await c.run('date'), new RegExp(`UTC ${year}\\r\\n$`));
  }));

test('line editing: backspace removes a character, Ctrl-C cancels the line, \\r\\n is one Enter', () =>
  withHost(async (d, c) => {
    await c.login();
    c.type('whoamx\x7fi\r\n');
    await c.expect('\b \b');
    assert.equal(await c.expect('root@'), 'i\r\nroot\r\nroot@');
    await c.expect(':~# ');
    c.type('uname\x03');
    await c.expect('^C\r\n');
    await c.expect(':~# ');
    c.type('hostnaxy\b\bme\r');
    assert.match(await c.expect('root@'), /me\r\nhosttest\r\nroot@$/);
  }));

test('exit goes back to login:; a reboot from the shell records a host-initiated Reset boot and the OS comes back', () =>
  withHost(async (d, c) => {
    await c.login();
    c.type('exit\r');
    await c.expect('hosttest login: ');
    await c.login();
    const boots = d.host.state.boots.length;
    c.type('reboot\r');
    await c.expect('reboot: Restarting system');
    await c.expect('SimOS 1.0 (AMT Workbench simulator) hosttest ttyS1');
    await c.expect('hosttest login: ');
    assert.equal(d.host.state.boots.length, boots + 1);
    assert.deepEqual([d.host.lastBoot?.reason, d.host.lastBoot?.initiator, d.host.lastBoot?.medium], ['Reset', 'host', 'hard-drive']);
    assert.deepEqual(d.host.lastBoot?.path, ['post', 'hard-drive', 'os']);
    assert.equal(d.powerState, POWER.On);
    assert.equal(d.singleton('IPS_HostBootReason').Reason, 1, 'an OS reboot is no remote-control boot');
  }));

test('shutdown powers the host off (soft off), the serial port reports it and ignores keys until power-on', () =>
  withHost(async (d, c) => {
    const power: boolean[] = [];
    d.host.serial.on('power', (p: boolean) => power.push(p));
    await c.login();
    const powerEvents: number[] = [];
    d.on('power', (p: { state: number }) => powerEvents.push(p.state));
    c.type('shutdown\r');
    await c.expect('reboot: Power down');
    await waitUntil(() => d.powerState === POWER.OffSoft);
    assert.deepEqual(powerEvents, [POWER.OffSoft]);
    assert.deepEqual(power, [false]);
    assert.equal(d.host.serial.powered, false);
    const before = c.output.length;
    c.type('root\r');
    await new Promise((r) => setImmediate(r));
    assert.equal(c.output.length, before, 'a powered-off host prints nothing');
    assert.equal(d.requestPowerStateChange(POWER.On), 0);
    assert.deepEqual(power, [false, true]);
    await c.expect('hosttest login: ');
    assert.equal(d.host.lastBoot?.reason, 'Power Up');
  }));

test('--host-user and --host-password (SimDeviceOptions hostUser/hostPassword) set the OS login', () =>
  withHost({ hostUser: 'ops', hostPassword: 's3cret' }, async (d, c) => {
    await c.refusedLogin('root', 'amt');
    await c.login('ops', 's3cret');
    assert.equal(await c.run('whoami', 'ops@'), 'ops\r\n');
  }));

test('a user-consent code shows on the host console', () =>
  withHost(async (d, c) => {
    d.emit('opt-in', { state: 2, code: '123456' });
    await c.expect('*** Intel(R) AMT: user consent code 123456');
    assert.match(d.host.serial.screen.text(), /user consent code 123456/);
  }));

async function waitUntil(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('The condition never held.');
    await new Promise((r) => setTimeout(r, 5));
  }
}
