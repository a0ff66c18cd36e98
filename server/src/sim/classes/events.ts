/**
 * WS-Eventing's CIM side (Intel AMT SDK "Subscribe for Events"; docs/simulator.md "Events and logs"): the predefined filter collections subscriptions
 * target, and the listener/association instances each subscription shows up as. The latter are
 * created and removed by eventing/subscriptions.ts; Subscribe/Unsubscribe/Renew are in
 * eventing/handlers.ts.
 */
import { FILTER_COLLECTIONS } from '../eventing/filters';
import type { ClassDef } from './types';

const FILTER_COLLECTION: ClassDef = {
  name: 'CIM_FilterCollection',
  props: { CollectionName: 'string', ElementName: 'string', InstanceID: 'string key' },
  initial: () => FILTER_COLLECTIONS.map((f) => ({ CollectionName: f.instanceId, ElementName: f.instanceId, InstanceID: f.instanceId })),
};

const LISTENER_DESTINATION: ClassDef = {
  name: 'CIM_ListenerDestinationWSManagement',
  props: {
    CreationClassName: 'string key',
    DeliveryMode: 'uint16',
    Destination: 'string',
    Name: 'string key',
    SystemCreationClassName: 'string key',
    SystemName: 'string key',
  },
  initial: () => [],
};

const FILTER_COLLECTION_SUBSCRIPTION: ClassDef = {
  name: 'CIM_FilterCollectionSubscription',
  props: { Filter: 'epr key', Handler: 'epr key' },
  initial: () => [],
};

export const EVENT_CLASSES: readonly ClassDef[] = [FILTER_COLLECTION, LISTENER_DESTINATION, FILTER_COLLECTION_SUBSCRIPTION];
