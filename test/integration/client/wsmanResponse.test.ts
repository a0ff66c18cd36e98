/**
 * The reply of a .wsman "Send" as the document beside the editor (client/src/model/wsmanResponse.ts),
 * built from what the real backend answers for the sample requests (sent to its embedded
 * simulator), and the names a request gets when it has no title.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { commentText, describeEnvelope, responseDocument, statusLine, statusText, succeeded } from '../../../client/src/model/wsmanResponse';
import { Requests, WsmanRequests, type WsmanSendResult } from '../../../server/src/protocol';
import { startBackend, type Backend } from './backend';

const REQUESTS = pathToFileURL(resolve(__dirname, '../../fixtures/wsman/requests.wsman')).toString();
const REFUSED = pathToFileURL(resolve(__dirname, '../../fixtures/wsman/refused.wsman')).toString();

describe('the response document of a .wsman Send', () => {
  let backend: Backend;
  let simId: string;
  before(async () => {
    backend = await startBackend();
    simId = (await backend.request(Requests.listTargets, undefined))[0]!.id;
  });
  after(async () => {
    await backend.close();
  });

  const send = (requestIndex: number) => backend.request(WsmanRequests.send, { targetId: simId, uri: REQUESTS, requestIndex });

  it('is headed by status, time and device, then the formatted reply (no XML declaration after the comments)', async () => {
    const r = await send(1);
    const text = responseDocument(r, { label: 'Read the general settings', source: 'requests.wsman #2', sentAt: '2025-01-02T10:00:00.000Z' });
    const lines = text.split('\n');
    assert.match(lines[0]!, /^<!-- 200 OK · \d+ ms · Simulator \(http:\/\/127\.0\.0\.1:\d+\) -->$/);
    assert.equal(lines[1], '<!-- Read the general settings · requests.wsman #2 · 2025-01-02T10:00:00.000Z -->');
    assert.match(lines[2]!, /^<a:Envelope /);
    assert.match(text, /\n {6}<g:DigestRealm>Digest:[0-9A-F]+<\/g:DigestRealm>\n/);
    assert.doesNotMatch(text, /<\?xml/);
    assert.equal(XMLValidator.validate(text), true, 'the document is well-formed XML');
    assert.ok(succeeded(r));
  });

  it("shows a fault's subcode, the device's reason and what it means", async () => {
    const r = await backend.request(WsmanRequests.send, { targetId: simId, uri: REFUSED, requestIndex: 0 });
    assert.equal(succeeded(r), false);
    const lines = responseDocument(r).split('\n');
    assert.match(lines[0]!, /^<!-- 400 Bad Request · \d+ ms · Simulator/);
    assert.equal(lines[1], '<!-- Fault InvalidRepresentation: The XML content is not valid. -->');
    assert.match(lines[2]!, /^<!-- What it means: .*send the complete instance as Get returns it/);
    assert.equal(XMLValidator.validate(lines.join('\n')), true);
  });

  it('keeps comments well-formed whatever the texts hold', () => {
    const r: WsmanSendResult = { status: 500, elapsedMs: 3.6, target: 'Lab -- 1', xml: '<x/>', request: '', fault: { subcode: 'X', reason: 'a --> b', message: 'line\nbreak' } };
    const text = responseDocument(r);
    assert.equal(XMLValidator.validate(text), true);
    assert.equal(text.split('\n')[0], '<!-- 500 Internal Server Error · 4 ms · Lab - - 1 -->');
    assert.equal(commentText('a --- b\n c'), 'a - - - b c');
  });

  it('spells statuses as HTTP does', () => {
    assert.equal(statusText(200), '200 OK');
    assert.equal(statusText(401), '401 Unauthorized');
    assert.equal(statusText(599), '599');
    assert.equal(statusLine({ status: 200, elapsedMs: 11.5, target: 'Simulator (http://127.0.0.1:1)' }), '200 OK · 12 ms · Simulator (http://127.0.0.1:1)');
  });

  it('names a request without a title by its operation and class, from the envelope sent', async () => {
    assert.equal(describeEnvelope((await send(0)).request), 'Identify');
    assert.equal(describeEnvelope((await send(1)).request), 'Get AMT_GeneralSettings');
    assert.equal(describeEnvelope((await send(2)).request), 'Enumerate CIM_SoftwareIdentity');
    assert.equal(describeEnvelope((await send(3)).request), 'CIM_PowerManagementService.RequestPowerStateChange');
    assert.equal(describeEnvelope('<x/>'), undefined);
  });
});
