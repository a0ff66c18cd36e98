/**
 * Device state that is not served as instances (storage blocks, key material, …): one plain,
 * JSON-serialisable object per feature, hung on a SimDevice by name. `amtwb sim --state FILE`
 * (state-file.ts) saves every such object with the instance store and puts them back on start.
 *
 *   const tpds = sideState(device, 'tpds', () => ({ apps: [] }));   // created on first use
 *
 * Restoring replaces the contents of an object already handed out in place, so a feature that
 * kept the reference sees the restored values.
 */
import type { SimDevice } from './device';

const STATE = new WeakMap<SimDevice, Map<string, object>>();

function table(device: SimDevice): Map<string, object> {
  let t = STATE.get(device);
  if (!t) {
    t = new Map();
    STATE.set(device, t);
  }
  return t;
}

/** The feature's side object on this device, made by `init` on first use. Keep it JSON-able. */
export function sideState<T extends object>(device: SimDevice, name: string, init: () => T): T {
  const t = table(device);
  let v = t.get(name);
  if (!v) {
    v = init();
    t.set(name, v);
  }
  return v as T;
}

/** Every side object of the device, by name (what state-file.ts saves). */
export function allSideState(device: SimDevice): Record<string, object> {
  return Object.fromEntries(table(device));
}

/** Puts saved side objects back; objects already handed out keep their identity. */
export function restoreSideState(device: SimDevice, saved: Record<string, unknown>): void {
  const t = table(device);
  for (const [name, value] of Object.entries(saved)) {
    if (typeof value !== 'object' || value === null) continue;
    const current = t.get(name);
    if (current && !Array.isArray(current) && !Array.isArray(value)) {
      for (const k of Object.keys(current)) delete (current as Record<string, unknown>)[k];
      Object.assign(current, value);
    } else {
      t.set(name, value);
    }
  }
}
