/**
 * Devices older than AMT 6.0 (`amtwb sim --model amt5`) over real sockets: what the simulated
 * firmware answers on the wire, and what the product makes of it — detection and the one-sentence
 * summary, information, power state and every power action (each reaching the device once), a
 * wrong password refused once and not sent again, and class browsing / .wsman sending saying the
 * firmware predates WS-Management.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';
import { registerHandlers, type HandlerHost } from '../../../server/src/handlers';
import { Requests, type TargetInfo } from '../../../server/src/protocol';
import { AmtError } from '../../../server/src/errors';
import { callLegacy, devicePowerAction, devicePowerState, identifyDevice, isLegacyIdentify } from '../../../server/src/features/legacy';
import { rawRequest } from '../sim/helpers';

const SUMMARY = 'This device runs AMT 5.0.1, which predates WS-Management; AMT Workbench offers its information and power control over the legacy SOAP interface.';
const PREDATES = /runs AMT 5\.0\.1, which predates WS-Management \(AMT 6\.0\), so it has no classes to browse and no \/wsman to send to; use its information and power control/;

function clientOf(sim: Simulator, password: string = DEFAULT_ACCOUNT.password): WsmanClient {
  return new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), user: DEFAULT_ACCOUNT.user, password });
}

describe('legacy simulator on the wire', () => {
  let sim: Simulator;
  before(async () => (sim = await startSimulator({ port: 0, legacy: 'amt5', redirectionPort: 0, redirectionTlsPort: 0 })));
  after(() => sim?.close());

  test('POST /wsman is 404 before any authentication, with the old firmware Server header', async () => {
    const r = await rawRequest({ host: '127.0.0.1', port: sim.port }, { body: '<x/>' });
    assert.equal(r.status, 404);
    assert.equal(r.headers.server, 'Intel(R) Active Management Technology 5.0.1');
  });

  test('a service path asks for Digest, and a GET of it is 405', async () => {
    const post = await rawRequest({ host: '127.0.0.1', port: sim.port }, { path: '/RemoteControlService', body: '<x/>' });
    assert.equal(post.status, 401);
    assert.match(String(post.headers['www-authenticate']), /^Digest realm="Digest:[0-9A-F]{32}"/);
    const get = await rawRequest({ host: '127.0.0.1', port: sim.port }, { path: '/RemoteControlService', method: 'GET' });
    assert.equal(get.status, 405);
  });

  test('a DOCTYPE in a request is refused with a SOAP fault, nothing expanded', async () => {
    const client = clientOf(sim);
    try {
      const body = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&a;</s:Body></s:Envelope>';
      const r = await client.postSoap('/GeneralInfoService', body, 'x', 'Get');
      assert.equal(r.status, 500);
      assert.match(r.body, /<faultcode>SOAP-ENV:Client<\/faultcode><faultstring>Malformed request/);
    } finally {
      client.close();
    }
  });

  test('an unknown method answers a SOAP fault the product turns into one sentence', async () => {
    const client = clientOf(sim);
    try {
      await assert.rejects(callLegacy(client, 'RemoteControl', 'GetNothing'), (e: unknown) =>
        e instanceof AmtError && e.code === 'legacy.fault' && /^The device refused RemoteControl\.GetNothing with a SOAP fault \("Method 'GetNothing' not implemented/.test(e.message));
    } finally {
      client.close();
    }
  });
});

describe('the product on a legacy device', () => {
  let sim: Simulator;
  let client: WsmanClient;
  before(async () => {
    sim = await startSimulator({ port: 0, legacy: 'amt5', redirectionPort: 0, redirectionTlsPort: 0 });
    client = clientOf(sim);
  });
  after(async () => {
    client?.close();
    await sim?.close();
  });

  test('identify detects it and says in one sentence what it is, with its information', async () => {
    const id = await identifyDevice(client);
    assert.ok(isLegacyIdentify(id));
    assert.equal(id.legacy.summary, SUMMARY);
    assert.equal(id.productVersion, 'AMT 5.0.1');
    assert.equal(id.server, 'Intel(R) Active Management Technology 5.0.1');
    assert.equal(id.legacy.hostName, sim.device.identity.hostName);
    assert.equal(id.legacy.domainName, sim.device.identity.domainName);
    assert.equal(id.legacy.provisioningState, 2);
    assert.ok(id.legacy.codeVersions.some((c) => c.description === 'AMT' && c.version === '5.0'));
  });

  test('power status reads the host state through RemoteControl', async () => {
    const s = await devicePowerState(client);
    assert.equal(s.powerState, 2);
    assert.equal(s.label, 'On');
    assert.deepEqual(s.available.map((a) => a.value), [10, 8, 5]);
  });

  test('each power action reaches the device exactly once and drives its host', async () => {
    const seen: number[] = [];
    const onPower = (c: { requested: number }) => seen.push(c.requested);
    sim.device.on('power', onPower);
    try {
      const off = await devicePowerAction(client, 'off');
      assert.deepEqual(off.powerState, { powerState: 8, label: 'Off - Soft' });
      assert.equal(sim.device.powerState, 8);
      assert.equal((await devicePowerState(client)).label, 'Off - Soft');
      assert.equal((await devicePowerAction(client, 'on')).powerState?.label, 'On');
      assert.equal((await devicePowerAction(client, 'reset')).powerState?.powerState, 2);
      assert.equal((await devicePowerAction(client, 'cycle')).powerState?.powerState, 2);
      // Off Soft, On, Master Bus Reset, Power Cycle: one request each, nothing sent twice.
      assert.deepEqual(seen, [8, 2, 10, 5]);
    } finally {
      sim.device.off('power', onPower);
    }
  });

  test('a command the host state forbids is one refusal sentence, sent once', async () => {
    await devicePowerAction(client, 'off');
    const seen: number[] = [];
    const onRequest = (r: { action?: string }) => r.action?.endsWith('#RemoteControl') && seen.push(1);
    sim.device.on('request', onRequest);
    try {
      await assert.rejects(devicePowerAction(client, 'off'), (e: unknown) =>
        e instanceof AmtError && e.code === 'power.refused' &&
        e.message === 'The device refused to power the host off (PT_STATUS 0x10: not permitted); the host is probably not running (for example already off), so check "power status" first.');
      assert.equal(seen.length, 1);
    } finally {
      sim.device.off('request', onRequest);
      await devicePowerAction(client, 'on');
    }
  });

  test('graceful actions are refused before anything reaches RemoteControl', async () => {
    const before = sim.device.powerState;
    await assert.rejects(devicePowerAction(client, 'soft-off'), (e: unknown) =>
      e instanceof AmtError && e.code === 'legacy.unsupported' && /use off or reset instead\.$/.test(e.message));
    assert.equal(sim.device.powerState, before);
  });

  test('class browsing and .wsman sending say the firmware predates WS-Management', async () => {
    await assert.rejects(client.enumerateAll('CIM_ComputerSystem'), (e: unknown) => e instanceof Error && PREDATES.test(e.message));
    const envelope = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/><s:Body><wsmid:Identify xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"/></s:Body></s:Envelope>';
    await assert.rejects(client.sendRaw(envelope), (e: unknown) => e instanceof Error && PREDATES.test(e.message));
  });

  test('a wrong password fails once with one sentence and is never sent again', async () => {
    const wrong = clientOf(sim, 'not-the-password');
    const failedBefore = sim.device.failedLogins;
    try {
      await assert.rejects(identifyDevice(wrong), (e: unknown) =>
        e instanceof AmtError && e.code === 'auth.failed' && /^Wrong user name or password for admin@127\.0\.0\.1:\d+ .*so it was not retried/.test(e.message));
      assert.equal(sim.device.failedLogins, failedBefore + 1);
      await assert.rejects(devicePowerAction(wrong, 'off'), (e: unknown) => e instanceof AmtError && /refused earlier and is not sent again/.test(e.message));
      assert.equal(sim.device.failedLogins, failedBefore + 1);
      assert.equal(sim.device.powerState, 2);
    } finally {
      wrong.close();
    }
  });
});

describe('the backend handlers on a legacy device', () => {
  const SIM: TargetInfo = { id: 'old', kind: 'remote', label: 'Old desktop', removable: true, state: 'connected' };
  let sim: Simulator;
  let client: WsmanClient;
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  let dispose: () => unknown = () => undefined;
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => {
    const fn = handlers.get(type.method);
    assert.ok(fn, `${type.method} has a handler`);
    return (await fn(params, new AbortController().signal)) as R;
  };

  before(async () => {
    sim = await startSimulator({ port: 0, legacy: 'amt5', redirectionPort: 0, redirectionTlsPort: 0 });
    client = clientOf(sim);
    const registry: HandlerHost['registry'] = {
      connect: async () => client,
      info: () => ({ ...SIM, url: `http://127.0.0.1:${sim.port}/wsman` }),
      list: () => [SIM],
      add: () => SIM,
      remove: async () => undefined,
      simulator: async () => sim,
    };
    const registered = registerHandlers({
      handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown),
      notify: () => undefined,
      registry,
    });
    dispose = () => registered.dispose();
  });
  after(async () => {
    await dispose();
    client?.close();
    await sim?.close();
  });

  test('amt/targets/identify gives the Devices view its product, protocol and firmware rows', async () => {
    const id = await call(Requests.identify, { targetId: 'old' });
    assert.equal(`${id.productVendor} ${id.productVersion}`, 'Intel(r) AMT 5.0.1');
    assert.equal(id.protocolVersion, 'legacy SOAP (EOI), before WS-Management');
    assert.equal(id.server, 'Intel(R) Active Management Technology 5.0.1');
    assert.equal((id as { legacy?: { summary: string } }).legacy?.summary, SUMMARY);
  });

  test('amt/power/state and amt/power/action serve the Power view', async () => {
    assert.deepEqual(await call(Requests.powerState, { targetId: 'old' }), { powerState: 2, label: 'On' });
    const r = await call(Requests.powerAction, { targetId: 'old', action: 'off' });
    assert.deepEqual(r.powerState, { powerState: 8, label: 'Off - Soft' });
    await call(Requests.powerAction, { targetId: 'old', action: 'on' });
    assert.equal(sim.device.powerState, 2);
  });

  test('class browsing (probe and enumerate) answers the predates sentence', async () => {
    await assert.rejects(call(Requests.probeClass, { targetId: 'old', className: 'CIM_ComputerSystem' }), (e: unknown) => e instanceof Error && PREDATES.test(e.message));
    await assert.rejects(call(Requests.enumeratePage, { targetId: 'old', className: 'AMT_GeneralSettings', maxElements: 10 }), (e: unknown) => e instanceof Error && PREDATES.test(e.message));
  });
});
