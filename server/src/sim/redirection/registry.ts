/**
 * Which redirection service runs for a device, for the classes that consult it (power refuses
 * off/cycle during a session; TerminateSession ends one). Kept apart from service.ts so the class
 * modules import nothing of the service's listeners.
 */
import type { SimDevice } from '../device';
import type { SessionKind } from './wire';

export interface RedirectionControl {
  /** Kinds with an authenticated session open now. */
  readonly openKinds: SessionKind[];
  /** Ends the session of this kind; false when none is open. */
  terminate(kind: SessionKind): boolean;
}

const SERVICES = new WeakMap<SimDevice, RedirectionControl>();

export function registerRedirection(device: SimDevice, service: RedirectionControl | undefined): void {
  if (service) SERVICES.set(device, service);
  else SERVICES.delete(device);
}

export function redirectionServiceOf(device: SimDevice): RedirectionControl | undefined {
  return SERVICES.get(device);
}
