import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WsmanClient, type WsmanClientOptions } from '../../../server/src/wsman/client';
import { AuthError, CancelledError, ConnectionError, ProtocolError, TimeoutError } from '../../../server/src/wsman/errors';
import { WsmanFaultError } from '../../../server/src/wsman/faults';
import { parseEnvelope } from '../../../server/src/wsman/parse';
import { tcpTransport } from '../../../server/src/wsman/transport';
import { DESTINATION_UNREACHABLE_FAULT, SERVER_HEADER, amtEnvelope, startFakeDevice, type FakeDevice, type FakeDeviceOptions, type FakeReply, type FakeRequest } from './fakeDevice';

const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const CIM = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const ENUM = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration';

const GENERAL_SETTINGS = amtEnvelope(
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse',
  `${AMT}AMT_GeneralSettings`,
  '<g:AMT_GeneralSettings><g:DigestRealm>Digest:727734D63A1FC0423736E48DA554E462</g:DigestRealm>' +
    '<g:HostName>nuc-lab-7</g:HostName><g:PingResponseEnabled>true</g:PingResponseEnabled></g:AMT_GeneralSettings>',
  `xmlns:g="${AMT}AMT_GeneralSettings"`,
);

const IDENTIFY =
  '<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:b="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">' +
  '<a:Header/><a:Body><b:IdentifyResponse><b:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</b:ProtocolVersion>' +
  '<b:ProductVendor>Intel Corporation</b:ProductVendor><b:ProductVersion>AMT 15.0</b:ProductVersion><b:DASHVersion>1.0.0</b:DASHVersion>' +
  '<b:SecurityProfiles><b:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/digest</b:SecurityProfileName></b:SecurityProfiles>' +
  '</b:IdentifyResponse></a:Body></a:Envelope>';

function actionOf(req: FakeRequest): string {
  return parseEnvelope(req.body).header.action ?? 'Identify';
}

/** Starts a fake device and a client on it; the test body gets both and everything is closed after. */
async function withDevice(
  deviceOpts: Partial<FakeDeviceOptions>,
  clientOpts: Partial<WsmanClientOptions>,
  body: (client: WsmanClient, device: FakeDevice) => Promise<void>,
): Promise<void> {
  const device = await startFakeDevice({ handler: () => ({ body: GENERAL_SETTINGS }), ...deviceOpts });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd', ...clientOpts });
  try {
    await body(client, device);
  } finally {
    client.close();
    await device.close();
  }
}

test('correct credentials: one challenge, then Get returns the instance and the firmware Server header', async () => {
  await withDevice({}, {}, async (client, device) => {
    const inst = await client.get('AMT_GeneralSettings');
    assert.equal(inst.className, 'AMT_GeneralSettings');
    assert.deepEqual(inst.properties, { DigestRealm: 'Digest:727734D63A1FC0423736E48DA554E462', HostName: 'nuc-lab-7', PingResponseEnabled: 'true' });
    assert.equal(client.serverHeader, SERVER_HEADER);
    assert.equal(device.requests.length, 2, 'one unauthenticated request for the challenge, one authenticated');
    await client.get('AMT_GeneralSettings');
    assert.equal(device.requests.length, 3, 'the nonce is reused: no new challenge round');
    assert.equal(device.failedLogons, 0);
  });
});

test('wrong password: exactly one authenticated attempt, then AuthError, never retried', async () => {
  await withDevice({}, { password: 'wrong' }, async (client, device) => {
    await assert.rejects(client.get('AMT_GeneralSettings'), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, 'auth.failed');
      assert.match(err.message, new RegExp(`^Wrong user name or password for admin@127\\.0\\.0\\.1:${device.port}`));
      assert.match(err.message, /AMT locks the account after repeated failures, so it was not retried/);
      assert.ok(!err.message.includes('wrong'), 'the password is not in the message');
      return true;
    });
    assert.equal(device.failedLogons, 1);
    assert.equal(device.requests.length, 2);
    assert.equal(device.requests.filter((r) => r.headers.authorization).length, 1);
  });
});

test('a stale nonce is retried transparently and is not a failed log-on', async () => {
  await withDevice({}, {}, async (client, device) => {
    await client.get('AMT_GeneralSettings');
    device.expireNonce(true);
    const inst = await client.get('AMT_GeneralSettings');
    assert.equal(inst.properties.HostName, 'nuc-lab-7');
    assert.equal(device.failedLogons, 0);
    assert.equal(device.requests.length, 4);
  });
});

test('a reused nonce the device dropped (401 stale=false, as AMT says) gets one retry with the new nonce', async () => {
  await withDevice({}, {}, async (client, device) => {
    await client.get('AMT_GeneralSettings');
    device.expireNonce(false);
    assert.equal((await client.get('AMT_GeneralSettings')).properties.HostName, 'nuc-lab-7');
    assert.equal(device.failedLogons, 0);
  });
});

test('a challenge offering qop="auth-int, auth" is answered with qop=auth', async () => {
  await withDevice({ qop: 'auth-int, auth' }, {}, async (client, device) => {
    await client.get('AMT_GeneralSettings');
    assert.deepEqual(device.qopsSeen, ['auth']);
  });
});

test('a chunked reply split into small chunks decodes into the same instance', async () => {
  await withDevice({ handler: () => ({ body: GENERAL_SETTINGS, chunkSize: 7 }) }, {}, async (client) => {
    const inst = await client.get('AMT_GeneralSettings');
    assert.equal(inst.properties.DigestRealm, 'Digest:727734D63A1FC0423736E48DA554E462');
  });
});

test('keep-alive: after the challenge (which AMT closes) all requests share one connection', async () => {
  await withDevice({}, {}, async (client, device) => {
    for (let i = 0; i < 4; i++) await client.get('AMT_GeneralSettings');
    assert.equal(device.requests.length, 5);
    assert.equal(device.connections, 2);
    assert.deepEqual(new Set(device.requests.slice(1).map((r) => r.socketId)).size, 1);
  });
});

test('the device closing a connection without notice only costs a reconnect', async () => {
  await withDevice({ handler: () => ({ body: GENERAL_SETTINGS, silentClose: true }) }, {}, async (client) => {
    await client.get('AMT_GeneralSettings');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await client.get('AMT_GeneralSettings')).className, 'AMT_GeneralSettings');
  });
});

test('a timeout raises TimeoutError naming the device, and the next request works', async () => {
  let hang = true;
  const handler = (): FakeReply | 'hang' => (hang ? 'hang' : { body: GENERAL_SETTINGS });
  await withDevice({ handler }, { timeoutMs: 5000 }, async (client, device) => {
    await assert.rejects(client.get('AMT_GeneralSettings', undefined, { timeoutMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof TimeoutError);
      assert.equal(err.code, 'timeout');
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${device.port} did not answer within 0\\.3 s`));
      return true;
    });
    hang = false;
    assert.equal((await client.get('AMT_GeneralSettings')).className, 'AMT_GeneralSettings');
  });
});

test('an AbortSignal cancels the request in flight with CancelledError, and the client stays usable', async () => {
  let hang = true;
  await withDevice({ handler: () => (hang ? 'hang' : { body: GENERAL_SETTINGS }) }, {}, async (client) => {
    const controller = new AbortController();
    const pending = client.get('AMT_GeneralSettings', undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, (err: unknown) => err instanceof CancelledError && err.code === 'cancelled');
    await assert.rejects(client.get('AMT_GeneralSettings', undefined, { signal: AbortSignal.abort() }), CancelledError);
    hang = false;
    assert.equal((await client.get('AMT_GeneralSettings')).className, 'AMT_GeneralSettings');
  });
});

test('a SOAP fault becomes WsmanFaultError with the class, subcode and HTTP status', async () => {
  await withDevice({ handler: () => ({ status: 400, body: DESTINATION_UNREACHABLE_FAULT, close: true, chunkSize: 200 }) }, {}, async (client) => {
    await assert.rejects(client.get('IPS_SecIOService'), (err: unknown) => {
      assert.ok(err instanceof WsmanFaultError);
      assert.equal(err.subcode, 'DestinationUnreachable');
      assert.equal(err.httpStatus, 400);
      assert.match(err.message, /for IPS_SecIOService: the device does not serve this class/);
      return true;
    });
  });
});

test('sendRaw returns faults instead of throwing, with status, headers and the parsed envelope', async () => {
  await withDevice({ handler: () => ({ status: 400, body: DESTINATION_UNREACHABLE_FAULT }) }, {}, async (client) => {
    const raw = await client.sendRaw('<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Header/><Body/></Envelope>');
    assert.equal(raw.status, 400);
    assert.equal(raw.headers.server, SERVER_HEADER);
    assert.equal(raw.xml, DESTINATION_UNREACHABLE_FAULT);
    assert.equal(raw.envelope?.header.action, 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault');
  });
});

test('sendRaw still throws AuthError for bad credentials', async () => {
  await withDevice({}, { password: 'nope' }, async (client) => {
    await assert.rejects(client.sendRaw('<x/>'), AuthError);
  });
});

test('identify returns vendor, version, profiles and the Server header', async () => {
  await withDevice({ handler: () => ({ body: IDENTIFY }) }, {}, async (client, device) => {
    assert.deepEqual(await client.identify(), {
      protocolVersion: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
      productVendor: 'Intel Corporation',
      productVersion: 'AMT 15.0',
      dashVersion: '1.0.0',
      securityProfiles: ['http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/digest'],
      server: SERVER_HEADER,
    });
    assert.equal(parseEnvelope(device.requests[1]!.body).header.action, undefined);
  });
});

test('invoke returns a non-zero ReturnValue with its meaning instead of throwing', async () => {
  const out = amtEnvelope(
    `${CIM}CIM_PowerManagementService/RequestPowerStateChangeResponse`,
    `${CIM}CIM_PowerManagementService`,
    '<g:RequestPowerStateChange_OUTPUT><g:Job>none</g:Job><g:ReturnValue>4097</g:ReturnValue></g:RequestPowerStateChange_OUTPUT>',
    `xmlns:g="${CIM}CIM_PowerManagementService"`,
  );
  await withDevice({ handler: () => ({ body: out }) }, {}, async (client, device) => {
    const res = await client.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 8 }, { Name: 'Intel(r) AMT Power Management Service' });
    assert.deepEqual(res, { returnValue: 4097, returnMeaning: 'Invalid State Transition', output: { Job: 'none' } });
    assert.equal(actionOf(device.requests[1]!), `${CIM}CIM_PowerManagementService/RequestPowerStateChange`);
  });
});

test('enumerateAll pulls until EndOfSequence and reports progress per page', async () => {
  const pages = [
    `<g:EnumerateResponse><g:EnumerationContext>ctx-1</g:EnumerationContext></g:EnumerateResponse>`,
    `<g:PullResponse><g:EnumerationContext>ctx-2</g:EnumerationContext><g:Items><h:CIM_SoftwareIdentity><h:InstanceID>Flash</h:InstanceID></h:CIM_SoftwareIdentity></g:Items></g:PullResponse>`,
    `<g:PullResponse><g:Items><h:CIM_SoftwareIdentity><h:InstanceID>AMT</h:InstanceID></h:CIM_SoftwareIdentity></g:Items><g:EndOfSequence/></g:PullResponse>`,
  ];
  const contextsPulled: string[] = [];
  let n = 0;
  const handler = (req: FakeRequest): FakeReply => {
    const m = /<EnumerationContext>([^<]+)</.exec(req.body);
    if (m) contextsPulled.push(m[1]!);
    return {
      body: amtEnvelope(`${ENUM}/${n === 0 ? 'EnumerateResponse' : 'PullResponse'}`, `${CIM}CIM_SoftwareIdentity`, pages[n++]!, `xmlns:g="${ENUM}" xmlns:h="${CIM}CIM_SoftwareIdentity"`),
    };
  };
  await withDevice({ handler }, {}, async (client) => {
    const progress: number[] = [];
    const items = await client.enumerateAll('CIM_SoftwareIdentity', { onPage: (soFar) => progress.push(soFar.length) });
    assert.deepEqual(items.map((i) => i.instance?.properties.InstanceID), ['Flash', 'AMT']);
    assert.deepEqual(contextsPulled, ['ctx-1', 'ctx-2']);
    assert.deepEqual(progress, [1, 2]);
  });
});

test('Put with an empty PutResponse body returns undefined; Delete resolves', async () => {
  // Each reply names its own response action, as AMT does (the client checks it).
  const empty = (req: FakeRequest) => amtEnvelope(`${actionOf(req)}Response`, `${AMT}AMT_MPSUsernamePassword`, '');
  await withDevice({ handler: (req) => ({ body: empty(req) }) }, {}, async (client, device) => {
    assert.equal(await client.put('AMT_MPSUsernamePassword', { RemoteID: 'x' }), undefined);
    await client.delete('AMT_MPSUsernamePassword', { InstanceID: 'x' });
    assert.equal(actionOf(device.requests.at(-1)!), 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete');
  });
});

test('trace shows the traffic but never the password or the digest response', async () => {
  const traces: { direction: string; text: string }[] = [];
  const out = amtEnvelope(
    `${AMT}AMT_AuthorizationService/SetAdminAclEntryExResponse`,
    `${AMT}AMT_AuthorizationService`,
    '<g:SetAdminAclEntryEx_OUTPUT><g:ReturnValue>0</g:ReturnValue></g:SetAdminAclEntryEx_OUTPUT>',
    `xmlns:g="${AMT}AMT_AuthorizationService"`,
  );
  await withDevice({ handler: () => ({ body: out }) }, { trace: (e) => traces.push(e) }, async (client) => {
    const res = await client.invoke('AMT_AuthorizationService', 'SetAdminAclEntryEx', { Username: 'admin', DigestPassword: 'P@ssw0rd' });
    assert.equal(res.returnMeaning, 'Success');
  });
  assert.ok(traces.length >= 4);
  const all = traces.map((t) => t.text).join('\n');
  assert.match(all, /POST \/wsman HTTP\/1\.1/);
  assert.match(all, /Authorization: \[redacted\]/);
  assert.ok(!all.includes('P@ssw0rd'), 'password absent');
  assert.ok(!/response="/.test(all), 'digest response absent');
  assert.match(all, /<h:DigestPassword>\[redacted\]<\/h:DigestPassword>/);
  assert.deepEqual([...new Set(traces.map((t) => t.direction))].sort(), ['request', 'response']);
});

test('an HTML page instead of SOAP is a protocol error that says what the port is not', async () => {
  await withDevice({ handler: () => ({ status: 404, body: '<html>Not Found</html>', contentType: 'text/html' }) }, {}, async (client) => {
    await assert.rejects(client.get('AMT_GeneralSettings'), (err: unknown) => err instanceof ProtocolError && err.code === 'http.protocol' && /HTTP 404/.test(err.message) && /does not serve \/wsman/.test(err.message));
  });
});

test('nothing listening: ConnectionError with host:port', async () => {
  const device = await startFakeDevice({ handler: () => ({ body: '' }) });
  const port = device.port;
  await device.close();
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', port), user: 'admin', password: 'x' });
  await assert.rejects(client.get('AMT_GeneralSettings'), (err: unknown) => err instanceof ConnectionError && err.message.includes(`127.0.0.1:${port}`));
  client.close();
});

test('a SHA-512-256 Digest challenge (RFC 7616) is answered with SHA-512-256 and accepted', async () => {
  await withDevice({ algorithm: 'SHA-512-256' }, {}, async (client, device) => {
    const inst = await client.get('AMT_GeneralSettings');
    assert.equal(inst.properties.HostName, 'nuc-lab-7');
    const auth = device.requests[1]!.headers.authorization!;
    assert.match(auth, /algorithm=SHA-512-256/);
    assert.match(auth, /response="[0-9a-f]{64}"/);
    assert.equal(device.failedLogons, 0);
  });
});

test('a Digest challenge with only an unknown algorithm names the algorithms this client supports', async () => {
  await withDevice({ algorithm: 'SHA-1' }, {}, async (client, device) => {
    await assert.rejects(client.get('AMT_GeneralSettings'), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, 'auth.unsupported');
      assert.match(err.message, /offers Digest only with algorithm SHA-1; this client supports MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256 and SHA-512-256-sess/);
      return true;
    });
    assert.equal(device.failedLogons, 0, 'no credentials were sent');
  });
});
