/**
 * Requests a hostile or careless client sends, and what it sees: the body size cap (413), Digest
 * before any XML is parsed (only a small Identify is read unauthenticated), and request names that
 * happen to be Object.prototype members (`constructor`, `__proto__`, `toString`) treated as the
 * unknown names they are — the faults real AMT sends for unknown names, never a 500.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { MAX_BODY, MAX_IDENTIFY_BODY } from '../../../server/src/sim/http-server';
import {
  ACTION, build, DigestClient, digestHeader, envelope, faultSubcode, NS, parseChallenge, payload, rawRequest,
  resourceUriFor, socketExchange, type Target,
} from './helpers';

/** A Body this size, of nested elements, an Identify inside: slow to parse, and mentions "Identify". */
function nestedIdentify(bytes: number): string {
  const depth = Math.floor((bytes - 700) / 7);
  return envelope({ body: `${'<a>'.repeat(depth)}<wsmid:Identify xmlns:wsmid="${NS.identity}"/>${'</a>'.repeat(depth)}` });
}

describe('hostile requests to the simulator', () => {
  let sim: Simulator;
  let target: Target;
  let client: DigestClient;
  let parses: number[];
  let faults: string[];

  before(async () => {
    sim = await startSimulator({ port: 0 });
    target = { host: sim.host, port: sim.port };
    client = new DigestClient(target, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    sim.device.on('parse', ({ bytes }: { bytes: number }) => parses.push(bytes));
    sim.device.on('fault', ({ fault }: { fault: string }) => faults.push(fault));
  });
  beforeEach(() => {
    parses = [];
    faults = [];
  });
  after(() => sim.close());

  describe('Digest before the XML', () => {
    test('a 1 MB unauthenticated body that mentions Identify gets 401 and is never parsed', async () => {
      const body = nestedIdentify(1_000_000);
      assert.ok(Buffer.byteLength(body) > 990_000 && Buffer.byteLength(body) < MAX_BODY);
      const r = await rawRequest(target, { body });
      assert.equal(r.status, 401);
      assert.match(r.headers['www-authenticate'] as string, /^Digest realm=/);
      assert.deepEqual(parses, [], 'nothing was XML-parsed before authentication');
      assert.deepEqual(faults, [], 'no fault: the body was not looked at');
    });

    test('a 1 MB unauthenticated Get gets 401 and is never parsed', async () => {
      const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings').replace('</Header>', `${' '.repeat(1_000_000)}</Header>`) });
      assert.equal(r.status, 401);
      assert.deepEqual(parses, []);
    });

    test('a plain Identify is answered without authentication, after one small parse', async () => {
      const r = await rawRequest(target, { body: build.identify() });
      assert.equal(r.status, 200);
      assert.equal(payload(r.body).local, 'IdentifyResponse');
      assert.equal(parses.length, 1);
      assert.ok(parses[0] <= MAX_IDENTIFY_BODY);
    });

    test('an Identify padded past the small-body limit needs Digest, and is answered once authenticated', async () => {
      const padded = build.identify().replace('</Header>', `${' '.repeat(MAX_IDENTIFY_BODY)}</Header>`);
      const open = await rawRequest(target, { body: padded });
      assert.equal(open.status, 401);
      assert.deepEqual(parses, []);
      const authed = await client.post(padded);
      assert.equal(authed.status, 200);
      assert.equal(payload(authed.body).local, 'IdentifyResponse');
    });

    test('a small body that mentions Identify but is another request still needs Digest', async () => {
      const get = build.get('AMT_GeneralSettings').replace('</Header>', '<!-- Identify --></Header>');
      const r = await rawRequest(target, { body: get });
      assert.equal(r.status, 401);
      const nested = nestedIdentify(3000);
      assert.equal((await rawRequest(target, { body: nested })).status, 401, 'an Identify that is not the Body\'s element is not an Identify');
    });

    test('Digest parameters named constructor or __proto__ are ignored, not crashed on', async () => {
      const first = await rawRequest(target, { body: build.get('AMT_GeneralSettings') });
      const challenge = parseChallenge(first.headers['www-authenticate'] as string);
      const good = digestHeader({ user: 'admin', password: DEFAULT_ACCOUNT.password, challenge, nc: '00000001' });
      const r = await rawRequest(target, {
        body: build.get('AMT_GeneralSettings'),
        headers: { Authorization: `${good},constructor="x",__proto__="y",toString=z,hasOwnProperty="1"` },
      });
      assert.equal(r.status, 200, 'the known parameters still log on');
      const onlyOdd = await rawRequest(target, { body: build.get('AMT_GeneralSettings'), headers: { Authorization: 'Digest __proto__="a", constructor="b"' } });
      assert.equal(onlyOdd.status, 401);
    });
  });

  describe('the body size cap', () => {
    test('a declared Content-Length over the cap gets 413 and Connection: close before the body is sent', async () => {
      const head = `POST /wsman HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/soap+xml\r\nContent-Length: ${MAX_BODY + 1}\r\n\r\n`;
      const out = await socketExchange(target, head, { idleMs: 5000 });
      assert.equal(out.status, 413);
      assert.match(out.text, /\r\nConnection: close\r\n/i);
      assert.ok(out.closed, 'the device closed the connection');
      assert.deepEqual(parses, []);
    });

    test('an endless chunked body gets 413 once it passes the cap, and the connection ends', async () => {
      const head = `POST /wsman HTTP/1.1\r\nHost: ${target.host}\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const out = await socketExchange(target, head, {
        idleMs: 5000,
        feed: async (write) => {
          // At most 16 times the cap: a device that buffered it all would fail the test below.
          while (sent < 16 * MAX_BODY) {
            if (!(await write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])))) return;
            sent += chunk.length;
          }
        },
      });
      assert.equal(out.status, 413);
      assert.ok(out.closed);
      assert.ok(sent < 16 * MAX_BODY, `the device stopped reading (${sent} bytes sent)`);
      assert.deepEqual(parses, []);
    });

    test('an authenticated body just under the cap is still read and answered', async () => {
      const body = build.get('AMT_GeneralSettings').replace('</Header>', `${' '.repeat(MAX_BODY - 2000)}</Header>`);
      const r = await client.post(body);
      assert.equal(r.status, 200);
      assert.equal(payload(r.body).local, 'AMT_GeneralSettings');
    });
  });

  describe('names that are Object.prototype members', () => {
    const PROTO_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'];

    async function fault(xml: string): Promise<string | undefined> {
      const r = await client.post(xml);
      assert.equal(r.status, 400, `HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      return faultSubcode(r.body);
    }

    for (const name of PROTO_NAMES) {
      test(`an Invoke input named ${name} is an unknown input (SchemaValidationError), like any unknown input`, async () => {
        const xml = build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>2</h:PowerState><h:${name}>1</h:${name}>`);
        assert.equal(await fault(xml), `{${NS.wsman}}SchemaValidationError`);
        assert.deepEqual(faults, ['SchemaValidationError']);
      });
    }

    test('the same request without the stray input is answered (the fault was the input, nothing else)', async () => {
      const ok = await client.post(build.invoke('IPS_PowerManagementService', 'RequestOSPowerSavingStateChange', '<h:OSPowerSavingState>2</h:OSPowerSavingState>'));
      assert.equal(ok.status, 200);
      assert.equal(payload(ok.body).local, 'RequestOSPowerSavingStateChange_OUTPUT');
    });

    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      test(`a method named ${name} is ActionNotSupported`, async () => {
        assert.equal(await fault(build.invoke('CIM_PowerManagementService', name)), `{${NS.addressing}}ActionNotSupported`);
      });

      test(`an Action header "${name}" is ActionNotSupported`, async () => {
        const xml = envelope({ action: name, resourceUri: resourceUriFor('AMT_GeneralSettings') });
        assert.equal(await fault(xml), `{${NS.addressing}}ActionNotSupported`);
      });

      test(`a selector named ${name} is InvalidSelectors`, async () => {
        assert.equal(await fault(build.get('CIM_SoftwareIdentity', { [name]: 'x' })), `{${NS.wsman}}InvalidSelectors`);
      });

      test(`a Put property named ${name} is SchemaValidationError`, async () => {
        const uri = resourceUriFor('AMT_GeneralSettings');
        const xml = build.put('AMT_GeneralSettings', `<h:AMT_GeneralSettings xmlns:h="${uri}"><h:${name}>1</h:${name}></h:AMT_GeneralSettings>`);
        assert.equal(await fault(xml), `{${NS.wsman}}SchemaValidationError`);
      });

      test(`an EnumerationMode "${name}" is UnsupportedFeature`, async () => {
        const xml = envelope({
          action: ACTION.enumerate,
          resourceUri: resourceUriFor('CIM_SoftwareIdentity'),
          body: `<Enumerate xmlns="${NS.enumeration}"><w:EnumerationMode>${name}</w:EnumerationMode></Enumerate>`,
        });
        assert.equal(await fault(xml), `{${NS.wsman}}UnsupportedFeature`);
      });

      test(`the entity &${name}; is undefined (SchemaValidationError), not a function's source text`, async () => {
        const xml = build.get('AMT_GeneralSettings').replace('<a:To>/wsman</a:To>', `<a:To>/wsman&${name};</a:To>`);
        assert.equal(await fault(xml), `{${NS.wsman}}SchemaValidationError`);
      });
    }

    test('a Subscribe delivery mode "constructor" is DeliveryModeRequestedUnavailable', async () => {
      const xml = envelope({
        action: ACTION.subscribe,
        resourceUri: resourceUriFor('CIM_FilterCollection'),
        selectors: { InstanceID: 'Intel(r) AMT:All' },
        body:
          `<Subscribe xmlns="${NS.eventing}"><Delivery Mode="constructor"><NotifyTo>` +
          `<a:Address>http://127.0.0.1:9/</a:Address></NotifyTo></Delivery></Subscribe>`,
      });
      assert.equal(await fault(xml), `{${NS.eventing}}DeliveryModeRequestedUnavailable`);
    });

    test('after all of these the device still answers a Get', async () => {
      const r = await client.post(build.get('AMT_GeneralSettings'));
      assert.equal(r.status, 200);
      assert.equal(payload(r.body).local, 'AMT_GeneralSettings');
    });
  });
});
