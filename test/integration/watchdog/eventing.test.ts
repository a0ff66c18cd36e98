/**
 * WS-Eventing on the simulator (DMTF DSP0226 "Eventing") through the product's WS-Man client: Subscribe on a
 * filter collection, the subscription visible as AMT shows it, Renew, Unsubscribe, expiry on the
 * device clock, and push delivery in the recorded AMT shape to a listener.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { subscribeEvents, ALL_EVENTS } from '../../../server/src/features/events';
import { buildSubscribe, parseEnvelope, WsmanFaultError, NS } from '../../../server/src/wsman';
import { deliveries, eventually, startFixture, type Fixture } from './helpers';

interface Listener {
  url: string;
  bodies: string[];
  /** What to answer: default 200 with an empty body. */
  reply?: (body: string, res: http.ServerResponse) => void;
  close(): Promise<void>;
}

async function listener(): Promise<Listener> {
  const l: Partial<Listener> & { bodies: string[] } = { bodies: [] };
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      l.bodies.push(body);
      if (l.reply) l.reply(body, res);
      else res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  l.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  l.close = () => new Promise((r) => server.close(() => r()));
  return l as Listener;
}

const faultOf = async (p: Promise<unknown>): Promise<string> => {
  const err = await p.then(() => assert.fail('expected a fault'), (e: unknown) => e);
  assert.ok(err instanceof WsmanFaultError, String(err));
  return err.subcode;
};

describe('WS-Eventing on the simulator', () => {
  let f: Fixture;
  let l: Listener;
  before(async () => {
    f = await startFixture();
    l = await listener();
  });
  afterEach(async () => {
    for (const s of f.sim.device.eventing.list()) f.sim.device.eventing.remove(s);
    l.bodies.length = 0;
    l.reply = undefined;
  });
  after(async () => {
    await l.close();
    await f.close();
  });

  it('Subscribe answers a SubscriptionManager reference with Filter, Handler and an Identifier', async () => {
    const sub = await subscribeEvents(f.client, l.url, { deliveryMode: 'Push' });
    assert.equal(sub.manager?.resourceUri, 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_FilterCollectionSubscription');
    assert.deepEqual(Object.keys(sub.manager!.selectors).sort(), ['Filter', 'Handler']);
    const raw = await f.client.sendRaw(buildSubscribe('CIM_FilterCollection', { notifyTo: `${l.url}/2` }, { selectors: { InstanceID: ALL_EVENTS } }));
    assert.match(raw.xml, /<g:Identifier>uuid:[0-9a-f-]{36}<\/g:Identifier>/);
    assert.equal(parseEnvelope(raw.xml).header.action, `${NS.eventing}/SubscribeResponse`);
  });

  it('each subscription shows as a listener destination and a filter-collection subscription', async () => {
    await subscribeEvents(f.client, l.url, { deliveryMode: 'PushWithAck' });
    const listeners = await f.client.enumerateAll('CIM_ListenerDestinationWSManagement');
    assert.equal(listeners.length, 1);
    const p = listeners[0]!.instance!.properties;
    assert.equal(p.Destination, l.url);
    assert.equal(p.DeliveryMode, '3');
    assert.equal(p.CreationClassName, 'CIM_ListenerDestinationWSMAN');
    const assoc = await f.client.get('CIM_ListenerDestinationWSManagement', { Name: String(p.Name) });
    assert.equal(assoc.properties.SystemName, 'Intel(r) AMT');
    const subs = await f.client.enumerateAll('CIM_FilterCollectionSubscription');
    assert.equal(subs.length, 1);
    const collections = await f.client.enumerateAll('CIM_FilterCollection');
    assert.deepEqual(collections.map((c) => c.instance?.properties.InstanceID), ['Intel(r) AMT:All', 'Intel(r) AMT:Features']);
  });

  it('Unsubscribe with the manager reference ends it; a second Unsubscribe is DestinationUnreachable', async () => {
    const sub = await subscribeEvents(f.client, l.url);
    await sub.unsubscribe();
    assert.deepEqual(f.sim.device.eventing.list(), []);
    assert.deepEqual(await f.client.enumerateAll('CIM_ListenerDestinationWSManagement'), []);
    assert.equal(await faultOf(f.client.unsubscribe(sub.manager!.resourceUri, sub.manager!.selectors)), 'DestinationUnreachable');
  });

  it('Unsubscribe by the WS-Eventing Identifier header works too', async () => {
    const raw = await f.client.sendRaw(buildSubscribe('CIM_FilterCollection', { notifyTo: l.url }, { selectors: { InstanceID: ALL_EVENTS } }));
    const id = /<g:Identifier>([^<]+)<\/g:Identifier>/.exec(raw.xml)![1]!;
    const unsub =
      `<?xml version="1.0"?><Envelope xmlns="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}" xmlns:e="${NS.eventing}"><Header>` +
      `<a:Action>${NS.eventing}/Unsubscribe</a:Action><a:To>/wsman</a:To><w:ResourceURI>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_FilterCollectionSubscription</w:ResourceURI>` +
      `<a:MessageID>uuid:1</a:MessageID><e:Identifier>${id}</e:Identifier></Header><Body><e:Unsubscribe/></Body></Envelope>`;
    const r = await f.client.sendRaw(unsub);
    assert.equal(r.status, 200, r.xml);
    assert.deepEqual(f.sim.device.eventing.list(), []);
  });

  it('Expires counts on the device clock; Renew extends it; an expired subscription is gone', async () => {
    const sub = await subscribeEvents(f.client, l.url, { expires: 'PT10M' });
    assert.equal(sub.expires, 'PT10M');
    f.sim.device.advance(9 * 60_000);
    await sub.renew('PT10M');
    f.sim.device.advance(9 * 60_000);
    assert.equal(f.sim.device.eventing.list().length, 1, 'renewed before it ran out');
    f.sim.device.advance(2 * 60_000);
    assert.deepEqual(f.sim.device.eventing.list(), []);
    assert.equal(await faultOf(sub.renew('PT10M')), 'DestinationUnreachable');
  });

  it('a pushed event has the recorded AMT shape; PushWithAck asks for an Ack and gets it', async () => {
    l.reply = (body, res) => {
      const id = /<b:MessageID>([^<]+)</.exec(body)![1];
      res.setHeader('Content-Type', 'application/soap+xml');
      res.end(`<?xml version="1.0"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}"><s:Header><a:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/Ack</a:Action><a:RelatesTo>${id}</a:RelatesTo></s:Header><s:Body/></s:Envelope>`);
    };
    await f.client.subscribe('CIM_FilterCollection', {
      notifyTo: l.url, deliveryMode: 'PushWithAck', referenceParameters: [{ name: 'token', namespace: 'http://x.example/ns', value: 'abc' }],
    }, { InstanceID: ALL_EVENTS });
    f.sim.device.eventing.raise({ messageId: 'iAMT0005', messageArguments: ['guid-1'], perceivedSeverity: 2, alertType: 8 });
    await deliveries(f.sim);
    assert.equal(l.bodies.length, 1);
    const env = parseEnvelope(l.bodies[0]!);
    assert.equal(env.header.action, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/Event');
    assert.equal(env.header.resourceUri, 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_AlertIndication');
    assert.match(l.bodies[0]!, /<c:AckRequested><\/c:AckRequested><b:Action a:mustUnderstand="true">/);
    assert.match(l.bodies[0]!, /<r0:token xmlns:r0="http:\/\/x.example\/ns">abc<\/r0:token><\/a:Header>/, 'reference parameters echoed');
    const names = env.body.children[0]!.children.map((c) => c.local);
    assert.deepEqual(names, [
      'AlertType', 'AlertingElementFormat', 'AlertingManagedElement', 'IndicationFilterName', 'IndicationIdentifier', 'IndicationTime',
      'Message', 'MessageArguments', 'MessageID', 'OtherAlertingElementFormat', 'OtherSeverity', 'OwningEntity', 'PerceivedSeverity',
      'ProbableCause', 'SystemName',
    ]);
    assert.equal(f.sim.device.eventing.list()[0]!.delivered, 1);
  });

  it('plain Push needs no Ack; a listener that keeps failing is tried three times, then given up', async () => {
    await subscribeEvents(f.client, l.url, { deliveryMode: 'Push' });
    f.sim.device.eventing.raise({ messageId: 'iAMT0004', perceivedSeverity: 2, alertType: 8 });
    await deliveries(f.sim);
    assert.doesNotMatch(l.bodies[0]!, /AckRequested/);
    l.reply = (_b, res) => res.writeHead(500).end();
    f.sim.device.eventing.raise({ messageId: 'iAMT0004', perceivedSeverity: 2, alertType: 8 });
    await deliveries(f.sim);
    assert.equal(l.bodies.length, 4);
    assert.deepEqual([f.sim.device.eventing.list()[0]!.delivered, f.sim.device.eventing.list()[0]!.failed], [1, 1]);
  });

  it('the Features collection selects user notifications only', async () => {
    await subscribeEvents(f.client, l.url, { filter: 'Intel(r) AMT:Features', deliveryMode: 'Push' });
    f.sim.device.eventing.raise({ messageId: 'PLAT0322', perceivedSeverity: 6, alertType: 5 });
    f.sim.device.eventing.raise({ messageId: 'iAMT0052', perceivedSeverity: 2, alertType: 8 });
    await deliveries(f.sim);
    assert.equal(l.bodies.length, 1);
    assert.match(l.bodies[0]!, /<g:MessageID>iAMT0052</);
  });

  it('refuses what AMT would: other classes, unknown collections, delivery modes, filters, too many subscribers', async () => {
    const sub = (extra: Parameters<typeof buildSubscribe>[1], cls = 'CIM_FilterCollection', sel: Record<string, string> = { InstanceID: ALL_EVENTS }) =>
      f.client.subscribe(cls, extra, sel);
    assert.equal(await faultOf(sub({ notifyTo: l.url }, 'AMT_GeneralSettings', {})), 'ActionNotSupported');
    assert.equal(await faultOf(sub({ notifyTo: l.url }, 'CIM_FilterCollection', { InstanceID: 'Intel(r) AMT:Nope' })), 'DestinationUnreachable');
    assert.equal(await faultOf(sub({ notifyTo: `http://x/${'a'.repeat(260)}` })), 'InvalidParameter');
    assert.equal(await faultOf(sub({ notifyTo: l.url, filter: { dialect: 'http://x', text: 'y' } })), 'FilteringNotSupported');
    assert.equal(await faultOf(sub({ notifyTo: l.url, expires: 'tomorrow' })), 'InvalidExpirationTime');
    const pull = buildSubscribe('CIM_FilterCollection', { notifyTo: l.url }, { selectors: { InstanceID: ALL_EVENTS } }).replace(/Mode="[^"]+"/, 'Mode="http://schemas.dmtf.org/wbem/wsman/1/wsman/Pull"');
    assert.match((await f.client.sendRaw(pull)).xml, /DeliveryModeRequestedUnavailable/);
    for (let i = 0; i < f.sim.device.settings.maxSubscriptions; i++) await sub({ notifyTo: `${l.url}/${i}` });
    assert.equal(await faultOf(sub({ notifyTo: l.url })), 'QuotaLimit');
  });
});

describe('firmware timers on a faster clock (time scale)', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  it('with the clock 1000× faster, a 120 s watchdog expires on its own within a fraction of a second', async () => {
    f.sim.device.setTimeScale(1000);
    f.sim.device.watchdog.heartbeat(120);
    await eventually(() => f.sim.device.watchdog.state === 'expired', 3000);
    assert.equal(f.sim.device.watchdog.expiries, 1);
  });
});
