/**
 * Hover in .wsman files: the class behind a ResourceURI or instance element, the operation or
 * method behind an Action, a property's or parameter's type and flags, a selector's key, the
 * meaning of a value in its value map, header roles, and what a `{{variable}}` resolves to.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../catalog/catalog';
import { NS } from '../wsman/namespaces';
import { cursorAt, variableRefAt } from './cursor';
import { describeClass, describeMethod, describeParam, describeProperty, describeValue } from './describe';
import { BUILTIN_VARIABLES, requestAt, substitute, type VariableLookup, type WsmanFile } from './document';
import { actionClass, HEADERS, readRequest, roleOf, STANDARD_ACTIONS, textOf, type RequestModel } from './request';
import { valueMapLabel } from './values';
import type { XElement } from './xmlTree';

export function hover(doc: TextDocument, file: WsmanFile, offset: number, catalog: Catalog): Hover | null {
  const ref = variableRefAt(file.text, offset);
  if (ref) return result(doc, variableHover(file, ref.name, ref.start), ref.start, ref.end);
  const block = requestAt(file, offset);
  if (!block || offset < block.xmlStart || offset > block.xmlEnd) return null;
  const vars = file.scopeAt(block.xmlStart);
  const model = readRequest(block, catalog, vars);
  const cursor = cursorAt(file.text, block.xml, offset);
  switch (cursor.kind) {
    case 'elementName':
    case 'endTagName': {
      const text = elementHover(model, cursor.el, catalog);
      return text ? result(doc, text, cursor.start, cursor.end) : null;
    }
    case 'attrName':
    case 'attrValue': {
      const a = cursor.kind === 'attrValue' ? cursor.attr : cursor.attr;
      if (!a) return null;
      if (a.name === 'xmlns' || a.prefix === 'xmlns') {
        const known = Object.entries(NS).find(([, uri]) => uri === a.value)?.[0];
        const cls = a.value ? catalog.tryGetClass(a.value) : undefined;
        const text = cls ? `Namespace of the class **${cls.name}**` : known ? `Namespace: ${known} (\`${a.value}\`)` : undefined;
        return text ? result(doc, text, cursor.start, cursor.end) : null;
      }
      const role = roleOf(cursor.el, model, catalog);
      if (role.kind === 'selector' && a.local === 'Name' && role.key && model.cls) {
        const prop = model.cls.properties.find((p) => p.name === role.key);
        const text = prop ? describeProperty(model.cls, prop) : `\`${role.key}\` is not a key of ${model.cls.name}; keys: ${model.cls.keys.join(', ')}`;
        return result(doc, text, cursor.start, cursor.end);
      }
      return null;
    }
    case 'text': {
      const text = valueHover(model, cursor.el, catalog, vars);
      if (!text) return null;
      const t = cursor.el.texts.find((x) => offset >= x.start && offset <= x.end);
      const lead = t ? t.text.length - t.text.trimStart().length : 0;
      const trail = t ? t.text.length - t.text.trimEnd().length : 0;
      return t ? result(doc, text, t.start + lead, t.end - trail) : result(doc, text, offset, offset);
    }
    default:
      return null;
  }
}

function result(doc: TextDocument, value: string, start: number, end: number): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range: { start: doc.positionAt(start), end: doc.positionAt(end) } };
}

function variableHover(file: WsmanFile, name: string, at: number): string {
  const builtin = (BUILTIN_VARIABLES as Record<string, string>)[name];
  if (builtin) return `\`{{${name}}}\` (built-in): ${builtin}`;
  const vars = file.scopeAt(at);
  const raw = vars.get(name);
  if (raw === undefined) return `\`{{${name}}}\` is not defined before this point; add a line \`@${name} = value\` above the request.`;
  const resolved = substitute(raw, vars).text;
  return `\`{{${name}}}\` = \`${resolved}\`${resolved !== raw ? ` (from \`${raw}\`)` : ''}`;
}

function elementHover(model: RequestModel, el: XElement, catalog: Catalog): string | undefined {
  const role = roleOf(el, model, catalog);
  switch (role.kind) {
    case 'envelope':
      return 'SOAP 1.2 Envelope of one WS-Management request. Headers the client can fill (To, MessageID, ReplyTo, OperationTimeout, MaxEnvelopeSize) may be omitted.';
    case 'header':
      return 'SOAP Header: Action, ResourceURI, SelectorSet and the addressing headers.';
    case 'body':
      return 'SOAP Body: empty for Get/Delete; the instance for Put/Create; `{Method}_INPUT` for a method; `Enumerate`/`Pull` for enumerations.';
    case 'headerItem':
      return HEADERS.find((h) => h.local === role.local)?.doc;
    case 'selectorSet':
      return HEADERS.find((h) => h.local === 'SelectorSet')?.doc;
    case 'selector':
      return 'A selector: `Name` is a key property of the class, the text its value.';
    case 'instance':
      return role.cls ? describeClass(role.cls) : undefined;
    case 'property':
      return role.prop ? describeProperty(role.cls, role.prop) : `\`${role.name}\` is not a property of ${role.cls.name}.`;
    case 'input':
      return role.method ? describeMethod(role.cls, role.method) : `\`${role.methodName}\` is not a method of ${role.cls?.name ?? 'this class'}.`;
    case 'param':
      return role.param ? describeParam(role.method, role.param) : `\`${role.name}\` is not a parameter of ${role.method.name}.`;
    default:
      return undefined;
  }
}

function valueHover(model: RequestModel, el: XElement, catalog: Catalog, vars: VariableLookup): string | undefined {
  const role = roleOf(el, model, catalog);
  const value = textOf(el, vars);
  if (role.kind === 'headerItem' && role.local === 'ResourceURI') {
    const cls = catalog.tryGetClass(value);
    if (cls) return describeClass(cls);
    const { suggestions } = catalog.findClass(value);
    return `\`${value}\` is not a class in the catalog.${suggestions.length ? ` Closest: ${suggestions.join(', ')}` : ''}`;
  }
  if (role.kind === 'headerItem' && role.local === 'Action') {
    const std = STANDARD_ACTIONS.find((a) => a.uri === value);
    if (std) return `**${std.label}** — ${std.doc}`;
    const cls = actionClass(value, catalog);
    const method = cls?.methods.find((m) => m.name === value.slice(value.lastIndexOf('/') + 1));
    return method ? describeMethod(cls, method) : undefined;
  }
  if (role.kind === 'selector' && role.key && model.cls) {
    const prop = model.cls.properties.find((p) => p.name === role.key);
    if (prop?.valueMap) return describeValue(`${model.cls.name}.${prop.name}`, value, catalog.valueLabel(model.cls.name, prop.name, value), prop.valueMap);
    return prop ? describeProperty(model.cls, prop) : undefined;
  }
  if (role.kind === 'property' && role.prop) {
    const { cls, prop } = role;
    if (prop.valueMap) return describeValue(`${cls.name}.${prop.name}`, value, catalog.valueLabel(cls.name, prop.name, value), prop.valueMap);
    return describeProperty(cls, prop);
  }
  if (role.kind === 'param' && role.param) {
    const { method, param } = role;
    if (param.valueMap) return describeValue(`${method.name}.${param.name}`, value, valueMapLabel(param.valueMap, value), param.valueMap);
    return describeParam(method, param);
  }
  return undefined;
}
