/**
 * Which class and instance a request addresses. Choices (see README "Fault choices"):
 * - unknown resource URI → DestinationUnreachable (recorded AMT behaviour);
 * - a selector that is not a key of the class, or a repeated selector → InvalidSelectors;
 * - key selectors that match no instance → DestinationUnreachable (what AMT recorded for a
 *   missing IPS_AlarmClockOccurrence; docs/simulator.md "Faults");
 * - no selectors on a class with several instances, or selectors that leave several → InvalidSelectors.
 * A subset of the keys is enough when it picks exactly one instance (clients often send only InstanceID).
 */
import { classByUri, classInfo, type ClassInfo } from '../classes/registry';
import type { ServedInstance, SimDevice } from '../device';
import { selectorMatches, type Selector } from '../values';
import { WsmanFault } from './faults';

/** The CIM namespace pseudo-selector some clients add; it selects nothing here. */
const CIM_NAMESPACE_SELECTOR = '__cimnamespace';

export function resolveClass(resourceUri: string | undefined): ClassInfo {
  if (!resourceUri) throw new WsmanFault('DestinationUnreachable', 'the request has no ResourceURI');
  const info = classByUri(resourceUri);
  if (!info) throw new WsmanFault('DestinationUnreachable', `${resourceUri} is not served by this device`);
  return info;
}

export function infoFor(className: string): ClassInfo {
  const info = classInfo(className);
  if (!info) throw new WsmanFault('InternalError', `no class definition for ${className}`);
  return info;
}

/** Keeps the instances the selectors match, after checking the selector names are keys. */
export function filterBySelectors(candidates: ServedInstance[], selectors: readonly Selector[], classKeys: readonly string[] = []): ServedInstance[] {
  const used = selectors.filter((s) => s.name !== CIM_NAMESPACE_SELECTOR);
  const names = new Set<string>();
  for (const s of used) {
    if (names.has(s.name)) throw new WsmanFault('InvalidSelectors', `selector ${s.name} repeats`, 'DuplicateSelectors');
    names.add(s.name);
  }
  // A class with no instances (yet) still has its own keys: selectors naming them find nothing.
  const keys = new Set([...classKeys, ...candidates.flatMap((c) => infoFor(c.className).keys)]);
  const stranger = used.find((s) => !keys.has(s.name));
  if (stranger) throw new WsmanFault('InvalidSelectors', `${stranger.name} is not a key`, 'UnexpectedSelectors');
  return candidates.filter((c) => used.every((s) => selectorMatches(c.props[s.name], s.value)));
}

export interface FindOptions {
  /** Methods on a class without instances run without one instead of faulting. */
  readonly allowNone?: boolean;
}

export function findInstance(
  device: SimDevice,
  info: ClassInfo,
  selectors: readonly Selector[],
  opts: FindOptions = {},
): ServedInstance | undefined {
  const all = device.served(info.def.name);
  const matches = filterBySelectors(all, selectors, info.keys);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    if (opts.allowNone && all.length === 0) return undefined;
    throw new WsmanFault('DestinationUnreachable', `no ${info.def.name} instance matches the selectors`);
  }
  throw new WsmanFault('InvalidSelectors', `${matches.length} ${info.def.name} instances match`, 'InsufficientSelectors');
}
