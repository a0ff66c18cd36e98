/**
 * The resource cases of issue 10 through WsmanClient over real loopback sockets: billion laughs,
 * an external entity, 100,000-deep nesting, 400,000 elements, a reply over the element budget,
 * bytes that are not UTF-8 and illegal character references. Each asserts what the caller gets:
 * the typed error (code and sentence), or for 400,000 elements the instance, parsed while the
 * event loop keeps turning. `timeout` only turns a hang into a failure; nothing here is timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { AmtError } from '../../server/src/errors';
import { WsmanClient } from '../../server/src/wsman/client';
import { tcpTransport } from '../../server/src/wsman/transport';
import { startFakeDevice } from '../unit/wsman/fakeDevice';

const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const GET_RESPONSE = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse';

/** A GetResponse for AMT_GeneralSettings in AMT's layout; `prolog` goes between the declaration and the root. */
function getResponse(instanceContent: string, prolog = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>${prolog}` +
    '<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    `xmlns:c="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:g="${AMT}AMT_GeneralSettings">` +
    `<a:Header><b:RelatesTo>1</b:RelatesTo><b:Action a:mustUnderstand="true">${GET_RESPONSE}</b:Action>` +
    `<b:MessageID>uuid:00000000-8086-8086-8086-000000000001</b:MessageID><c:ResourceURI>${AMT}AMT_GeneralSettings</c:ResourceURI></a:Header>` +
    `<a:Body><g:AMT_GeneralSettings>${instanceContent}</g:AMT_GeneralSettings></a:Body></a:Envelope>`
  );
}

async function getWith(body: string): Promise<unknown> {
  const device = await startFakeDevice({ handler: () => ({ body }) });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd' });
  try {
    return await client.get('AMT_GeneralSettings');
  } catch (err) {
    return err;
  } finally {
    client.close();
    await device.close();
  }
}

function assertRefused(outcome: unknown, code: string, sentence: RegExp): void {
  assert.ok(outcome instanceof AmtError, `expected a typed error, got ${outcome instanceof Error ? outcome.stack : JSON.stringify(outcome)?.slice(0, 200)}`);
  assert.equal(outcome.code, code, outcome.message);
  assert.match(outcome.message, sentence);
}

test('billion laughs in a reply is refused as a DOCTYPE, nothing expanded', async () => {
  const dtd = '<!DOCTYPE a [<!ENTITY l "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i || ''};`.repeat(10)}">`).join('') + ']>';
  assertRefused(await getWith(getResponse('<g:HostName>&l9;</g:HostName>', dtd)), 'xml.doctype', /DOCTYPE or entity declaration .*remove it/);
});

test('an external entity in a reply is refused as a DOCTYPE, nothing read', async () => {
  const dtd = '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
  assertRefused(await getWith(getResponse('<g:HostName>&x;</g:HostName>', dtd)), 'xml.doctype', /entity-expansion/);
});

test('a reply nested 100,000 deep is refused by the depth limit', async () => {
  const deep = '<g:X>'.repeat(100_000) + '</g:X>'.repeat(100_000);
  assertRefused(await getWith(getResponse(deep)), 'xml.limit', /more than 100 levels deep/);
});

test('a reply of 400,000 elements is parsed while the event loop keeps turning', { timeout: 120_000 }, async () => {
  let turns = 0;
  let more = true;
  const tick = () => {
    turns++;
    if (more) setImmediate(tick);
  };
  const body = getResponse('<g:P>1</g:P>'.repeat(400_000));
  const device = await startFakeDevice({ handler: () => ({ body }) });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd' });
  try {
    // The first call only authenticates; the turns are counted over the second one.
    await client.get('AMT_GeneralSettings');
    setImmediate(tick);
    const instance = await client.get('AMT_GeneralSettings');
    more = false;
    assert.equal((instance.properties.P as string[]).length, 400_000);
    assert.ok(turns > 2, `the event loop turned ${turns} times during a Get of a ${(body.length / 1e6).toFixed(1)} MB reply`);
  } finally {
    more = false;
    client.close();
    await device.close();
  }
});

test('a reply over the element budget is refused in one sentence that says what to do', { timeout: 120_000 }, async () => {
  assertRefused(await getWith(getResponse('<g:P/>'.repeat(1_000_001))), 'xml.limit', /more than 1,000,000 elements.*fewer items per Pull/);
});

test('illegal character references in a reply are refused', async () => {
  for (const ref of ['&#0;', '&#xD800;', '&#xFFFF;']) {
    assertRefused(await getWith(getResponse(`<g:HostName>a${ref}</g:HostName>`)), 'xml.malformed', /does not name a character XML allows/);
  }
});

test('a reply that is not UTF-8 is refused with xml.encoding', async () => {
  // A raw endpoint that answers the first request with 200 (no Digest challenge), so the bytes are exactly ours.
  const bad = Buffer.concat([Buffer.from(getResponse('<g:HostName>nuc').split('nuc')[0]! + 'nuc'), Buffer.from([0xc3, 0x28]), Buffer.from(getResponse('</g:HostName>').split('</g:HostName>')[1]!)]);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=UTF-8\r\nContent-Length: ${bad.length}\r\nConnection: close\r\n\r\n`), bad])));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', (server.address() as { port: number }).port), user: 'admin', password: 'x' });
  try {
    const outcome = await client.get('AMT_GeneralSettings').catch((e: unknown) => e);
    assertRefused(outcome, 'xml.encoding', /not valid UTF-8 \(byte offset \d+\)/);
  } finally {
    client.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
