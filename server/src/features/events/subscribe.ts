/**
 * AMT events over WS-Eventing (DMTF DSP0226 WS-Management "Eventing"; Intel AMT SDK "Subscribing to Events"): the backend listens on a local HTTP port
 * (events/sink.ts), subscribes the device with NotifyTo = that listener — Subscribe on
 * CIM_FilterCollection with InstanceID `Intel(r) AMT:All`, the way MeshCommander and LMS do — and
 * hands each pushed CIM_AlertIndication on as a plain AmtEvent. Closing unsubscribes.
 *
 * Unsubscribe uses the SubscriptionManager reference of the SubscribeResponse. AMT's own response
 * shape was never captured, so when it carries no reference the subscription is found the
 * MeshCommander way: the CIM_ListenerDestinationWSManagement whose Destination is our URL, then
 * Unsubscribe on CIM_FilterCollectionSubscription with the Filter and Handler references.
 */
import dgram from 'node:dgram';
import { AmtError } from '../../errors';
import type { CallOptions } from '../../wsman/client';
import type { SubscribeOptions } from '../../wsman/envelope';
import { resourceUriFor } from '../../wsman/namespaces';
import type { SubscribeResult } from '../../wsman/parse';
import type { EndpointReference, EnumItem, Selectors } from '../../wsman/types';
import { EventSink, type EventSinkOptions } from './sink';
import type { AmtEvent } from './parse';

export { EventSink, type EventSinkOptions } from './sink';
export { parseEventEnvelope, type AmtEvent, type PushedEvent } from './parse';
export { eventText, PERCEIVED_SEVERITY } from './messages';

/** The collection MeshCommander and LMS subscribe to (every event). */
export const ALL_EVENTS = 'Intel(r) AMT:All';

/** What of a WsmanClient eventing needs. */
export interface EventingClient {
  subscribe(classOrUri: string, sub: SubscribeOptions, selectors?: Selectors, opts?: CallOptions): Promise<SubscribeResult>;
  unsubscribe(classOrUri: string, selectors: Selectors, opts?: CallOptions): Promise<void>;
  renew(classOrUri: string, expires: string, selectors: Selectors, opts?: CallOptions): Promise<SubscribeResult>;
  enumerateAll(classOrUri: string, allOpts?: object, opts?: CallOptions): Promise<EnumItem[]>;
}

export interface SubscribeEventsOptions {
  /** CIM_FilterCollection InstanceID; default `Intel(r) AMT:All`. */
  filter?: string;
  deliveryMode?: 'Push' | 'PushWithAck';
  /** xs:duration, e.g. `PT1H`; default: until unsubscribed. */
  expires?: string;
  signal?: AbortSignal;
}

export interface EventSubscription {
  readonly notifyTo: string;
  readonly filter: string;
  /** The subscription manager reference, when the device returned one. */
  readonly manager?: EndpointReference;
  readonly expires?: string;
  renew(expires: string, call?: CallOptions): Promise<void>;
  /** Ends the subscription on the device. Idempotent. */
  unsubscribe(call?: CallOptions): Promise<void>;
}

export async function subscribeEvents(client: EventingClient, notifyTo: string, options: SubscribeEventsOptions = {}): Promise<EventSubscription> {
  const filter = options.filter ?? ALL_EVENTS;
  const call: CallOptions = options.signal ? { signal: options.signal } : {};
  const result = await client.subscribe(
    'CIM_FilterCollection',
    { notifyTo, deliveryMode: options.deliveryMode ?? 'PushWithAck', ...(options.expires ? { expires: options.expires } : {}) },
    { InstanceID: filter },
    call,
  );
  let target: Promise<{ uri: string; selectors: Selectors }> | undefined;
  const locate = () => (target ??= result.manager?.resourceUri ? Promise.resolve({ uri: result.manager.resourceUri, selectors: result.manager.selectors }) : findByDestination(client, notifyTo, filter));
  let ended: Promise<void> | undefined;
  return {
    notifyTo,
    filter,
    ...(result.manager ? { manager: result.manager } : {}),
    ...(result.expires ? { expires: result.expires } : {}),
    async renew(expires, c) {
      const t = await locate();
      await client.renew(t.uri, expires, t.selectors, c);
    },
    unsubscribe(c) {
      ended ??= locate().then((t) => client.unsubscribe(t.uri, t.selectors, c));
      return ended;
    },
  };
}

export interface FollowEventsOptions extends SubscribeEventsOptions, EventSinkOptions {}

export interface EventStream extends AsyncIterable<AmtEvent> {
  readonly sink: EventSink;
  readonly subscription: EventSubscription;
  /** Unsubscribes (best effort) and stops the listener. Idempotent. */
  close(): Promise<void>;
}

/** Starts a sink, subscribes the device to it, and streams its events until close(). */
export async function followEvents(client: EventingClient, options: FollowEventsOptions = {}): Promise<EventStream> {
  const sink = await EventSink.start(options);
  let subscription: EventSubscription;
  try {
    subscription = await subscribeEvents(client, sink.url, options);
  } catch (err) {
    await sink.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    sink,
    subscription,
    [Symbol.asyncIterator]: () => sink[Symbol.asyncIterator](),
    close() {
      closing ??= (async () => {
        try {
          await subscription.unsubscribe({ timeoutMs: 10_000 });
        } finally {
          await sink.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * The local address a device at `host` can reach us on: loopback for a loopback device, else the
 * address of the interface the system routes to it (a UDP "connect" sends nothing).
 */
export async function sinkAddressFor(host: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1' || bare.startsWith('127.')) return '127.0.0.1';
  const socket = dgram.createSocket(bare.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(16992, bare, () => resolve());
    });
    return socket.address().address;
  } catch (err) {
    throw new AmtError('events.address', `Cannot tell which local address ${host} could send events to (${(err as Error).message}); give one with --listen ADDRESS.`, { cause: err });
  } finally {
    socket.close();
  }
}

async function findByDestination(client: EventingClient, notifyTo: string, filter: string): Promise<{ uri: string; selectors: Selectors }> {
  const listeners = await client.enumerateAll('CIM_ListenerDestinationWSManagement', {});
  const mine = listeners.find((i) => i.instance?.properties.Destination === notifyTo)?.instance;
  if (!mine) throw new AmtError('events.unsubscribe', `The device lists no subscription for ${notifyTo}; it may have expired already.`);
  const keys: Selectors = {};
  for (const k of ['CreationClassName', 'Name', 'SystemCreationClassName', 'SystemName']) {
    const v = mine.properties[k];
    if (typeof v === 'string') keys[k] = v;
  }
  const ref = (cls: string, selectors: Selectors): EndpointReference => ({ kind: 'epr', address: '', resourceUri: resourceUriFor(cls), selectors });
  const selectors: Selectors = { Filter: ref('CIM_FilterCollection', { InstanceID: filter }), Handler: ref('CIM_ListenerDestinationWSManagement', keys) };
  return { uri: resourceUriFor('CIM_FilterCollectionSubscription'), selectors };
}
