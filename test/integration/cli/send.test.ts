/**
 * `amtwb send FILE.wsman` as cli.ts runs it (server/src/cli/send.ts): the file's requests sent to
 * a simulator over a real socket through the product's WS-Man client, one status and formatted
 * reply per request, exit 1 when any request faults or cannot be sent.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliCommand } from '../../../server/src/cli/feature-commands';
import { runSendCli, type SendCliIo } from '../../../server/src/cli/send';
import { AmtError } from '../../../server/src/errors';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { tcpTransport, WsmanClient } from '../../../server/src/wsman';
import { amtwb } from './run';

const FIXTURES = resolve(__dirname, '../../fixtures/wsman');

// cli.ts runs it like the other feature commands (FEATURE_COMMANDS in cli/feature-commands.ts).
const asFeatureCommand: CliCommand = runSendCli;
void asFeatureCommand;

const GET_GENERAL = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">
  <s:Header>
    <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>
    <w:ResourceURI>{{amt}}/{{class}}</w:ResourceURI>
  </s:Header>
  <s:Body/>
</s:Envelope>`;

describe('amtwb send (cli/send.ts) against the simulator', () => {
  let sim: Simulator;
  let client: WsmanClient;
  let dir: string;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new WsmanClient({ transport: tcpTransport(sim.host, sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });
    dir = await mkdtemp(join(tmpdir(), 'amtwb-send-'));
  });
  after(async () => {
    client.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  function harness(extra: Partial<SendCliIo> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    let connects = 0;
    const io: SendCliIo = {
      out: async (t) => void out.push(t),
      err: async (t) => void err.push(t),
      connect: async () => {
        connects++;
        return client;
      },
      target: 'sim',
      targetUrl: sim.url.replace(/\/wsman$/, ''),
      signal: stop.signal,
      ...extra,
    };
    return { io, out, err, stop, connects: () => connects, text: () => out.join('\n') };
  }

  async function wsmanFile(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('sends every request of the sample file docs/wsman-files.md points to, in order; none faults, so it exits 0', async () => {
    const h = harness();
    const code = await runSendCli([join(FIXTURES, 'requests.wsman')], h.io);
    const text = h.text();
    assert.deepEqual(h.err, [], text);
    assert.equal(code, 0, text);
    const headings = [...text.matchAll(/^### #(\d+) (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(headings, ['1 Identify the device', '2 Read the general settings', '3 request 3', '4 Turn the host off', '5 Update the general settings']);
    assert.deepEqual([...text.matchAll(/^### #\d+ .*\nHTTP (\d+) /gm)].map((m) => m[1]), ['200', '200', '200', '200', '200']);
    assert.doesNotMatch(text, /^Fault: /m);
    assert.match(text, /### #2 Read the general settings\nHTTP 200 OK · \d+ ms · Simulator \(http:\/\/127\.0\.0\.1:\d+\)\n<\?xml version="1\.0" encoding="UTF-8"\?>\n<a:Envelope/);
    assert.match(text, /<g:DigestRealm>Digest:[0-9A-F]+<\/g:DigestRealm>/);
    assert.match(text, /<g:ReturnValue>0<\/g:ReturnValue>/, 'the power change ran ({{$target}} resolved to the simulator)');
    // The Put took effect: the device has the host name the file's @host gave.
    assert.equal(sim.device.singleton('AMT_GeneralSettings').HostName, 'amt-lab-01');
    assert.equal(h.connects(), 1, 'one connection for the whole file');
  });

  it('a request that faults is shown with the fault and its meaning, the rest still run, and the exit status is 1', async () => {
    const sample = await readFile(join(FIXTURES, 'requests.wsman'), 'utf8');
    // The sample's Put without the properties AMT requires in every Put of AMT_GeneralSettings.
    const partial = sample.replace(/\s*<h:PingResponseEnabled>true<\/h:PingResponseEnabled>\s*<h:WsmanOnlyMode>false<\/h:WsmanOnlyMode>/, '');
    assert.notEqual(partial, sample);
    const path = await wsmanFile('partial-put.wsman', partial);
    const h = harness();
    assert.equal(await runSendCli([path], h.io), 1);
    const text = h.text();
    assert.match(text, /### #5 Update the general settings\nHTTP 400 Bad Request · \d+ ms · .*\nFault: InvalidRepresentation — The XML content is not valid\.\nWhat it means: .*send the complete instance/);
    assert.deepEqual([...text.matchAll(/^### #\d+ .*\nHTTP (\d+) /gm)].map((m) => m[1]), ['200', '200', '200', '200', '400']);
    assert.deepEqual(h.err, ['1 of 5 requests failed: #5 (fault InvalidRepresentation).']);
  });

  it('--request picks requests by number or by title, in the order given, and exits 0 when they succeed', async () => {
    const h = harness();
    assert.equal(await runSendCli([join(FIXTURES, 'requests.wsman'), '--request', '2', '--request', 'identify the device'], h.io), 0);
    const headings = [...h.text().matchAll(/^### #(\d+)/gm)].map((m) => m[1]);
    assert.deepEqual(headings, ['2', '1']);
    assert.match(h.text(), /<g:ProductVersion>AMT \d+/);
    assert.deepEqual(h.err, []);
  });

  it('--var gives variables the file lacks, and the file’s own lines win over it', async () => {
    const path = await wsmanFile('vars.wsman', `@amt = http://intel.com/wbem/wscim/1/amt-schema/1\n\n### General\n${GET_GENERAL}\n\n### Overridden\n@class = AMT_GeneralSettings\n${GET_GENERAL}\n`);
    const h = harness();
    assert.equal(await runSendCli([path, '--var', 'class=AMT_SetupAndConfigurationService'], h.io), 0, h.text() + h.err.join());
    const [first, second] = h.text().split(/^### /m).filter(Boolean);
    assert.match(first!, /<g:AMT_SetupAndConfigurationService>/);
    assert.match(second!, /<g:AMT_GeneralSettings>/);
  });

  it('a request that cannot be sent (undefined variable) is reported, and the others still run', async () => {
    const path = await wsmanFile('undefined.wsman', `@amt = http://intel.com/wbem/wscim/1/amt-schema/1\n### Needs class\n${GET_GENERAL}\n### Fine\n@class = AMT_GeneralSettings\n${GET_GENERAL}\n`);
    const h = harness();
    assert.equal(await runSendCli([path], h.io), 1);
    assert.match(h.text(), /### #1 Needs class\nNot sent: Request #1 uses \{\{class\}\}, which has no value; add "@class = value" above the request\./);
    assert.match(h.text(), /### #2 Fine\nHTTP 200 OK/);
    assert.deepEqual(h.err, ['1 of 2 requests failed: #1 (not sent).']);
  });

  it('--json prints one JSON array with status, fault and reply of each request', async () => {
    const h = harness();
    const sample = await readFile(join(FIXTURES, 'requests.wsman'), 'utf8');
    const path = await wsmanFile('json.wsman', sample.replace(/\s*<h:WsmanOnlyMode>false<\/h:WsmanOnlyMode>/, ''));
    assert.equal(await runSendCli([path, '--json', '--request', '2', '--request', '5'], h.io), 1);
    assert.equal(h.out.length, 1);
    const doc = JSON.parse(h.out[0]!) as { request: number; title: string; ok: boolean; status: number; fault?: { subcode: string }; xml: string }[];
    assert.deepEqual(
      doc.map((d) => [d.request, d.title, d.ok, d.status, d.fault?.subcode]),
      [
        [2, 'Read the general settings', true, 200, undefined],
        [5, 'Update the general settings', false, 400, 'InvalidRepresentation'],
      ],
    );
    assert.match(doc[0]!.xml, /<g:AMT_GeneralSettings>/);
  });

  it('a URL --target names the device in the status line and in {{$target}} when no URL is passed separately', async () => {
    const url = sim.url.replace(/\/wsman$/, '');
    const h = harness({ target: url, targetUrl: undefined });
    assert.equal(await runSendCli([join(FIXTURES, 'requests.wsman'), '--request', '4'], h.io), 0);
    assert.match(h.text(), new RegExp(`HTTP 200 OK · \\d+ ms · 127\\.0\\.0\\.1:${sim.port} \\(${url.replace(/\./g, '\\.')}\\)`));
  });

  it('stops when Ctrl-C aborts the run and says how many requests were not sent', async () => {
    const h = harness();
    h.stop.abort();
    assert.equal(await runSendCli([join(FIXTURES, 'requests.wsman')], h.io), 1);
    assert.deepEqual(h.err, ['Stopped: 5 requests were not sent.']);
  });

  it('command-line mistakes are usage errors naming the fix', async () => {
    const h = harness();
    const usage = (re: RegExp) => (e: unknown) => e instanceof AmtError && e.code === 'usage' && re.test(e.message);
    const file = join(FIXTURES, 'requests.wsman');
    await assert.rejects(runSendCli([], h.io), usage(/needs the \.wsman file/));
    await assert.rejects(runSendCli([file, 'other.wsman'], h.io), usage(/takes one file/));
    await assert.rejects(runSendCli([file, '--request', '9'], h.io), usage(/has 5 requests, numbered 1 to 5/));
    await assert.rejects(runSendCli([file, '--request', 'Nope'], h.io), usage(/no request .* has that title \(titles: "Identify the device"/));
    await assert.rejects(runSendCli([file, '--var', 'novalue'], h.io), usage(/is not NAME=VALUE/));
    await assert.rejects(runSendCli([file, '--bogus'], h.io), usage(/bogus/));
    await assert.rejects(runSendCli([join(dir, 'missing.wsman')], h.io), usage(/Cannot read .*missing\.wsman \(ENOENT\)/));
    assert.equal(h.connects(), 0, 'no device contact for a mistake');
    assert.equal((await readFile(file, 'utf8')).includes('###'), true);
  });
});

describe('amtwb send with the built CLI', () => {
  it('the sample file of docs/wsman-files.md runs clean against the embedded simulator: exit 0, every reply 200', async () => {
    const r = await amtwb(['send', join(FIXTURES, 'requests.wsman')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual([...r.stdout.matchAll(/^### #\d+ .*\nHTTP (\d+) /gm)].map((m) => m[1]), ['200', '200', '200', '200', '200']);
  });
});
