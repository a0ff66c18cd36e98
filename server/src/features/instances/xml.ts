/**
 * An instance as an XML document a person edits: one property per line, references and datetimes
 * indented, namespaces declared once on the root. parseInstanceDocument (document.ts)
 * reads it back, so what the editor saves is exactly what Put sends. Hand-written rather than
 * generic pretty-printing: the shapes are few and known, and leaf text must stay byte for byte.
 */
import { NS, classNameFromUri } from '../../wsman/namespaces';
import type { EndpointReference, Instance, Selectors, WsValue } from '../../wsman/types';
import { isDatetime, isEpr } from '../../wsman/types';
import { escapeXml } from '../../wsman/xml';
import { EPR_ARGUMENT_ADDRESS } from '../../wsman/serialize';

const INDENT = '  ';

interface Writer {
  lines: string[];
  /** Prefixes used, declared on the root afterwards. */
  used: Set<'a' | 'w' | 'c' | 'xsi'>;
}

/**
 * `<?xml?>`, an optional comment (one line per entry), then `<h:Class xmlns:h=…>` with the
 * properties. `resourceUri` is the instance's class namespace.
 */
export function instanceToXml(instance: Instance, resourceUri: string, comment: string[] = []): string {
  const className = classNameFromUri(resourceUri);
  const w: Writer = { lines: [], used: new Set() };
  for (const [name, value] of Object.entries(instance.properties)) property(w, 'h', name, value, 1);
  const decls = [`xmlns:h="${escapeXml(resourceUri)}"`];
  if (w.used.has('a')) decls.push(`xmlns:a="${NS.addressing}"`);
  if (w.used.has('w')) decls.push(`xmlns:w="${NS.wsman}"`);
  if (w.used.has('c')) decls.push(`xmlns:c="${NS.common}"`);
  if (w.used.has('xsi')) decls.push(`xmlns:xsi="${NS.xsi}"`);
  const head = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // `--` may not appear inside an XML comment.
  if (comment.length > 0) head.push(`<!--\n${comment.map((l) => `  ${l.replace(/--/g, '- -')}`).join('\n')}\n-->`);
  const root = `h:${className}`;
  if (w.lines.length === 0) return [...head, `<${root} ${decls.join(' ')}/>`, ''].join('\n');
  return [...head, `<${root} ${decls.join(' ')}>`, ...w.lines, `</${root}>`, ''].join('\n');
}

function property(w: Writer, prefix: string, name: string, value: WsValue, depth: number): void {
  const pad = INDENT.repeat(depth);
  const tag = `${prefix}:${name}`;
  if (value === null) {
    w.used.add('xsi');
    w.lines.push(`${pad}<${tag} xsi:nil="true"/>`);
  } else if (typeof value === 'string') {
    w.lines.push(`${pad}<${tag}>${escapeXml(value)}</${tag}>`);
  } else if (Array.isArray(value)) {
    for (const item of value) property(w, prefix, name, item, depth);
  } else if (isEpr(value)) {
    w.lines.push(`${pad}<${tag}>`);
    eprContent(w, value, depth + 1);
    w.lines.push(`${pad}</${tag}>`);
  } else if (isDatetime(value)) {
    w.used.add('c');
    w.lines.push(`${pad}<${tag}><c:${value.form}>${escapeXml(value.value)}</c:${value.form}></${tag}>`);
  } else {
    w.lines.push(`${pad}<${tag}>`);
    for (const [k, v] of Object.entries(value)) property(w, prefix, k, v, depth + 1);
    w.lines.push(`${pad}</${tag}>`);
  }
}

function eprContent(w: Writer, epr: EndpointReference, depth: number): void {
  const pad = INDENT.repeat(depth);
  w.used.add('a');
  w.used.add('w');
  w.lines.push(`${pad}<a:Address>${escapeXml(epr.address || EPR_ARGUMENT_ADDRESS)}</a:Address>`);
  w.lines.push(`${pad}<a:ReferenceParameters>`);
  w.lines.push(`${pad}${INDENT}<w:ResourceURI>${escapeXml(epr.resourceUri)}</w:ResourceURI>`);
  selectorSet(w, epr.selectors, depth + 1);
  w.lines.push(`${pad}</a:ReferenceParameters>`);
}

function selectorSet(w: Writer, selectors: Selectors, depth: number): void {
  const entries = Object.entries(selectors);
  if (entries.length === 0) return;
  const pad = INDENT.repeat(depth);
  w.lines.push(`${pad}<w:SelectorSet>`);
  for (const [name, value] of entries) {
    const open = `${pad}${INDENT}<w:Selector Name="${escapeXml(name)}">`;
    if (typeof value === 'string') {
      w.lines.push(`${open}${escapeXml(value)}</w:Selector>`);
    } else {
      w.lines.push(open, `${pad}${INDENT.repeat(2)}<a:EndpointReference>`);
      eprContent(w, value, depth + 3);
      w.lines.push(`${pad}${INDENT.repeat(2)}</a:EndpointReference>`, `${pad}${INDENT}</w:Selector>`);
    }
  }
  w.lines.push(`${pad}</w:SelectorSet>`);
}
