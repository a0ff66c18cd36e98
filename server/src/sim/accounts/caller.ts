/**
 * Who made the request being applied (the Digest user and the console's address), for the audit
 * log's initiator and net address. Requests are applied synchronously, so it is set around one
 * dispatch and cleared after it.
 */
import type { SimDevice } from '../device';

export interface Caller {
  readonly user: string;
  readonly address?: string;
}

const CURRENT = new WeakMap<SimDevice, Caller>();

export function withCaller<T>(device: SimDevice, caller: Caller | undefined, fn: () => T): T {
  if (!caller) return fn();
  CURRENT.set(device, caller);
  try {
    return fn();
  } finally {
    CURRENT.delete(device);
  }
}

export function currentCaller(device: SimDevice): Caller | undefined {
  return CURRENT.get(device);
}
