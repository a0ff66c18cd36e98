/**
 * Markdown descriptions of catalog entries, shared by hover and completion documentation.
 * The catalog has no prose descriptions (see shared/catalog/README.md), so these show the facts:
 * type, key/required flags, value maps, where a member is declared, the schema and resource URI.
 */
import type { ClassInfo, MethodInfo, ParameterInfo, PropertyInfo } from '../catalog/catalog';
import type { ValueMap } from '../catalog/value-map';

function typeText(m: { type: string; array: boolean; eprClass?: string; embeddedInstance?: string }): string {
  const base = m.embeddedInstance ? `${m.embeddedInstance} (embedded instance)` : m.type === 'EPR' && m.eprClass ? `EPR → ${m.eprClass}` : m.type;
  return m.array ? `${base}[]` : base;
}

export function valueMapTable(map: ValueMap, highlight?: string): string {
  const rows = Object.entries(map).map(([k, v]) => (k === highlight ? `| **${k}** | **${v}** |` : `| ${k} | ${v} |`));
  return ['| value | meaning |', '|---|---|', ...rows].join('\n');
}

export function describeClass(cls: ClassInfo): string {
  const lines = [
    `**${cls.name}** — ${cls.schema.toUpperCase()} class`,
    '',
    `Resource URI: \`${cls.resourceUri}\``,
    '',
    `Superclass chain: ${cls.chain.join(' → ')}`,
    '',
    `Keys (selectors): ${cls.keys.length ? cls.keys.map((k) => `\`${k}\``).join(', ') : '_none (singleton: Get without selectors)_'}`,
    '',
    `${cls.properties.length} properties; methods: ${cls.methods.length ? cls.methods.map((m) => `\`${m.name}\``).join(', ') : '_none_'}`,
  ];
  return lines.join('\n');
}

export function describeProperty(cls: ClassInfo, prop: PropertyInfo): string {
  const flags = [prop.key ? 'key' : '', prop.required ? 'required' : ''].filter(Boolean).join(', ');
  const lines = [
    `**${cls.name}.${prop.name}**: \`${typeText(prop)}\`${flags ? ` (${flags})` : ''}`,
    '',
    `Declared in ${prop.declaredIn}; schema ${cls.schema.toUpperCase()}.`,
  ];
  if (prop.valueMap) lines.push('', valueMapTable(prop.valueMap));
  return lines.join('\n');
}

export function signature(m: MethodInfo): string {
  const ins = m.in.map((p) => `${p.required ? '' : '?'}${p.name}: ${typeText(p)}`).join(', ');
  const outs = m.out.map((p) => `${p.name}: ${typeText(p)}`).join(', ');
  return `${m.name}(${ins}) → ReturnValue: ${m.returnType}${outs ? `; out ${outs}` : ''}`;
}

export function describeMethod(cls: ClassInfo | undefined, m: MethodInfo): string {
  const lines = [`**${cls ? `${cls.name}.` : ''}${m.name}** (method, declared in ${m.declaredIn})`, '', '```', signature(m), '```'];
  if (cls) lines.push('', `Action: \`${cls.resourceUri}/${m.name}\``, '', `Body: \`<h:${m.name}_INPUT xmlns:h="${cls.resourceUri}">\``);
  const required = m.in.filter((p) => p.required).map((p) => `\`${p.name}\``);
  if (required.length) lines.push('', `Required inputs: ${required.join(', ')}`);
  return lines.join('\n');
}

export function describeParam(m: MethodInfo, p: ParameterInfo): string {
  const lines = [`**${m.name}.${p.name}**: \`${typeText(p)}\` (input parameter${p.required ? ', required' : ''})`];
  if (p.valueMap) lines.push('', valueMapTable(p.valueMap));
  return lines.join('\n');
}

/** `2` → `**2** = Power On`, with the value-map table beneath and the row highlighted. */
export function describeValue(subject: string, value: string, label: string | undefined, map: ValueMap | undefined): string {
  const head = label !== undefined ? `\`${value}\` = **${label}** (${subject})` : `\`${value}\` is not in the value map of ${subject}`;
  if (!map) return head;
  const exact = Object.keys(map).find((k) => k === value.trim());
  return `${head}\n\n${valueMapTable(map, exact)}`;
}
