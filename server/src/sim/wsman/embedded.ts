/**
 * Embedded instances in method inputs (DMTF DSP0227, the WS-Management CIM binding: an
 * EmbeddedInstance parameter is written as an element holding the instance's properties in the
 * embedded class's namespace), e.g. AMT_WiFiPortConfigurationService.AddWiFiSettings'
 * `<h:WiFiEndpointSettingsInput xmlns:q="…/CIM_WiFiEndpointSettings"><q:SSID>…</q:SSID>…`.
 *
 * The input arrives as a string (so it fits the simulator's plain PropValue store): JSON of
 * `{ ns, props: { name: text | text[] } }`. `readEmbedded` turns it back into typed properties
 * against the embedded class's property specs, refusing unknown names and mistyped values as a
 * schema violation, as a Put body would be.
 */
import type { ClassInfo } from '../classes/registry';
import type { PropMap, PropValue } from '../values';
import type { XmlElement } from '../xml/parse';
import { WsmanFault } from './faults';

interface EmbeddedText {
  readonly ns: string;
  readonly props: Record<string, string | string[]>;
}

export function embeddedText(e: XmlElement): string {
  const props: Record<string, string | string[]> = Object.create(null);
  let ns = '';
  for (const c of e.children) {
    ns ||= c.ns;
    if (c.ns !== ns) throw new WsmanFault('SchemaValidationError', `${e.local} mixes namespaces`);
    // A datetime arrives in its common-namespace wrapper (<q:StartTime><cim:Datetime>…): its text.
    const text = c.children.length === 1 ? c.children[0].text : c.text;
    const prev = props[c.local];
    props[c.local] = prev === undefined ? text : [...(Array.isArray(prev) ? prev : [prev]), text];
  }
  return JSON.stringify({ ns, props } satisfies EmbeddedText);
}

/** Typed properties of an embedded instance of `cls` (from embeddedText's string). */
export function readEmbedded(value: PropValue | undefined, cls: ClassInfo, name: string): PropMap {
  if (typeof value !== 'string') throw new WsmanFault('SchemaValidationError', `${name} is not an embedded ${cls.def.name}`);
  const parsed = JSON.parse(value) as EmbeddedText;
  if (parsed.ns !== '' && parsed.ns !== cls.uri) {
    throw new WsmanFault('SchemaValidationError', `${name} must hold ${cls.def.name} properties in ${cls.uri}`);
  }
  const out: PropMap = {};
  for (const [prop, raw] of Object.entries(parsed.props)) {
    const def = cls.props.get(prop);
    if (!def) throw new WsmanFault('SchemaValidationError', `${cls.def.name} has no property ${prop}`);
    const texts = Array.isArray(raw) ? raw : [raw];
    if (!def.array && texts.length > 1) throw new WsmanFault('SchemaValidationError', `${prop} is not an array`);
    const typed = texts.map((t) => scalar(t, def.type, prop));
    out[prop] = def.array ? typed : typed[0];
  }
  return out;
}

function scalar(text: string, type: string, prop: string): string | number | boolean {
  const t = text.trim();
  if (type === 'boolean') {
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
  } else if (/^[us]int\d+$/.test(type)) {
    if (/^[+-]?\d+$/.test(t) && (type.startsWith('s') || !t.startsWith('-'))) return Number(t);
  } else {
    return text;
  }
  throw new WsmanFault('SchemaValidationError', `${prop} = "${t}" is not a valid ${type}`);
}
