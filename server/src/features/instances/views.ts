/**
 * Instances as the editor shows them: each property's value as one line of text with its value-map
 * label (`PowerState: 2 (On)`), the references a value holds (so the tree can follow them), and a
 * reference that addresses the instance itself for Get, Put and Invoke.
 */
import type { Catalog } from '../../catalog/catalog';
import type { InstanceRef, InstanceView, PropertyChange, PropertyView } from '../../protocol';
import { valueText } from './render';
import { classNameFromUri } from '../../wsman/namespaces';
import type { EndpointReference, Instance, Selectors, WsValue } from '../../wsman/types';
import { isEpr } from '../../wsman/types';
import { formatEpr } from './epr';

/** A reference as the editor passes it around. */
export function refOfEpr(epr: EndpointReference): InstanceRef {
  return { className: classNameFromUri(epr.resourceUri), selectors: epr.selectors, text: formatEpr(epr) };
}

/**
 * The reference addressing an instance: its EPR when the device sent one (EnumerateObjectAndEPR),
 * else the catalog's key properties read from the instance.
 */
export function refOfInstance(instance: Instance, epr: EndpointReference | undefined, catalog: Catalog, resourceUri: string): InstanceRef {
  if (epr && epr.resourceUri) return refOfEpr(epr);
  const selectors: Selectors = {};
  for (const key of catalog.tryGetClass(instance.className)?.keys ?? []) {
    const v = instance.properties[key];
    if (typeof v === 'string') selectors[key] = v;
    else if (isEpr(v)) selectors[key] = v;
  }
  return refOfEpr({ kind: 'epr', address: '', resourceUri, selectors });
}

function refsIn(v: WsValue): InstanceRef[] {
  if (isEpr(v)) return [refOfEpr(v)];
  if (Array.isArray(v)) return v.flatMap(refsIn);
  return [];
}

export function propertyView(className: string, name: string, value: WsValue, catalog: Catalog): PropertyView {
  const info = catalog.property(className, name);
  const refs = refsIn(value);
  return {
    name,
    ...(info ? { type: info.type } : {}),
    array: info?.array ?? Array.isArray(value),
    key: info?.key ?? false,
    text: valueText(value, (item) => catalog.valueLabel(className, name, item)),
    ...(refs.length > 0 ? { refs } : {}),
  };
}

/** A short name for an instance: what AMT calls it, else its keys. */
export function instanceLabel(instance: Instance, ref: InstanceRef): string {
  for (const name of ['ElementName', 'Name', 'InstanceID']) {
    const v = instance.properties[name];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  // Associations have only reference keys: name each end by what it is called, not its full reference.
  const keys = Object.values(ref.selectors).map((v) => (typeof v === 'string' ? v : shortName(v)));
  return keys.length > 0 ? keys.join(' · ') : instance.className;
}

export function instanceView(instance: Instance, ref: InstanceRef, catalog: Catalog): InstanceView {
  return {
    ref,
    label: instanceLabel(instance, ref),
    properties: Object.entries(instance.properties).map(([name, value]) => propertyView(instance.className, name, value, catalog)),
  };
}

/** The properties whose values differ between the device's instance and an edited one, in document order. */
export function propertyChanges(before: Instance, after: Instance, catalog: Catalog): PropertyChange[] {
  const names = [...Object.keys(after.properties), ...Object.keys(before.properties).filter((n) => !(n in after.properties))];
  const text = (i: Instance, n: string) => (n in i.properties ? valueText(i.properties[n]!, (x) => catalog.valueLabel(i.className, n, x)) : '');
  return names.map((name) => ({ name, before: text(before, name), after: text(after, name) })).filter((c) => c.before !== c.after);
}

function shortName(epr: EndpointReference): string {
  for (const name of ['Name', 'InstanceID', 'ElementName']) {
    const v = epr.selectors[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return classNameFromUri(epr.resourceUri);
}
