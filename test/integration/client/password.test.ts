/**
 * One failed log-on per wrong password, ever: a remote device (a simulator on a loopback port,
 * which counts failed Digest log-ons) behind the real backend, read by the Power view's models
 * with the password the extension would attach from secret storage. A refused password is not
 * sent again — however often the view polls or the user retries — until another is entered; the
 * views say "wrong password — enter it again" and stop polling that device.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { DevicesTree } from '../../../client/src/model/devicesTree';
import { describeReading, PowerPoller, PowerStore, PowerTree, WRONG_PASSWORD } from '../../../client/src/model/power';
import type { Request } from '../../../client/src/model/request';
import { ClassTree } from '../../../client/src/model/classTree';
import { Notifications, Requests } from '../../../server/src/protocol';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { startBackend, type Backend } from './backend';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a wrong password', { timeout: 60_000 }, () => {
  let backend: Backend;
  let sim: Simulator;
  let targetId: string;
  /** What secret storage holds for the device. */
  let stored = 'not-the-password';
  let devices: DevicesTree;
  let power: PowerStore;
  let poller: PowerPoller;
  const failed = () => sim.device.failedLogins;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    backend = await startBackend();
    // As Ctx.request does: the device's credentials go with every request that names it.
    const request: Request = <P, R>(type: RequestType<P, R, void>, params: P) =>
      backend.request(type, ((params as { targetId?: string } | undefined)?.targetId === targetId ? { ...params, credentials: { user: 'admin', password: stored } } : params) as P) as Promise<R>;
    const info = await request(Requests.addTarget, { url: `http://127.0.0.1:${sim.port}`, user: 'admin', label: 'Lab' });
    targetId = info.id;
    power = new PowerStore(request);
    devices = new DevicesTree({ request, power, classTree: (id) => new ClassTree(request, id, { pageSize: 50, idPrefix: id }) });
    backend.onNotification(Notifications.targetChanged, (c) => devices.applyChange(c));
    await devices.list();
    poller = new PowerPoller(power, () => devices.known.find((t) => t.id === targetId), () => true);
  });
  after(async () => {
    await backend?.close();
    await sim?.close();
  });

  const state = () => devices.known.find((t) => t.id === targetId)?.state;
  async function until(what: string, check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await sleep(25);
    assert.ok(check(), `timed out waiting for ${what}`);
  }

  test('costs one failed log-on; the view says so and stops polling', async () => {
    const before = failed();
    await assert.rejects(power.refresh(targetId));
    assert.equal(failed() - before, 1);
    assert.equal(describeReading(power.get(targetId)), WRONG_PASSWORD);
    await until('the wrong-password state to reach the device list', () => state() === 'wrong-password');
    const [row, ...rest] = await new PowerTree(power, () => ({ id: targetId, label: 'Lab' })).roots();
    assert.equal(row!.label, `Lab: ${WRONG_PASSWORD}`);
    assert.equal(row!.command?.id, 'amt.enterPassword', 'the row enters the password');
    assert.equal(rest.length, 0, 'no power actions that would be refused too');

    assert.equal(poller.due(), false, 'the poll leaves the device alone');
    for (let i = 0; i < 5; i++) poller.tick();
    await sleep(200);
    assert.equal(failed() - before, 1, 'polling sent nothing');
  });

  test('asked again with the same password, the backend refuses without sending it', async () => {
    const before = failed();
    await assert.rejects(backend.request(Requests.powerState, { targetId, credentials: { user: 'admin', password: stored } }), (e: { data?: { code?: string }; message: string }) => {
      assert.equal(e.data?.code, 'auth.rejected');
      assert.match(e.message, /not sent again/);
      return true;
    });
    await assert.rejects(power.refresh(targetId));
    assert.equal(failed(), before, 'no failed log-on at the device');
  });

  test('another password is sent once; when accepted, the view reads the device and polls again', async () => {
    stored = DEFAULT_ACCOUNT.password;
    const before = failed();
    const s = await power.refresh(targetId);
    assert.equal(typeof s.powerState, 'number');
    assert.match(describeReading(power.get(targetId)), /\(\d+\)$/);
    await until('the device to read connected', () => state() === 'connected');
    assert.equal(poller.due(), true);
    assert.equal(failed(), before);
  });

  test('a password changed on the device stops costing log-ons after the first call', async () => {
    sim.device.accounts.set('admin', 'Changed-1');
    const before = failed();
    await assert.rejects(power.refresh(targetId));
    const first = failed() - before;
    // The reused Digest nonce may have expired (AMT's 401 does not say), so the client tries the
    // fresh nonce once: at most two failed log-ons, then none.
    assert.ok(first >= 1 && first <= 2, `the first call cost ${first}`);
    await until('the wrong-password state', () => state() === 'wrong-password');
    for (let i = 0; i < 5; i++) {
      poller.tick();
      await power.refresh(targetId).catch(() => undefined);
    }
    await sleep(100);
    assert.equal(failed() - before, first, 'nothing more was sent with the old password');
    stored = 'Changed-1';
    await power.refresh(targetId);
    assert.equal(failed() - before, first);
  });
});
