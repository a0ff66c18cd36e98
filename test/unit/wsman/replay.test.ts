import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WsmanClient } from '../../../server/src/wsman/client';
import { buildEnumerate, buildGet, buildIdentify, buildInvoke, buildPut, buildRelease } from '../../../server/src/wsman/envelope';
import { ConnectionError, OutcomeUnknownError } from '../../../server/src/wsman/errors';
import { mayResend, operationOfEnvelope } from '../../../server/src/wsman/replay';
import { tcpTransport } from '../../../server/src/wsman/transport';
import { amtEnvelope, startFakeDevice, type FakeReply, type FakeRequest } from './fakeDevice';

const CIM = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const PMS = 'CIM_PowerManagementService';

const GENERAL_SETTINGS = amtEnvelope(
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse',
  `${AMT}AMT_GeneralSettings`,
  '<g:AMT_GeneralSettings><g:HostName>nuc-lab-7</g:HostName></g:AMT_GeneralSettings>',
  `xmlns:g="${AMT}AMT_GeneralSettings"`,
);
const POWER_OK = amtEnvelope(
  `${CIM}${PMS}/RequestPowerStateChangeResponse`,
  `${CIM}${PMS}`,
  '<g:RequestPowerStateChange_OUTPUT><g:ReturnValue>0</g:ReturnValue></g:RequestPowerStateChange_OUTPUT>',
  `xmlns:g="${CIM}${PMS}"`,
);

test('only Identify, Get, Enumerate, Pull and Release may be resent; the operation is read from the envelope', () => {
  assert.equal(operationOfEnvelope(buildIdentify()), 'Identify');
  assert.equal(operationOfEnvelope(buildGet('AMT_GeneralSettings')), 'Get');
  assert.equal(operationOfEnvelope(buildEnumerate('CIM_SoftwareIdentity')), 'Enumerate');
  assert.equal(operationOfEnvelope(buildRelease('CIM_SoftwareIdentity', 'ctx')), 'Release');
  assert.equal(operationOfEnvelope(buildPut('AMT_GeneralSettings', { HostName: 'x' })), 'Put');
  assert.equal(operationOfEnvelope(buildInvoke(PMS, 'RequestPowerStateChange', { PowerState: 10 })), 'Invoke');
  assert.equal(operationOfEnvelope('<Envelope><Header><Action>urn:odd</Action></Header><Body/></Envelope>'), 'request');
  for (const op of ['Identify', 'Get', 'Enumerate', 'Pull', 'Release'] as const) assert.equal(mayResend(op), true, op);
  for (const op of ['Put', 'Create', 'Delete', 'Invoke', 'Subscribe', 'Unsubscribe', 'Renew', 'request'] as const) assert.equal(mayResend(op), false, op);
  assert.equal(mayResend(undefined), false);
});

/**
 * A device that answers the first request on a connection and then, for the request under test,
 * reads it and closes the kept-alive connection without a byte of answer (as a firmware reset or
 * an APF channel closing does).
 */
async function dropsAfterReceiving(dropWhen: (req: FakeRequest) => boolean, reply: (req: FakeRequest) => FakeReply) {
  let dropped = 0;
  const received: string[] = [];
  const device = await startFakeDevice({
    handler: (req) => {
      received.push(req.body);
      if (dropped === 0 && dropWhen(req)) {
        dropped++;
        return 'drop';
      }
      return reply(req);
    },
  });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd', timeoutMs: 5000 });
  return { device, client, received, close: async () => (client.close(), await device.close()) };
}

test('an Invoke whose kept-alive connection closes before any answer is sent once, and the error says it may have been applied', async () => {
  const isInvoke = (req: FakeRequest) => req.body.includes('RequestPowerStateChange_INPUT');
  const t = await dropsAfterReceiving(isInvoke, (req) => ({ body: isInvoke(req) ? POWER_OK : GENERAL_SETTINGS }));
  try {
    await t.client.get('AMT_GeneralSettings'); // the connection is now kept alive
    await assert.rejects(t.client.invoke(PMS, 'RequestPowerStateChange', { PowerState: 10 }, { Name: 'Intel(r) AMT Power Management Service' }), (err: unknown) => {
      assert.ok(err instanceof OutcomeUnknownError, String(err));
      assert.equal(err.code, 'connection.outcome-unknown');
      assert.equal(err.operation, 'Invoke');
      assert.match(err.message, /the Invoke may have been applied and was not sent again/);
      assert.match(err.message, /Get the instance/);
      return true;
    });
    assert.equal(t.received.filter((b) => b.includes('RequestPowerStateChange_INPUT')).length, 1, 'the device received the power change exactly once');
  } finally {
    await t.close();
  }
});

test('a Put in the same situation is not resent either and names how to check', async () => {
  const isPut = (req: FakeRequest) => req.body.includes('transfer/Put<');
  const t = await dropsAfterReceiving(isPut, () => ({ body: GENERAL_SETTINGS }));
  try {
    await t.client.get('AMT_GeneralSettings');
    await assert.rejects(t.client.put('AMT_GeneralSettings', { HostName: 'lab' }), (err: unknown) => {
      assert.ok(err instanceof OutcomeUnknownError);
      assert.match(err.message, /the Put may have been applied.*Get the instance to see whether it was applied/);
      return true;
    });
    assert.equal(t.received.filter(isPutBody).length, 1);
  } finally {
    await t.close();
  }
});

function isPutBody(body: string): boolean {
  return body.includes('transfer/Put<');
}

test('a Get in the same situation is sent once more on a new connection and succeeds', async () => {
  let gets = 0;
  const t = await dropsAfterReceiving(() => ++gets === 2, () => ({ body: GENERAL_SETTINGS }));
  try {
    await t.client.get('AMT_GeneralSettings');
    const inst = await t.client.get('AMT_GeneralSettings');
    assert.equal(inst.properties.HostName, 'nuc-lab-7');
    assert.equal(t.received.length, 3, 'first Get, the dropped Get, and its one resend');
  } finally {
    await t.close();
  }
});

test('a Put whose connection cannot be opened says it was not sent', async () => {
  const device = await startFakeDevice({ handler: () => ({ body: GENERAL_SETTINGS }) });
  const port = device.port;
  await device.close();
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', port), user: 'admin', password: 'P@ssw0rd' });
  try {
    await assert.rejects(client.put('AMT_GeneralSettings', { HostName: 'lab' }), (err: unknown) => {
      assert.ok(err instanceof ConnectionError);
      assert.equal(err.notSent, true);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port} was refused`));
      assert.match(err.message, /the Put was not sent, so it is safe to retry/);
      return true;
    });
  } finally {
    client.close();
  }
});
