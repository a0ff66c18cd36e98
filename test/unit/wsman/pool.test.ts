import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WsmanClient, type WsmanClientOptions } from '../../../server/src/wsman/client';
import { AuthError, CancelledError, QueueTimeoutError, TimeoutError } from '../../../server/src/wsman/errors';
import { tcpTransport } from '../../../server/src/wsman/transport';
import { amtEnvelope, startFakeDevice, type FakeDevice, type FakeDeviceOptions } from './fakeDevice';

const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const settings = (n: number) =>
  amtEnvelope(
    'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse',
    `${AMT}AMT_GeneralSettings`,
    `<g:AMT_GeneralSettings><g:HostName>host-${n}</g:HostName></g:AMT_GeneralSettings>`,
    `xmlns:g="${AMT}AMT_GeneralSettings"`,
  );

async function withDevice(
  deviceOpts: Partial<FakeDeviceOptions>,
  clientOpts: Partial<WsmanClientOptions>,
  body: (client: WsmanClient, device: FakeDevice) => Promise<void>,
): Promise<void> {
  const device = await startFakeDevice({ handler: () => ({ body: settings(0) }), ...deviceOpts });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd', ...clientOpts });
  try {
    await body(client, device);
  } finally {
    client.close();
    await device.close();
  }
}

/** Each reply names the request number it answers, so a lost or swapped reply shows. */
const numbered = (delayMs: number): FakeDeviceOptions['handler'] => (req) => {
  const n = Number(/<g:HostName>req-(\d+)<\/g:HostName>|Selector Name="N">(\d+)</.exec(req.body)?.slice(1).find(Boolean) ?? -1);
  return { body: settings(n), delayMs };
};

test('1,000 concurrent Gets to a device answering in 50 ms with a 10 s timeout: none lost, none timed out, at most 3 connections', async () => {
  await withDevice({ handler: numbered(50) }, { timeoutMs: 10_000 }, async (client, device) => {
    const outcomes = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => client.get('AMT_GeneralSettings', { N: String(i) })));
    const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    const timeouts = failed.filter((o) => o.reason instanceof TimeoutError || o.reason instanceof QueueTimeoutError);
    assert.equal(timeouts.length, 0, 'no spurious timeouts');
    assert.equal(failed.length, 0, `none lost (first: ${failed[0]?.reason})`);
    const hosts = outcomes.map((o) => (o as PromiseFulfilledResult<{ properties: Record<string, unknown> }>).value.properties.HostName);
    assert.deepEqual(hosts, Array.from({ length: 1000 }, (_, i) => `host-${i}`), 'each caller got the reply to its own request');
    assert.ok(device.maxOpenConnections <= 3, `at most 3 connections at once (saw ${device.maxOpenConnections})`);
    assert.ok(device.maxOpenConnections >= 2, 'the pool used more than one connection');
    assert.equal(device.failedLogons, 0);
  });
});

test('the time limit starts when a request is written: requests queued behind slow ones do not time out', async () => {
  await withDevice({ handler: numbered(60) }, { timeoutMs: 400, maxConnections: 1 }, async (client) => {
    // 12 × 60 ms = 720 ms in total, well past 400 ms for the last one counted from the call.
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => client.get('AMT_GeneralSettings', { N: String(i) })));
    assert.deepEqual(results.map((r) => r.properties.HostName), Array.from({ length: 12 }, (_, i) => `host-${i}`));
  });
});

test('a request that waits too long for a connection gets QueueTimeoutError naming the queue, and is never sent', async () => {
  let first = true;
  const handler: FakeDeviceOptions['handler'] = () => {
    if (first) {
      first = false;
      return 'hang';
    }
    return { body: settings(1) };
  };
  await withDevice({ handler }, { timeoutMs: 1000, maxConnections: 1, queueTimeoutMs: 200 }, async (client, device) => {
    const hanging = client.get('AMT_GeneralSettings');
    await new Promise((r) => setTimeout(r, 50));
    const before = device.requests.length;
    await assert.rejects(client.get('AMT_GeneralSettings', { N: '2' }), (err: unknown) => {
      assert.ok(err instanceof QueueTimeoutError, String(err));
      assert.equal(err.code, 'queue.timeout');
      assert.match(err.message, /^The request was not sent: it waited 0\.2 s in the queue for 127\.0\.0\.1:\d+, whose 1 connection was all busy/);
      assert.doesNotMatch(err.message, /did not answer/);
      return true;
    });
    assert.equal(device.requests.length, before, 'the queued request never reached the device');
    await assert.rejects(hanging, TimeoutError);
  });
});

test('cancelling a queued request removes it without sending it', async () => {
  await withDevice({ handler: numbered(150) }, { maxConnections: 1 }, async (client, device) => {
    const first = client.get('AMT_GeneralSettings', { N: '1' });
    const controller = new AbortController();
    const queued = client.get('AMT_GeneralSettings', { N: '2' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(queued, CancelledError);
    assert.equal((await first).properties.HostName, 'host-1');
    assert.ok(!device.requests.some((r) => r.body.includes('>2<')), 'the cancelled request was not sent');
  });
});

test('a wrong password with 20 requests at once costs exactly one failed log-on, and is not sent again later', async () => {
  await withDevice({ handler: numbered(10) }, { password: 'wrong' }, async (client, device) => {
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => client.get('AMT_GeneralSettings', { N: String(i) })));
    assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof AuthError));
    assert.equal(device.failedLogons, 1);
    const sent = device.requests.length;
    await assert.rejects(client.get('AMT_GeneralSettings'), (err: unknown) => err instanceof AuthError && /refused earlier and is not sent again/.test(err.message));
    assert.equal(device.requests.length, sent, 'the refused password was not sent again');
    assert.equal(device.failedLogons, 1);
  });
});
