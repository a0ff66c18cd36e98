/**
 * Values → XML: instance bodies, method arguments, selector sets and endpoint references, in the
 * shapes AMT accepts (DMTF DSP0227, the WS-Management CIM binding, and the Intel AMT SDK's WS-Management
 * pages). The envelope prefixes `a:` (addressing),
 * `w:` (wsman) and `xsi:` are declared by envelope.ts; EPR arguments repeat their namespaces inline
 * because that is the form the AMT client libraries send.
 */
import { NS, resourceUriFor, classNameFromUri } from './namespaces';
import type { EndpointReference, Selectors, WsInput } from './types';
import { isDatetime, isEmbeddedInstance, isEpr } from './types';
import { escapeXml } from './xml';

/** Address clients write in EPR arguments (AMT's own output uses …/role/anonymous; both are accepted). */
export const EPR_ARGUMENT_ADDRESS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';

/** `<h:Class xmlns:h=uri>…properties…</h:Class>`, as a Put or Create body. */
export function serializeInstance(classOrUri: string, props: Record<string, WsInput>): string {
  const uri = resourceUriFor(classOrUri);
  const className = classNameFromUri(uri);
  return `<h:${className} xmlns:h="${escapeXml(uri)}">${serializeProperties('h', props)}</h:${className}>`;
}

/** `<h:M_INPUT xmlns:h=uri>…arguments…</h:M_INPUT>` for invoking a method. */
export function serializeMethodInput(classOrUri: string, method: string, input: Record<string, WsInput>): string {
  const uri = resourceUriFor(classOrUri);
  const tag = `${method}_INPUT`;
  const inner = serializeProperties('h', input);
  return inner === '' ? `<h:${tag} xmlns:h="${escapeXml(uri)}"/>` : `<h:${tag} xmlns:h="${escapeXml(uri)}">${inner}</h:${tag}>`;
}

/** Child elements for each property in key order; arrays repeat the element, `undefined` is left out. */
export function serializeProperties(prefix: string, props: Record<string, WsInput | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out += serializeProperty(prefix, name, item);
  }
  return out;
}

function serializeProperty(prefix: string, name: string, value: WsInput): string {
  const tag = `${prefix}:${name}`;
  // xsi declared inline so an instance serialized on its own is still well-formed.
  if (value === null) return `<${tag} xmlns:xsi="${NS.xsi}" xsi:nil="true"/>`;
  if (typeof value === 'string') return `<${tag}>${escapeXml(value)}</${tag}>`;
  if (typeof value === 'number' || typeof value === 'boolean') return `<${tag}>${String(value)}</${tag}>`;
  if (Array.isArray(value)) {
    // An array inside an array has no XML form of its own; flatten it into repeated elements.
    return value.map((v) => serializeProperty(prefix, name, v)).join('');
  }
  if (isEpr(value)) return `<${tag}>${serializeEprContent(value, true)}</${tag}>`;
  if (isDatetime(value)) {
    return `<${tag}><${value.form} xmlns="${NS.common}">${escapeXml(value.value)}</${value.form}></${tag}>`;
  }
  if (isEmbeddedInstance(value)) {
    const uri = resourceUriFor(value.classOrUri);
    return `<${tag} xmlns:q="${escapeXml(uri)}">${serializeProperties('q', value.properties)}</${tag}>`;
  }
  return `<${tag}>${serializeProperties(prefix, value as Record<string, WsInput>)}</${tag}>`;
}

/**
 * Address + ReferenceParameters. `inline` declares the namespaces on each element (method
 * arguments); otherwise the envelope's `a:`/`w:` prefixes are used (header selectors).
 */
export function serializeEprContent(epr: EndpointReference, inline: boolean): string {
  const address = escapeXml(epr.address || EPR_ARGUMENT_ADDRESS);
  const uri = escapeXml(epr.resourceUri);
  const selectors = Object.keys(epr.selectors).length > 0 ? serializeSelectorSet(epr.selectors, inline) : '';
  if (inline) {
    return (
      `<Address xmlns="${NS.addressing}">${address}</Address>` +
      `<ReferenceParameters xmlns="${NS.addressing}"><ResourceURI xmlns="${NS.wsman}">${uri}</ResourceURI>${selectors}</ReferenceParameters>`
    );
  }
  return `<a:Address>${address}</a:Address><a:ReferenceParameters><w:ResourceURI>${uri}</w:ResourceURI>${selectors}</a:ReferenceParameters>`;
}

/** `<w:SelectorSet>` with string selectors or nested `<a:EndpointReference>` selectors. */
export function serializeSelectorSet(selectors: Selectors, inline = false): string {
  const open = inline ? `<SelectorSet xmlns="${NS.wsman}">` : '<w:SelectorSet>';
  const close = inline ? '</SelectorSet>' : '</w:SelectorSet>';
  const sel = inline ? 'Selector' : 'w:Selector';
  let out = open;
  for (const [name, value] of Object.entries(selectors)) {
    const content =
      typeof value === 'string'
        ? escapeXml(value)
        : inline
          ? `<EndpointReference xmlns="${NS.addressing}">${serializeEprContent(value, true)}</EndpointReference>`
          : `<a:EndpointReference>${serializeEprContent(value, false)}</a:EndpointReference>`;
    out += `<${sel} Name="${escapeXml(name)}">${content}</${sel}>`;
  }
  return out + close;
}
