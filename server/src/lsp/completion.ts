/**
 * Completion in .wsman files: ResourceURI (every class), Action (standard actions and the class's
 * methods), header and body elements, selector names (keys) and values, property elements of a
 * Put/Create instance, parameter elements of `{Method}_INPUT`, value-map values, namespace
 * declarations, and `{{variables}}`.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog, ClassInfo, ParameterInfo, PropertyInfo } from '../catalog/catalog';
import { ANONYMOUS, NS, SCHEMA_PREFIX } from '../wsman/namespaces';
import { cursorAt, type Cursor } from './cursor';
import { describeClass, describeMethod, describeParam, describeProperty, signature } from './describe';
import { BUILTIN_VARIABLES, requestAt, substitute, variablesAt, type WsmanFile } from './document';
import { attributeInsertOffset, declarableNamespaces, guessNamespace, qualify } from './prefixes';
import { HEADERS, readRequest, roleOf, STANDARD_ACTIONS, type RequestModel } from './request';
import { enumerableEntries, typicalSelectorValues } from './values';
import type { XElement } from './xmlTree';

interface Ctx {
  doc: TextDocument;
  file: WsmanFile;
  model: RequestModel;
  catalog: Catalog;
  cursor: Cursor;
}

/** An element a completion can insert. */
interface ElementSpec {
  ns: string;
  local: string;
  prefix?: string;
  /** Declare the namespace on the element itself (body elements) instead of on the Envelope. */
  inline?: boolean;
  attrs?: string;
  /** Snippet content between the tags; `(p) => …` receives the element's own prefix (with colon). */
  content?: string | ((prefix: string) => string);
  selfClose?: boolean;
  kind: CompletionItemKind;
  detail?: string;
  doc?: string;
  sort: number;
}

export function complete(doc: TextDocument, file: WsmanFile, offset: number, catalog: Catalog): CompletionItem[] {
  const block = requestAt(file, offset);
  if (!block || offset < block.xmlStart) return variableLineCompletions(doc, file, offset);
  const model = readRequest(block, catalog, file.scopeAt(block.xmlStart));
  const cursor = cursorAt(file.text, block.xml, offset);
  const ctx: Ctx = { doc, file, model, catalog, cursor };
  switch (cursor.kind) {
    case 'variable':
      return variableItems(ctx, cursor.start, cursor.end, offset);
    case 'elementName': {
      const fresh = cursor.el.startTagEnd === undefined && cursor.el.attrs.length === 0;
      return elementItems(ctx, cursor.parent, { start: cursor.start, end: cursor.end }, fresh ? 'tag' : 'name');
    }
    case 'endTagName':
      return [{ label: cursor.el.name, kind: CompletionItemKind.Keyword, textEdit: edit(doc, cursor.start, cursor.end, cursor.el.name) }];
    case 'attrName':
      return attrNameItems(ctx, cursor.el, cursor.start, cursor.end);
    case 'attrValue':
      return attrValueItems(ctx, cursor.el, cursor.attr.name, cursor.start, cursor.end);
    case 'text': {
      const values = valueItems(ctx, cursor.el, cursor.start, cursor.end);
      // On a blank line inside a container, offer whole elements (`<w:Action>…`).
      if (values.length === 0 && cursor.start === cursor.end) return elementItems(ctx, cursor.el, { start: cursor.start, end: cursor.end }, 'element');
      return values;
    }
    default:
      return [];
  }
}

function edit(doc: TextDocument, start: number, end: number, newText: string): TextEdit {
  return { range: range(doc, start, end), newText };
}

function range(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

function md(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

function sortKey(n: number, label: string): string {
  return `${String(n).padStart(2, '0')}_${label}`;
}

/** Escapes text for a snippet body. */
function snippetText(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/* ---------- variables ---------- */

function variableItems(ctx: Ctx, start: number, end: number, offset: number): CompletionItem[] {
  const closed = ctx.file.text.slice(end).trimStart().startsWith('}}');
  const names = new Map<string, string>();
  for (const [name, value] of variablesAt(ctx.file, offset)) names.set(name, `= ${value}`);
  for (const [name, doc] of Object.entries(BUILTIN_VARIABLES)) names.set(name, doc);
  return [...names].map(([name, doc], i) => ({
    label: name,
    kind: CompletionItemKind.Variable,
    detail: name.startsWith('$') ? 'built-in' : doc,
    documentation: md(name.startsWith('$') ? doc : `\`{{${name}}}\` ${doc}`),
    sortText: sortKey(name.startsWith('$') ? 50 : 10, `${i}`),
    textEdit: edit(ctx.doc, start, end, closed ? name : `${name}}}`),
  }));
}

function variableLineCompletions(doc: TextDocument, file: WsmanFile, offset: number): CompletionItem[] {
  const lineStart = file.text.lastIndexOf('\n', offset - 1) + 1;
  const before = file.text.slice(lineStart, offset);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0) return [];
  const start = lineStart + open + 2;
  const fake = { doc, file, cursor: { kind: 'none' } } as unknown as Ctx;
  return variableItems(fake, start, offset, offset);
}

/* ---------- elements ---------- */

type ElementMode = 'name' | 'tag' | 'element';

function elementItems(ctx: Ctx, parent: XElement | undefined, span: { start: number; end: number }, mode: ElementMode): CompletionItem[] {
  const specs = parent ? elementSpecs(ctx, parent) : [envelopeSpec()];
  return specs.map((s) => elementItem(ctx, parent, s, span, mode));
}

function elementItem(ctx: Ctx, parent: XElement | undefined, s: ElementSpec, span: { start: number; end: number }, mode: ElementMode): CompletionItem {
  const q = qualify(parent, s.ns, s.local, s.prefix);
  const additional: TextEdit[] = [];
  let attrs = s.attrs ?? '';
  if (q.declare) {
    const envelope = ctx.model.envelope;
    if (s.inline || !envelope) attrs = ` xmlns:${q.declare.prefix}="${q.declare.ns}"${attrs}`;
    else {
      const at = attributeInsertOffset(envelope, ctx.file.text);
      additional.push(edit(ctx.doc, at, at, ` xmlns:${q.declare.prefix}="${q.declare.ns}"`));
    }
  }
  const ownPrefix = q.name.includes(':') ? q.name.slice(0, q.name.indexOf(':') + 1) : '';
  const content = typeof s.content === 'function' ? s.content(ownPrefix) : (s.content ?? '$0');
  const whole = s.selfClose ? `${q.name}${attrs}/>` : `${q.name}${attrs}>${content}</${q.name}>`;
  const newText = mode === 'name' ? q.name : mode === 'tag' ? whole : `<${whole}`;
  return {
    label: q.name,
    kind: s.kind,
    ...(s.detail ? { detail: s.detail } : {}),
    ...(s.doc ? { documentation: md(s.doc) } : {}),
    sortText: sortKey(s.sort, s.local),
    filterText: mode === 'element' ? `<${q.name}` : q.name,
    insertTextFormat: mode === 'name' ? InsertTextFormat.PlainText : InsertTextFormat.Snippet,
    textEdit: edit(ctx.doc, span.start, span.end, newText),
    ...(additional.length ? { additionalTextEdits: additional } : {}),
  };
}

function envelopeSpec(): ElementSpec {
  return {
    ns: NS.soap,
    local: 'Envelope',
    prefix: 's',
    inline: true,
    attrs: ` xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}"`,
    content: (p) => `\n  <${p}Header>\n    <a:Action>$1</a:Action>\n    <w:ResourceURI>$2</w:ResourceURI>\n  </${p}Header>\n  <${p}Body>$0</${p}Body>\n`,
    kind: CompletionItemKind.Module,
    detail: 'SOAP envelope',
    sort: 0,
  };
}

function present(parent: XElement, local: string): boolean {
  return parent.children.some((c) => c.local === local && c.name !== '');
}

function elementSpecs(ctx: Ctx, parent: XElement): ElementSpec[] {
  const { model, catalog } = ctx;
  const role = roleOf(parent, model, catalog);
  switch (role.kind) {
    case 'envelope':
      return ['Header', 'Body']
        .filter((l) => !present(parent, l))
        .map((local, i) => ({ ns: NS.soap, local, kind: CompletionItemKind.Keyword, content: '\n$0\n', sort: i }));
    case 'header':
      return headerSpecs(ctx, parent);
    case 'selectorSet':
      return (model.cls?.keys ?? [])
        .filter((k) => !model.selectors.some((s) => s.name === k))
        .map((key, i) => ({
          ns: NS.wsman,
          local: 'Selector',
          attrs: ` Name="${key}"`,
          kind: CompletionItemKind.Field,
          detail: `selector ${key}`,
          ...(keyDoc(model.cls!, key) ? { doc: keyDoc(model.cls!, key)! } : {}),
          sort: i,
        }));
    case 'body':
      return bodySpecs(ctx);
    case 'instance':
      return role.cls ? propertySpecs(parent, role.cls) : [];
    case 'input':
      return role.method ? paramSpecs(parent, role.method.in, role.cls) : [];
    case 'property':
    case 'param': {
      const typed = role.kind === 'property' ? role.prop : role.param;
      if (typed?.type !== 'datetime') return [];
      return ['Datetime', 'Interval'].map((local, i) => ({
        ns: NS.common,
        local,
        prefix: 'cim',
        inline: true,
        kind: CompletionItemKind.Keyword,
        detail: local === 'Datetime' ? 'e.g. 2024-01-03T00:44:35Z' : 'e.g. P1DT0H0M0S',
        sort: i,
      }));
    }
    default:
      return [];
  }
}

function keyDoc(cls: ClassInfo, key: string): string | undefined {
  const prop = cls.properties.find((p) => p.name === key);
  return prop ? describeProperty(cls, prop) : undefined;
}

function headerSpecs(ctx: Ctx, parent: XElement): ElementSpec[] {
  const contents: Record<string, string | ((p: string) => string)> = {
    To: '${1:/wsman}',
    MessageID: '${1:{{\\$uuid\\}}}',
    ReplyTo: () => {
      const address = qualify(parent, NS.addressing, 'Address').name;
      return `<${address}>${ANONYMOUS}</${address}>`;
    },
    OperationTimeout: '${1:PT60S}',
    MaxEnvelopeSize: '${1:51200}',
    SelectorSet: () => {
      const sel = qualify(parent, NS.wsman, 'Selector').name;
      const key = ctx.model.cls?.keys[0] ?? 'InstanceID';
      return `\n  <${sel} Name="\${1:${key}}">$2</${sel}>\n`;
    },
  };
  return HEADERS.filter((h) => !present(parent, h.local)).map((h, i) => ({
    ns: h.ns,
    local: h.local,
    content: contents[h.local] ?? '$0',
    kind: CompletionItemKind.Keyword,
    detail: h.fillable ? 'header (filled in on send when omitted)' : 'header',
    doc: h.doc,
    sort: i,
  }));
}

function bodySpecs(ctx: Ctx): ElementSpec[] {
  const { model } = ctx;
  const cls = model.cls;
  const specs: { op: string[]; spec: ElementSpec }[] = [];
  if (cls) {
    specs.push({
      op: ['put', 'create'],
      spec: { ns: cls.namespace, local: cls.name, prefix: 'h', inline: true, content: '\n$0\n', kind: CompletionItemKind.Class, detail: 'instance (Put/Create body)', doc: describeClass(cls), sort: 0 },
    });
    for (const m of cls.methods) {
      if (model.operation === 'invoke' && model.methodName !== m.name) continue;
      const required = m.in.filter((p) => p.required);
      specs.push({
        op: ['invoke'],
        spec: {
          ns: cls.namespace,
          local: `${m.name}_INPUT`,
          prefix: 'h',
          inline: true,
          content: (p) => (required.length ? required.map((r, i) => `\n  <${p}${r.name}>$${i + 1}</${p}${r.name}>`).join('') + '\n' : '$0'),
          kind: CompletionItemKind.Method,
          detail: signature(m),
          doc: describeMethod(cls, m),
          sort: 0,
        },
      });
    }
  }
  const std = (local: string, ns: string, prefix: string, content: string | ((p: string) => string) | undefined, op: string, detail: string): void => {
    specs.push({ op: [op], spec: { ns, local, prefix, inline: true, ...(content === undefined ? { selfClose: true } : { content }), kind: CompletionItemKind.Keyword, detail, sort: 1 } });
  };
  std('Enumerate', NS.enumeration, 'n', undefined, 'enumerate', 'WS-Enumeration Enumerate body');
  std('Pull', NS.enumeration, 'n', (p) => `<${p}EnumerationContext>$1</${p}EnumerationContext><${p}MaxElements>\${2:999}</${p}MaxElements><${p}MaxCharacters>\${3:99999}</${p}MaxCharacters>`, 'pull', 'WS-Enumeration Pull body');
  std('Release', NS.enumeration, 'n', (p) => `<${p}EnumerationContext>$1</${p}EnumerationContext>`, 'release', 'WS-Enumeration Release body');
  std('Identify', NS.identity, 'wsmid', undefined, 'identify', 'WS-Management Identify (no Action, no ResourceURI)');
  std('Unsubscribe', NS.eventing, 'e', undefined, 'unsubscribe', 'WS-Eventing Unsubscribe body');
  std(
    'Subscribe',
    NS.eventing,
    'e',
    (p) =>
      `<${p}Delivery Mode="http://schemas.xmlsoap.org/ws/2004/08/eventing/DeliveryModes/Push"><${p}NotifyTo><a:Address xmlns:a="${NS.addressing}">\${1:http://listener:port/path}</a:Address></${p}NotifyTo></${p}Delivery>`,
    'subscribe',
    'WS-Eventing Subscribe body',
  );
  const matching = specs.filter((s) => s.op.includes(model.operation));
  return (matching.length ? matching : specs).map((s) => s.spec);
}

function propertySpecs(parent: XElement, cls: ClassInfo): ElementSpec[] {
  return cls.properties
    .filter((p) => p.array || !present(parent, p.name))
    .map((p) => ({
      ns: cls.namespace,
      local: p.name,
      prefix: parent.prefix ?? 'h',
      content: '$0',
      kind: CompletionItemKind.Property,
      detail: `${p.type}${p.array ? '[]' : ''}${p.key ? ' (key)' : p.required ? ' (required)' : ''}`,
      doc: describeProperty(cls, p),
      sort: p.key ? 0 : p.required ? 1 : 2,
    }));
}

function paramSpecs(parent: XElement, params: readonly ParameterInfo[], cls: ClassInfo | undefined): ElementSpec[] {
  const ns = parent.ns || cls?.namespace || '';
  return params
    .filter((p) => p.array || !present(parent, p.name))
    .map((p) => ({
      ns,
      local: p.name,
      prefix: parent.prefix ?? 'h',
      content: '$0',
      kind: CompletionItemKind.Field,
      detail: `${p.type}${p.array ? '[]' : ''}${p.required ? ' (required)' : ''}`,
      sort: p.required ? 0 : 1,
    }));
}

/* ---------- attributes ---------- */

function attrNameItems(ctx: Ctx, el: XElement, start: number, end: number): CompletionItem[] {
  const items: CompletionItem[] = [];
  const role = roleOf(el, ctx.model, ctx.catalog);
  const has = (name: string) => el.attrs.some((a) => a.name === name && a.nameStart !== start);
  if (role.kind === 'selector' && !has('Name')) {
    items.push({ label: 'Name', kind: CompletionItemKind.Property, detail: 'selector key name', sortText: sortKey(0, 'Name'), insertTextFormat: InsertTextFormat.Snippet, textEdit: edit(ctx.doc, start, end, 'Name="$1"') });
  }
  if ((role.kind === 'property' || role.kind === 'param') && !has('xsi:nil')) {
    items.push({ label: 'xsi:nil', kind: CompletionItemKind.Property, detail: 'null value', sortText: sortKey(1, 'xsi:nil'), textEdit: edit(ctx.doc, start, end, 'xsi:nil="true"') });
  }
  const classNs = ctx.model.cls?.namespace;
  for (const { prefix, ns } of declarableNamespaces(classNs)) {
    if (el.scope.get(prefix) === ns || has(`xmlns:${prefix}`)) continue;
    if ([...el.scope.values()].includes(ns)) continue;
    items.push({
      label: `xmlns:${prefix}`,
      kind: CompletionItemKind.Module,
      detail: ns,
      sortText: sortKey(5, prefix),
      textEdit: edit(ctx.doc, start, end, `xmlns:${prefix}="${ns}"`),
    });
  }
  return items;
}

function attrValueItems(ctx: Ctx, el: XElement, attrName: string, start: number, end: number): CompletionItem[] {
  const role = roleOf(el, ctx.model, ctx.catalog);
  if (role.kind === 'selector' && attrName === 'Name') {
    const cls = ctx.model.cls;
    return (cls?.keys ?? []).map((k, i) => ({
      label: k,
      kind: CompletionItemKind.Field,
      detail: `key of ${cls!.name}`,
      ...(keyDoc(cls!, k) ? { documentation: md(keyDoc(cls!, k)!) } : {}),
      sortText: sortKey(ctx.model.selectors.some((s) => s.name === k) ? 5 : 0, `${i}`),
      textEdit: edit(ctx.doc, start, end, k),
    }));
  }
  if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
    const prefix = attrName.slice(6);
    const classNs = ctx.model.cls?.namespace;
    const guess = guessNamespace(prefix, classNs);
    const all = new Map<string, string>();
    if (guess) all.set(guess, prefix);
    for (const d of declarableNamespaces(classNs)) if (!all.has(d.ns)) all.set(d.ns, d.prefix);
    return [...all.keys()].map((ns, i) => ({
      label: ns,
      kind: CompletionItemKind.Module,
      sortText: sortKey(ns === guess ? 0 : 1, String(i).padStart(3, '0')),
      ...(ns === guess ? { preselect: true } : {}),
      textEdit: edit(ctx.doc, start, end, ns),
    }));
  }
  return [];
}

/* ---------- values (element text) ---------- */

function valueItems(ctx: Ctx, el: XElement, start: number, end: number): CompletionItem[] {
  const { model, catalog } = ctx;
  const typed = ctx.file.text.slice(start, end);
  const role = roleOf(el, model, catalog);
  const value = (label: string, newText: string, extra: Partial<CompletionItem>, sort: number): CompletionItem => ({
    label,
    sortText: sortKey(sort, label),
    textEdit: edit(ctx.doc, start, end, newText),
    ...extra,
  });
  if (role.kind === 'headerItem') {
    switch (role.local) {
      case 'ResourceURI': {
        // `{{amt}}/AMT_Ge…`: complete the class name after a prefix that resolves to a schema URI.
        const slash = typed.lastIndexOf('/');
        if (slash >= 0 && !/^https?:/.test(typed)) {
          const base = substitute(typed.slice(0, slash + 1), ctx.file.scopeAt(model.block.xmlStart)).text;
          const schema = Object.entries(SCHEMA_PREFIX).find(([, p]) => p === base)?.[0];
          if (schema) {
            return catalog
              .listClasses()
              .filter((c) => c.schema === schema)
              .map((c) => ({ label: c.name, kind: CompletionItemKind.Class, detail: c.resourceUri, sortText: sortKey(0, c.name), textEdit: edit(ctx.doc, start + slash + 1, end, c.name) }));
          }
        }
        // Filter on the URI once the user types one, else on the class name.
        const byUri = /^https?:/.test(typed);
        return catalog.listClasses().map((c) =>
          value(c.name, c.resourceUri, { kind: CompletionItemKind.Class, detail: c.resourceUri, filterText: byUri ? c.resourceUri : c.name, data: { className: c.name } }, c.schema === 'amt' ? 0 : c.schema === 'ips' ? 1 : 2),
        );
      }
      case 'Action': {
        const items = STANDARD_ACTIONS.map((a) => value(a.label, a.uri, { kind: CompletionItemKind.Event, detail: a.uri, documentation: md(a.doc), filterText: /^https?:/.test(typed) ? a.uri : a.label }, 1));
        const cls = model.cls;
        for (const m of cls?.methods ?? []) {
          const uri = `${cls!.resourceUri}/${m.name}`;
          items.push(value(m.name, uri, { kind: CompletionItemKind.Method, detail: signature(m), documentation: md(describeMethod(cls, m)), filterText: /^https?:/.test(typed) ? uri : m.name }, 0));
        }
        return items;
      }
      case 'To':
        return [value('/wsman', '/wsman', { kind: CompletionItemKind.Value }, 0), value('{{$target}}/wsman', '{{$target}}/wsman', { kind: CompletionItemKind.Value }, 1)];
      case 'MessageID':
        return [value('{{$uuid}}', '{{$uuid}}', { kind: CompletionItemKind.Value, detail: 'a fresh uuid per send' }, 0)];
      case 'OperationTimeout':
        return [value('PT60S', 'PT60S', { kind: CompletionItemKind.Value, detail: 'AMT enforces at least 30 s' }, 0)];
      case 'MaxEnvelopeSize':
        return [value('51200', '51200', { kind: CompletionItemKind.Value, detail: 'AMT needs at least 50000' }, 0)];
      default:
        return [];
    }
  }
  if (el.local === 'Address' && el.parent?.local === 'ReplyTo') return [value(ANONYMOUS, ANONYMOUS, { kind: CompletionItemKind.Value }, 0)];
  if (role.kind === 'selector' && role.key && model.cls) {
    const prop = model.cls.properties.find((p) => p.name === role.key);
    const items = prop ? memberValues(prop, value) : [];
    for (const t of typicalSelectorValues(role.key, model.cls.name)) {
      if (!items.some((i) => i.label === t.value)) items.push(value(t.value, t.value, { kind: CompletionItemKind.Value, detail: t.doc }, 1));
    }
    return items;
  }
  if (role.kind === 'property' && role.prop) return memberValues(role.prop, value);
  if (role.kind === 'param' && role.param) return memberValues(role.param, value);
  return [];
}

function memberValues(m: PropertyInfo | ParameterInfo, value: (label: string, newText: string, extra: Partial<CompletionItem>, sort: number) => CompletionItem): CompletionItem[] {
  if (m.valueMap) {
    return enumerableEntries(m.valueMap).map((e, i) =>
      value(e.value, e.value, { kind: CompletionItemKind.EnumMember, detail: e.label, labelDetails: { description: e.label }, filterText: `${e.value} ${e.label}`, sortText: sortKey(0, String(i).padStart(4, '0')) }, 0),
    );
  }
  if (m.type === 'boolean') return ['true', 'false'].map((b) => value(b, b, { kind: CompletionItemKind.Value }, 0));
  return [];
}
