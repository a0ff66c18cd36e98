/** TargetRegistry against real sockets: a simulator on 127.0.0.1:0 as a "remote" device, and the embedded one. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TargetRegistry, parseDeviceUrl, DEFAULT_SIM_ID } from '../../../server/src/targets/registry';
import { startSimulator, DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { AmtError } from '../../../server/src/errors';
import type { TargetChange } from '../../../server/src/protocol';

const hasCode = (code: string, re?: RegExp) => (e: unknown) => e instanceof AmtError && e.code === code && (!re || re.test(e.message));

describe('TargetRegistry with a remote device', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let url: string;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    url = `http://127.0.0.1:${sim.port}`;
  });
  after(async () => {
    await sim?.close();
  });

  test('adds a device, connects with the password given per call, and reports the state', async () => {
    const changes: TargetChange[] = [];
    const registry = new TargetRegistry({ simulator: false, onChange: (t) => changes.push(t) });
    try {
      const info = registry.add({ kind: 'remote', url, user: DEFAULT_ACCOUNT.user, label: 'bench' });
      assert.deepEqual(info, { id: `admin@127.0.0.1:${sim.port}`, kind: 'remote', label: 'bench', url, user: 'admin', removable: true, state: 'disconnected' });
      assert.equal(JSON.stringify(registry.list()).includes(DEFAULT_ACCOUNT.password), false, 'no password in the list');
      const client = await registry.connect(info.id, { user: 'admin', password: DEFAULT_ACCOUNT.password });
      const gs = await client.get('AMT_GeneralSettings');
      assert.equal(gs.properties.InstanceID, 'Intel(r) AMT: General Settings');
      assert.equal(registry.info(info.id).state, 'connected');
      assert.deepEqual(changes[0], { kind: 'added', target: info }, 'the addition is announced with the one target');
      assert.deepEqual(changes.at(-1), { kind: 'updated', target: registry.info(info.id) }, 'then its state change, not the whole list');
    } finally {
      await registry.dispose();
    }
  });

  test('caches one client per user and password; a new password makes a new client', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      const { id } = registry.add({ kind: 'remote', url, user: 'admin' });
      const a = await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password });
      const b = await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password });
      assert.equal(a, b);
      const c = await registry.connect(id, { user: 'admin', password: 'other' });
      assert.notEqual(c, a);
    } finally {
      await registry.dispose();
    }
  });

  test('a changed timeout setting takes effect on the next connect', async () => {
    let timeoutMs = 5000;
    const registry = new TargetRegistry({ simulator: false, timeoutMs: () => timeoutMs });
    try {
      const { id } = registry.add({ kind: 'remote', url, user: 'admin' });
      const a = await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password });
      assert.equal(await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password }), a);
      timeoutMs = 7000;
      assert.notEqual(await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password }), a);
    } finally {
      await registry.dispose();
    }
  });

  test('a wrong password is one failed log-on, marks the target wrong-password and is not sent again', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      const { id } = registry.add({ kind: 'remote', url, user: 'admin' });
      const before = sim.device.failedLogins;
      const client = await registry.connect(id, { user: 'admin', password: 'wrong' });
      await assert.rejects(client.get('AMT_GeneralSettings'), hasCode('auth.failed'));
      assert.equal(sim.device.failedLogins - before, 1, 'exactly one attempt');
      const info = registry.info(id);
      assert.equal(info.state, 'wrong-password');
      assert.match(info.error!, /^Wrong password for admin on .*; enter the password again\.$/);
      await assert.rejects(registry.connect(id, { user: 'admin', password: 'wrong' }), hasCode('auth.rejected', /not sent again/));
      assert.equal(sim.device.failedLogins - before, 1, 'the refused password was not sent again');
      const good = await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password });
      assert.equal((await good.get('AMT_GeneralSettings')).className, 'AMT_GeneralSettings');
      assert.equal(registry.info(id).state, 'connected');
    } finally {
      await registry.dispose();
    }
  });

  test('connect with verify makes one authenticated request', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      const { id } = registry.add({ kind: 'remote', url, user: 'admin' });
      await assert.rejects(registry.connect(id, { user: 'admin', password: 'nope' }, { verify: true }), hasCode('auth.failed'));
      await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password }, { verify: true });
      assert.equal(registry.info(id).state, 'connected');
    } finally {
      await registry.dispose();
    }
  });

  test('a remote device needs a password on every connect', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      const { id } = registry.add({ kind: 'remote', url, user: 'admin' });
      await assert.rejects(registry.connect(id), hasCode('auth.missing', /password/));
    } finally {
      await registry.dispose();
    }
  });

  test('the trace sink gets the wire traffic with Authorization redacted', async () => {
    const lines: string[] = [];
    const registry = new TargetRegistry({ simulator: false, trace: (id, dir, text) => lines.push(`${id} ${dir} ${text}`) });
    try {
      const { id } = registry.add({ kind: 'remote', url, user: 'admin' });
      const client = await registry.connect(id, { user: 'admin', password: DEFAULT_ACCOUNT.password });
      await client.get('AMT_GeneralSettings');
      assert.ok(lines.some((l) => l.startsWith(`${id} request`) && /authorization: \[redacted\]/i.test(l)));
      assert.ok(lines.some((l) => l.startsWith(`${id} response`) && l.includes('AMT_GeneralSettings')));
      assert.ok(!lines.join('\n').includes(DEFAULT_ACCOUNT.password));
    } finally {
      await registry.dispose();
    }
  });
});

describe('TargetRegistry bookkeeping', () => {
  test('rejects bad addresses, duplicates and unknown ids with a sentence', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      assert.throws(() => registry.add({ kind: 'remote', url: 'ftp://x', user: 'admin' }), hasCode('target.invalid', /http:\/\/HOST:16992/));
      assert.throws(() => registry.add({ kind: 'remote', url: 'not a url', user: 'admin' }), hasCode('target.invalid'));
      assert.throws(() => registry.add({ kind: 'remote', url: 'http://u:p@host', user: 'admin' }), hasCode('target.invalid', /own fields/));
      // Whatever else is wrong with the address, the message never quotes its password.
      assert.throws(() => registry.add({ kind: 'remote', url: 'ftp://u:s3cret@host/x', user: 'admin' }), (e: Error) => hasCode('target.invalid', /own fields/)(e) && !e.message.includes('s3cret'));
      registry.add({ kind: 'remote', url: 'http://host', user: 'admin' });
      assert.throws(() => registry.add({ kind: 'remote', url: 'http://host:16992/wsman', user: 'admin' }), hasCode('target.exists'));
      assert.throws(() => registry.info('nope'), hasCode('target.unknown', /admin@host:16992/));
      await assert.rejects(registry.remove('nope'), hasCode('target.unknown'));
      await registry.remove('admin@host:16992');
      assert.deepEqual(registry.list(), []);
    } finally {
      await registry.dispose();
    }
  });

  test('this machine can be added as local (MEI), lms and auto; a missing MEI device is the error state', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      const local = registry.add({ kind: 'local', meiPath: '/nonexistent/mei0' });
      assert.deepEqual([local.id, local.kind, local.user], ['local', 'local', '(local system account)']);
      const lms = registry.add({ kind: 'lms' });
      assert.deepEqual([lms.id, lms.kind, lms.url], ['lms', 'lms', 'http://127.0.0.1:16992']);
      assert.equal(registry.add({ kind: 'auto' }).kind, 'local');
      await assert.rejects(registry.connect('local'), hasCode('mei.enoent', /No MEI device at \/nonexistent\/mei0/));
      assert.equal(registry.info('local').state, 'error');
      assert.match(registry.info('local').error ?? '', /modprobe mei_me/);
    } finally {
      await registry.dispose();
    }
  });

  test('device URLs default to the AMT ports', () => {
    assert.deepEqual(parseDeviceUrl('http://10.0.0.5'), { tls: false, host: '10.0.0.5', port: 16992 });
    assert.deepEqual(parseDeviceUrl('https://amt.example/wsman'), { tls: true, host: 'amt.example', port: 16993 });
    assert.deepEqual(parseDeviceUrl('http://[::1]:1234'), { tls: false, host: '::1', port: 1234 });
    assert.deepEqual(parseDeviceUrl('http://h:80'), { tls: false, host: 'h', port: 80 });
  });

  test('a disposed registry refuses further work', async () => {
    const registry = new TargetRegistry({ simulator: false });
    await registry.dispose();
    assert.throws(() => registry.add({ kind: 'remote', url: 'http://h', user: 'a' }), hasCode('target.disposed'));
  });
});

describe('TargetRegistry with the embedded simulator', () => {
  test('lists the simulator, starts it on first connect and stops it on dispose', async () => {
    const registry = new TargetRegistry();
    const [sim] = registry.list();
    assert.equal(sim!.id, DEFAULT_SIM_ID);
    assert.equal(sim!.kind, 'sim');
    assert.equal(sim!.removable, false);
    assert.equal(sim!.url, undefined, 'not started before use');
    const client = await registry.connect(DEFAULT_SIM_ID);
    const id = await client.identify();
    assert.ok(id.productVendor.length > 0);
    const url = registry.info(DEFAULT_SIM_ID).url!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await assert.rejects(registry.remove(DEFAULT_SIM_ID), hasCode('target.not-removable'));
    await registry.dispose();
    const port = Number(new URL(url).port);
    const { connect } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () => reject(new Error('the simulator still listens after dispose')));
      s.on('error', () => resolve());
    });
  });

  test('concurrent first connects share one simulator; wrong credentials are honoured', async () => {
    const registry = new TargetRegistry();
    try {
      const [a, b] = await Promise.all([registry.connect(DEFAULT_SIM_ID), registry.connect(DEFAULT_SIM_ID)]);
      assert.equal(a, b);
      const bad = await registry.connect(DEFAULT_SIM_ID, { user: 'admin', password: 'wrong' });
      await assert.rejects(bad.get('AMT_GeneralSettings'), hasCode('auth.failed'));
      await assert.rejects(registry.connect(DEFAULT_SIM_ID, { user: 'someone-else' }), hasCode('auth.missing'));
    } finally {
      await registry.dispose();
    }
  });

  test('more simulators can be added for fleet work, each on its own port', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      const one = registry.add({ kind: 'sim' });
      const two = registry.add({ kind: 'sim' });
      assert.notEqual(one.id, two.id);
      await registry.connect(one.id);
      await registry.connect(two.id);
      assert.notEqual(registry.info(one.id).url, registry.info(two.id).url);
    } finally {
      await registry.dispose();
    }
  });
});
