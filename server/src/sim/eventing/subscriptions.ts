/**
 * WS-Eventing on the simulated device (DMTF DSP0226 eventing; docs/simulator.md "Events and logs"): the live subscriptions, their
 * expiry on the device clock, and push delivery of every raised indication to each subscriber
 * whose filter collection selects it.
 *
 * Each subscription is also visible the way AMT shows it: a CIM_ListenerDestinationWSManagement
 * instance (Destination, DeliveryMode) and a CIM_FilterCollectionSubscription association
 * (Filter → the collection, Handler → the listener), so Enumerate lists them and Unsubscribe
 * addresses them with MeshCommander's Filter/Handler selectors. Delivery details that have no CIM
 * property (reference parameters, expiry) stay here, beside the device model.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SimDevice } from '../device';
import { cimUri } from '../classes/common';
import { epr, type EprValue, type PropMap } from '../values';
import { pushEvent } from './delivery';
import { localEventConnector } from './local-route';
import { filterCollection } from './filters';
import { eventEnvelope, type AlertInput, type Indication } from './indication';

export type DeliveryMode = 'Push' | 'PushWithAck';

export interface SubscriptionSpec {
  /** CIM_FilterCollection InstanceID, e.g. `Intel(r) AMT:All`. */
  readonly filter: string;
  readonly notifyTo: string;
  readonly mode: DeliveryMode;
  /** NotifyTo reference parameters, serialised, echoed as header blocks in every event. */
  readonly referenceParameters: string;
  /** Device-clock ms; absent = until unsubscribed. */
  readonly expiresAt?: number;
  /** The Expires text as the subscriber wrote it (echoed in the responses). */
  readonly expires?: string;
}

export interface Subscription extends SubscriptionSpec {
  /** The WS-Eventing Identifier (without `uuid:`) and the listener instance's Name. */
  readonly id: string;
  expiresAt?: number;
  expires?: string;
  delivered: number;
  failed: number;
}

export type SubscriptionChange = 'subscribe' | 'renew' | 'unsubscribe' | 'expire';

export const LISTENER_CLASS = 'CIM_ListenerDestinationWSManagement';
export const SUBSCRIPTION_CLASS = 'CIM_FilterCollectionSubscription';
/** DeliveryMode values as MeshCommander shows them (MeshCommander). */
const DELIVERY_MODE_VALUE: Record<DeliveryMode, number> = { Push: 2, PushWithAck: 3 };
/** A failed push is tried again this often, this far apart (wall clock: it is network time). */
const ATTEMPTS = 3;
const RETRY_MS = 500;
const PUSH_TIMEOUT_MS = 5000;

export class EventSubscriptions {
  private readonly subs = new Map<string, Subscription>();
  private readonly inflight = new Set<Promise<void>>();
  private indicationCounter = randomInt(0x10000000, 0x7fffffff);
  private disposed = false;

  constructor(private readonly device: SimDevice) {}

  list(): readonly Subscription[] {
    return [...this.subs.values()];
  }

  byId(id: string): Subscription | undefined {
    return this.subs.get(id.replace(/^uuid:/, ''));
  }

  /** Adds a subscription and its CIM instances. The caller has checked the quota and the filter. */
  add(spec: SubscriptionSpec): Subscription {
    const sub: Subscription = { ...spec, id: randomUUID(), delivered: 0, failed: 0 };
    this.subs.set(sub.id, sub);
    this.device.instances(LISTENER_CLASS).push(listenerInstance(sub));
    this.device.instances(SUBSCRIPTION_CLASS).push({ Filter: filterEpr(sub.filter), Handler: handlerEpr(sub.id) });
    this.changed('subscribe', sub);
    return sub;
  }

  /** The subscription a CIM_FilterCollectionSubscription instance stands for. */
  fromAssociation(props: PropMap): Subscription | undefined {
    const handler = props.Handler as EprValue | undefined;
    const name = handler?.selectors.find((s) => s.name === 'Name')?.value;
    return typeof name === 'string' ? this.subs.get(name) : undefined;
  }

  remove(sub: Subscription, change: SubscriptionChange = 'unsubscribe'): void {
    if (!this.subs.delete(sub.id)) return;
    const drop = (cls: string, keep: (p: PropMap) => boolean) => {
      const list = this.device.instances(cls);
      const rest = list.filter(keep);
      list.splice(0, list.length, ...rest);
    };
    drop(LISTENER_CLASS, (p) => p.Name !== sub.id);
    drop(SUBSCRIPTION_CLASS, (p) => this.fromAssociation(p) !== undefined);
    this.changed(change, sub);
  }

  renew(sub: Subscription, expiresAt: number | undefined, expires: string | undefined): void {
    sub.expiresAt = expiresAt;
    sub.expires = expires;
    this.changed('renew', sub);
  }

  /** Drops subscriptions whose expiry has passed on the device clock. */
  expire(): void {
    const now = this.device.now();
    for (const sub of this.list()) if (sub.expiresAt !== undefined && sub.expiresAt <= now) this.remove(sub, 'expire');
  }

  nextDeadline(): number | undefined {
    const times = this.list().flatMap((s) => (s.expiresAt === undefined ? [] : [s.expiresAt]));
    return times.length ? Math.min(...times) : undefined;
  }

  /**
   * Raises an event: builds the indication and pushes it once to every subscriber whose filter
   * selects it (retrying a failed push, never repeating a delivered one). Returns the indication.
   */
  raise(alert: AlertInput): Indication {
    this.indicationCounter = (this.indicationCounter + 1) >>> 0;
    const indication: Indication = {
      ...alert,
      identifier: `Intel(r):${this.indicationCounter}`,
      time: new Date(this.device.now()).toISOString(),
    };
    const targets = this.list().filter((s) => filterCollection(s.filter)?.matches(alert.messageId));
    for (const sub of targets) this.track(this.deliver(sub, indication));
    this.device.emit('alert', { indication, subscribers: targets.map((s) => s.id) });
    return indication;
  }

  /** Resolves when every push started so far has finished (delivered or given up). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  dispose(): void {
    this.disposed = true;
  }

  private async deliver(sub: Subscription, indication: Indication): Promise<void> {
    const messageId = this.device.nextMessageId();
    const xml = eventEnvelope(indication, {
      messageId,
      ackRequested: sub.mode === 'PushWithAck',
      referenceParameters: sub.referenceParameters,
      filterName: filterCollection(sub.filter)?.indicationFilterName ?? sub.filter,
    });
    let error: unknown;
    for (let attempt = 1; attempt <= ATTEMPTS && !this.disposed; attempt++) {
      try {
        const connect = localEventConnector(this.device, sub.notifyTo);
        await pushEvent(sub.notifyTo, xml, { ack: sub.mode === 'PushWithAck', messageId, timeoutMs: PUSH_TIMEOUT_MS, ...(connect ? { connect } : {}) });
        sub.delivered += 1;
        this.device.emit('event-delivery', { id: sub.id, messageId, ok: true });
        return;
      } catch (err) {
        error = err;
        if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, RETRY_MS * attempt).unref());
      }
    }
    sub.failed += 1;
    this.device.emit('event-delivery', { id: sub.id, messageId, ok: false, error: (error as Error | undefined)?.message ?? 'stopped' });
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private changed(change: SubscriptionChange, sub: Subscription): void {
    this.device.scheduleWake();
    this.device.emit('subscription', { change, id: sub.id });
  }
}

function listenerInstance(sub: Subscription): PropMap {
  return {
    CreationClassName: 'CIM_ListenerDestinationWSMAN',
    DeliveryMode: DELIVERY_MODE_VALUE[sub.mode],
    Destination: sub.notifyTo,
    Name: sub.id,
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: 'Intel(r) AMT',
  };
}

export function filterEpr(instanceId: string): EprValue {
  return epr(cimUri('CIM_FilterCollection'), { InstanceID: instanceId });
}

/** The listener's EPR with the four keys AMT names it by (Intel AMT SDK "Subscribe for Events"). */
export function handlerEpr(name: string): EprValue {
  return epr(cimUri(LISTENER_CLASS), {
    CreationClassName: 'CIM_ListenerDestinationWSMAN',
    Name: name,
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: 'Intel(r) AMT',
  });
}
