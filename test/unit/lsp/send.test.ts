import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { WsmanRequests, type WsmanRenderResult, type WsmanSendResult } from '../../../server/src/protocol';
import { parseWsmanFile } from '../../../server/src/lsp/document';
import { copyAsCurl, renderRequest } from '../../../server/src/lsp/send';
import { DEFAULT_SIM_ID, TargetRegistry } from '../../../server/src/targets/registry';
import { fixture, startSession, type Session } from './harness';

const REQUESTS = fixture('requests.wsman');
const REFUSED = fixture('refused.wsman');
const fixedUuid = () => 'uuid:00000000-0000-4000-8000-000000000001';

describe('wsman send and render (against the embedded simulator)', () => {
  let registry: TargetRegistry;
  let session: Session;
  let uri: string;
  before(async () => {
    registry = new TargetRegistry({});
    session = await startSession({
      connect: (id, credentials, signal) => registry.connect(id, credentials, signal),
      targetInfo: (id) => registry.info(id),
    });
    ({ uri } = await session.open('requests.wsman', REQUESTS));
  });
  after(async () => {
    session.dispose();
    await registry.dispose();
  });

  const send = (requestIndex: number) => session.client.sendRequest(WsmanRequests.send.method, { targetId: DEFAULT_SIM_ID, uri, requestIndex }) as Promise<WsmanSendResult>;
  const render = (requestIndex: number, targetId?: string) =>
    session.client.sendRequest(WsmanRequests.render.method, { uri, requestIndex, ...(targetId ? { targetId } : {}) }) as Promise<WsmanRenderResult>;

  it('sends a Get with its variables substituted and omitted headers filled, and shows the formatted reply', async () => {
    const r = await send(1);
    assert.equal(r.status, 200);
    assert.equal(r.fault, undefined);
    assert.match(r.target, /^Simulator \(http:\/\/127\.0\.0\.1:\d+\)$/);
    assert.match(r.request, /<w:ResourceURI>http:\/\/intel\.com\/wbem\/wscim\/1\/amt-schema\/1\/AMT_GeneralSettings<\/w:ResourceURI>/);
    assert.match(r.request, /<a:MessageID>uuid:[0-9a-f-]{36}<\/a:MessageID>/);
    for (const filled of ['<a:To>/wsman</a:To>', '<w:OperationTimeout>PT60S</w:OperationTimeout>', '<w:MaxEnvelopeSize>51200</w:MaxEnvelopeSize>', '<a:ReplyTo>']) {
      assert.ok(r.request.includes(filled), `the sent envelope has ${filled}`);
    }
    assert.match(r.xml, /\n {4}<g:AMT_GeneralSettings>\n {6}<g:AMTNetworkEnabled>1<\/g:AMTNetworkEnabled>/);
  });

  it('sends Identify as written, without filling headers', async () => {
    const r = await send(0);
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.request, /Action|MessageID/);
    assert.match(r.xml, /<g:ProductVersion>AMT \d+/);
  });

  it("substitutes {{$target}} with the device's URL", async () => {
    const r = await send(3);
    assert.match(r.request, /<a:To>http:\/\/127\.0\.0\.1:\d+\/wsman<\/a:To>/);
    assert.match(r.xml, /<g:ReturnValue>0<\/g:ReturnValue>/);
  });

  it('returns a SOAP fault as a result with its subcode and meaning', async () => {
    const { uri: refused } = await session.open('refused.wsman', REFUSED);
    const r = (await session.client.sendRequest(WsmanRequests.send.method, { targetId: DEFAULT_SIM_ID, uri: refused, requestIndex: 0 })) as WsmanSendResult;
    assert.equal(r.status, 400);
    assert.equal(r.fault?.subcode, 'InvalidRepresentation');
    assert.equal(r.fault?.reason, 'The XML content is not valid.');
    assert.match(r.fault!.message, /send the complete instance/);
  });

  it('renders the final envelope with curl and amtwb lines, never a password', async () => {
    const url = registry.info(DEFAULT_SIM_ID).url!;
    const r = await render(1, DEFAULT_SIM_ID);
    assert.match(r.envelope, /<a:To>\/wsman<\/a:To>/);
    assert.ok(r.curl.startsWith(`curl --digest --user admin -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @- ${url}/wsman <<'WSMAN'\n<s:Envelope`));
    assert.ok(r.curl.endsWith('</s:Envelope>\nWSMAN'));
    assert.equal(r.amtwb, `amtwb --target ${url} --user admin get AMT_GeneralSettings`);
    assert.doesNotMatch(r.curl + r.amtwb, /P@ssw0rd/);
    assert.equal((await render(0, DEFAULT_SIM_ID)).amtwb, `amtwb --target ${url} --user admin identify`);
    const invoke = await render(3, DEFAULT_SIM_ID);
    assert.equal(invoke.amtwb, undefined, 'an EPR argument has no --param form');
    assert.match(invoke.amtwbNote!, /use the curl line/);
  });

  it('refuses to render a request whose variable has no value, naming it', async () => {
    const { uri: bad } = await session.open('undefined.wsman', REQUESTS.replace('{{host}}', '{{hostname}}'));
    await assert.rejects(
      session.client.sendRequest(WsmanRequests.render.method, { uri: bad, requestIndex: 4 }),
      (err: unknown) => err instanceof ResponseError && (err.data as { code: string }).code === 'wsman.undefined-variable' && /\{\{hostname\}\}/.test(err.message),
    );
    await assert.rejects(render(9), (err: unknown) => err instanceof ResponseError && (err.data as { code: string }).code === 'wsman.no-request');
  });

  it('a curl line for an https device keeps certificate checks on and names the CA file to give', () => {
    const line = copyAsCurl('<s:Envelope/>', 'https://amt.example:16993', 'admin');
    assert.match(line, / --cacert AMT-CA\.pem /);
    assert.doesNotMatch(line, /--insecure|-k /);
  });

  it('uses client variables as defaults that the file overrides', () => {
    const file = parseWsmanFile(REQUESTS);
    const r = renderRequest(file, 4, { variables: { host: 'from-client', amt: 'x' }, newUuid: fixedUuid });
    assert.match(r.envelope, /<h:HostName>amt-lab-01<\/h:HostName>/);
  });

  it('declares the namespaces of filled headers the envelope does not declare', () => {
    const text = `<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Header><Action xmlns="http://schemas.xmlsoap.org/ws/2004/08/addressing">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</Action></Header><Body/></Envelope>`;
    const r = renderRequest(parseWsmanFile(text), 0, { newUuid: fixedUuid });
    assert.deepEqual(r.filled, ['To', 'MessageID', 'ReplyTo', 'OperationTimeout', 'MaxEnvelopeSize']);
    assert.match(r.envelope, /^<Envelope xmlns="http:\/\/www\.w3\.org\/2003\/05\/soap-envelope"\n\s+xmlns:a="http:\/\/schemas\.xmlsoap\.org\/ws\/2004\/08\/addressing"\n\s+xmlns:w="http:\/\/schemas\.dmtf\.org\/wbem\/wsman\/1\/wsman\.xsd">/);
    assert.match(r.envelope, /<a:MessageID>uuid:00000000-0000-4000-8000-000000000001<\/a:MessageID>/);
  });
});
