/**
 * Diagnostics for .wsman files. Each carries a stable `code` (below) and, where a quick fix
 * exists, `data` that codeActions.ts reads — the fix never has to re-run the analysis.
 *
 * Well-formedness: the tolerant tree's own problems first (they have exact ranges); when it found
 * none, fast-xml-parser's validator has the last word (duplicate attributes, bad characters…).
 */
import { XMLValidator } from 'fast-xml-parser';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editDistance, type Catalog, type ParameterInfo, type PropertyInfo } from '../catalog/catalog';
import { NS } from '../wsman/namespaces';
import { own } from './blocks';
import { BUILTIN_VARIABLES, hasVariable, VARIABLE_REF, type RequestBlock, type VariableLookup, type WsmanFile } from './document';
import { guessNamespace } from './prefixes';
import { actionClass, describeRequest, readRequest, roleOf, STANDARD_ACTIONS, textOf, type RequestModel } from './request';
import { checkType, describeValueMap, valueMapLabel } from './values';
import { attr, walk, type XElement } from './xmlTree';

export const DiagnosticCode = {
  malformed: 'xml.malformed',
  doctype: 'xml.doctype',
  undefinedEntity: 'xml.undefinedEntity',
  undeclaredPrefix: 'xml.undeclaredPrefix',
  notEnvelope: 'wsman.notEnvelope',
  missingHeader: 'wsman.missingHeader',
  unknownClass: 'wsman.unknownClass',
  bareClassName: 'wsman.bareClassName',
  unknownAction: 'wsman.unknownAction',
  actionClassMismatch: 'wsman.actionClassMismatch',
  unknownMethod: 'wsman.unknownMethod',
  inputMismatch: 'wsman.inputMismatch',
  missingInput: 'wsman.missingInput',
  unknownProperty: 'wsman.unknownProperty',
  unknownParameter: 'wsman.unknownParameter',
  missingParameter: 'wsman.missingParameter',
  badValue: 'wsman.badValue',
  notAKey: 'wsman.notAKey',
  undefinedVariable: 'wsman.undefinedVariable',
} as const;

/** `data` of a diagnostic that has a quick fix. */
export interface FixData {
  /** Replacement texts for the diagnostic's range, best first. */
  replacements?: string[];
  /** For an undeclared prefix: the declaration to add on the Envelope. */
  declare?: { prefix: string; ns: string };
  /** For an element name: its end tag's name, which a replacement renames too. */
  endTag?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** `FixData` as stored in the per-request cache: offsets instead of positions. */
type FixOffsets = Omit<FixData, 'endTag'> & { endTag?: { start: number; end: number } };

/** A diagnostic as cached per request: offsets relative to the request's block start. */
interface StoredDiagnostic {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  start: number;
  end: number;
  data?: FixOffsets;
}

/**
 * What one request's analysis found, kept on its block (`BlockCore.analysis`) and reused for as
 * long as the block's text, the catalog and the values of the variables it uses are the same.
 */
export interface RequestAnalysis {
  catalog: Catalog;
  /** Each variable the request uses, directly or through other values, and its value then: name, value, name, value, … */
  used: (string | undefined)[];
  diagnostics: StoredDiagnostic[];
  /** `Get AMT_GeneralSettings`, `Identify`, … (the outline's name or detail). */
  label: string;
  resourceUri?: string;
  /** The file's `variableGeneration` in which `used` was last found current. */
  generation: object;
}

export function diagnose(doc: TextDocument, file: WsmanFile, catalog: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const block of file.requests) {
    for (const d of analyse(file, block, catalog).diagnostics) out.push(toDiagnostic(doc, block.start, d));
  }
  return out;
}

/** The request's analysis: taken from its block when its inputs are unchanged, computed otherwise. */
export function analyse(file: WsmanFile, block: RequestBlock, catalog: Catalog): RequestAnalysis {
  const cached = block.core.analysis;
  if (cached && cached.catalog === catalog && cached.generation === file.variableGeneration) return cached;
  const vars = file.scopeAt(block.xmlStart);
  const used = usedVariables(block.core.refs, vars);
  if (cached && cached.catalog === catalog && sameList(cached.used, used)) {
    cached.generation = file.variableGeneration;
    return cached;
  }
  file.requestsDiagnosed++;
  const analysis = analyseRequest(file, block, catalog, vars, used);
  block.core.analysis = analysis;
  return analysis;
}

/** The variables `refs` name and, transitively, those their values name, with their values. */
function usedVariables(refs: readonly string[], vars: VariableLookup): (string | undefined)[] {
  const used: (string | undefined)[] = [];
  if (refs.length === 0) return used;
  const seen = new Set(refs);
  const queue = [...refs];
  for (let i = 0; i < queue.length && i < 1000; i++) {
    const name = queue[i]!;
    const value = vars.get(name);
    used.push(name, value);
    if (value?.includes('{{')) {
      for (const m of value.matchAll(VARIABLE_REF)) {
        if (!seen.has(m[1]!)) {
          seen.add(m[1]!);
          queue.push(m[1]!);
        }
      }
    }
  }
  return used;
}

function sameList(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function toDiagnostic(doc: TextDocument, base: number, d: StoredDiagnostic): Diagnostic {
  const range = { start: doc.positionAt(base + d.start), end: doc.positionAt(base + d.end) };
  if (!d.data) return { severity: d.severity, code: d.code, source: 'wsman', message: d.message, range };
  const { endTag, ...rest } = d.data;
  const data: FixData = { ...rest, ...(endTag ? { endTag: { start: doc.positionAt(base + endTag.start), end: doc.positionAt(base + endTag.end) } } : {}) };
  return { severity: d.severity, code: d.code, source: 'wsman', message: d.message, range, data };
}

function analyseRequest(file: WsmanFile, block: RequestBlock, catalog: Catalog, vars: VariableLookup, used: (string | undefined)[]): RequestAnalysis {
  const base = block.start;
  const diagnostics: StoredDiagnostic[] = [];
  // Strings are copied so that a cached analysis does not keep this version's text alive.
  const add: Add = (severity, code, message, start, end, data) =>
    diagnostics.push({
      severity,
      code,
      message: own(message),
      start: start - base,
      end: Math.max(end, start + 1) - base,
      ...(data
        ? {
            data: {
              ...(data.replacements ? { replacements: data.replacements.map(own) } : {}),
              ...(data.declare ? { declare: { prefix: own(data.declare.prefix), ns: own(data.declare.ns) } } : {}),
              ...(data.endTag ? { endTag: { start: data.endTag.start - base, end: data.endTag.end - base } } : {}),
            },
          }
        : {}),
    });
  const model = checkRequest(file, block, catalog, vars, add);
  return { catalog, used, generation: file.variableGeneration, diagnostics, label: own(describeRequest(model)), ...(model.resourceUri !== undefined ? { resourceUri: own(model.resourceUri) } : {}) };
}

function checkRequest(file: WsmanFile, block: RequestBlock, catalog: Catalog, vars: VariableLookup, add: Add): RequestModel {
  const model = readRequest(block, catalog, vars);
  const xml = block.xml;

  // --- well-formedness ---
  const structural = xml.problems.filter((p) => p.code !== 'xml.undeclaredPrefix');
  for (const p of structural) add(DiagnosticSeverity.Error, p.code, p.message, p.start, p.end);
  if (structural.length === 0) {
    const verdict = XMLValidator.validate(file.text.slice(block.xmlStart, block.xmlEnd));
    if (verdict !== true) {
      const at = offsetOfLineCol(file.text, block.xmlStart, verdict.err.line, verdict.err.col);
      add(DiagnosticSeverity.Error, DiagnosticCode.malformed, `The XML is malformed: ${verdict.err.msg}`, at, wordEnd(file.text, at, block.end));
    }
  }
  checkEntities(xml.roots, add);
  for (const p of xml.problems.filter((x) => x.code === 'xml.undeclaredPrefix')) {
    const ns = guessNamespace(p.prefix ?? '', model.cls?.namespace);
    add(DiagnosticSeverity.Error, DiagnosticCode.undeclaredPrefix, p.message, p.start, p.end, ns ? { declare: { prefix: p.prefix!, ns } } : undefined);
  }
  checkVariables(file, block, vars, add);

  // --- WS-Man semantics ---
  const root = xml.roots[0];
  if (!root) return model;
  if (!model.envelope) {
    add(DiagnosticSeverity.Error, DiagnosticCode.notEnvelope, `A request is a SOAP envelope: <s:Envelope xmlns:s="${NS.soap}">, not <${root.name}>.`, root.nameStart, root.nameEnd);
    return model;
  }
  // A broken tree misplaces elements (an unclosed header swallows the next one): report what is
  // missing only once the structure is sound.
  if (structural.length === 0) checkRequired(model, add);
  checkHeaders(model, catalog, add);
  checkSelectors(model, vars, add);
  checkBody(model, catalog, vars, add);
  return model;
}

type Add = (severity: DiagnosticSeverity, code: string, message: string, start: number, end: number, data?: FixOffsets) => void;

/** Replacements for an element's name that rename its end tag as well. */
function renameFix(el: XElement, names: string[]): FixOffsets {
  const endTag = el.endTagNameStart !== undefined && el.endTagNameEnd !== undefined ? { start: el.endTagNameStart, end: el.endTagNameEnd } : undefined;
  return { replacements: names.map((n) => (el.prefix ? `${el.prefix}:${n}` : n)), ...(endTag ? { endTag } : {}) };
}

function offsetOfLineCol(text: string, base: number, line: number, col: number): number {
  let p = base;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', p);
    if (nl < 0) break;
    p = nl + 1;
  }
  return p + Math.max(0, col - 1);
}

function wordEnd(text: string, at: number, limit: number): number {
  let e = at;
  while (e < limit && !/[\s]/.test(text[e]!) && e - at < 40) e++;
  return Math.max(e, at + 1);
}

function checkEntities(roots: readonly XElement[], add: Add): void {
  // fast-xml-parser's validator accepts any `&name;`; only the five XML entities and character references are real.
  const bad = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)([A-Za-z_][\w.-]*);/g;
  for (const root of roots) {
    for (const el of walk(root)) {
      const spans = [...el.texts.map((t) => ({ start: t.start, text: t.text })), ...el.attrs.filter((a) => a.value !== undefined).map((a) => ({ start: a.valueStart!, text: a.value! }))];
      for (const s of spans) {
        bad.lastIndex = 0;
        for (let m = bad.exec(s.text); m; m = bad.exec(s.text)) {
          add(DiagnosticSeverity.Error, DiagnosticCode.undefinedEntity, `&${m[2]}; is not an XML entity; write &amp;${m[2]}; or use a character reference.`, s.start + m.index, s.start + m.index + m[0].length);
        }
      }
    }
  }
}

function checkVariables(file: WsmanFile, block: RequestBlock, vars: VariableLookup, add: Add): void {
  const region = file.text.slice(block.xmlStart, block.xmlEnd);
  const re = new RegExp(VARIABLE_REF.source, 'g');
  for (let m = re.exec(region); m; m = re.exec(region)) {
    const name = m[1]!;
    if (vars.has(name) || name in BUILTIN_VARIABLES) continue;
    const start = block.xmlStart + m.index;
    add(DiagnosticSeverity.Warning, DiagnosticCode.undefinedVariable, `The variable {{${name}}} is not defined; add "@${name} = value" above the request.`, start, start + m[0].length);
  }
}

function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  return candidates
    .map((c) => ({ c, d: editDistance(w, c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((x) => x.c);
}

function textSpan(el: XElement): { start: number; end: number } {
  if (el.texts.length === 0) return { start: el.nameStart, end: el.nameEnd };
  const first = el.texts[0]!;
  const last = el.texts[el.texts.length - 1]!;
  const lead = first.text.length - first.text.trimStart().length;
  const trail = last.text.length - last.text.trimEnd().length;
  const start = first.start + lead;
  const end = last.end - trail;
  return start < end ? { start, end } : { start: el.nameStart, end: el.nameEnd };
}

function checkRequired(model: RequestModel, add: Add): void {
  const env = model.envelope!;
  const anchor = model.header ?? env;
  const isIdentify = model.operation === 'identify';
  if (!model.headers.has('Action') && !isIdentify) {
    add(DiagnosticSeverity.Error, DiagnosticCode.missingHeader, 'The request has no Action header; add <a:Action> (only Identify goes without one).', anchor.nameStart, anchor.nameEnd);
  }
  if (!model.headers.has('ResourceURI') && !isIdentify) {
    add(DiagnosticSeverity.Error, DiagnosticCode.missingHeader, 'The request has no ResourceURI header; add <w:ResourceURI> naming the class (only Identify goes without one).', anchor.nameStart, anchor.nameEnd);
  }
  if (!model.body) {
    add(DiagnosticSeverity.Error, DiagnosticCode.notEnvelope, 'The envelope has no Body; add <s:Body/> (empty for Get and Delete).', env.nameStart, env.nameEnd);
  }
}

function checkHeaders(model: RequestModel, catalog: Catalog, add: Add): void {
  const actionEl = model.headers.get('Action');
  const uriEl = model.headers.get('ResourceURI');
  if (uriEl) {
    const uri = model.resourceUri ?? '';
    const span = textSpan(uriEl);
    if (uri === '') add(DiagnosticSeverity.Error, DiagnosticCode.unknownClass, 'The ResourceURI is empty; name the class, e.g. http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings.', span.start, span.end);
    else if (!hasVariable(uri) && !uri.endsWith('*')) {
      const cls = model.cls;
      if (cls && cls.resourceUri !== uri) {
        add(DiagnosticSeverity.Error, DiagnosticCode.bareClassName, `The ResourceURI must be the full URI of ${cls.name}: ${cls.resourceUri}.`, span.start, span.end, { replacements: [cls.resourceUri] });
      } else if (!cls) {
        const { suggestions } = catalog.findClass(uri);
        const hint = suggestions.length ? ` Did you mean ${suggestions.slice(0, 3).join(', ')}?` : '';
        add(DiagnosticSeverity.Error, DiagnosticCode.unknownClass, `"${uri}" is not a class in the AMT class catalog.${hint}`, span.start, span.end, {
          replacements: suggestions.slice(0, 3).map((s) => catalog.tryGetClass(s)!.resourceUri),
        });
      }
    }
  }
  if (actionEl && model.action !== undefined && !hasVariable(model.action)) checkAction(model, catalog, actionEl, add);
}

function checkAction(model: RequestModel, catalog: Catalog, actionEl: XElement, add: Add): void {
  const action = model.action!;
  const span = textSpan(actionEl);
  if (action === '') {
    add(DiagnosticSeverity.Error, DiagnosticCode.unknownAction, 'The Action is empty; write a WS-Transfer/Enumeration/Eventing action or {ResourceURI}/{Method}.', span.start, span.end);
    return;
  }
  if (STANDARD_ACTIONS.some((a) => a.uri === action)) return;
  const cls = model.cls;
  const method = action.slice(action.lastIndexOf('/') + 1);
  if (model.operation !== 'invoke') {
    const replacements = cls ? closest(method, cls.methods.map((m) => m.name)).map((m) => `${cls.resourceUri}/${m}`) : [];
    add(DiagnosticSeverity.Error, DiagnosticCode.unknownAction, `"${action}" is not a WS-Management action or a method of a known class.`, span.start, span.end, { replacements });
    return;
  }
  const owner = actionClass(action, catalog)!;
  if (cls && owner.name !== cls.name) {
    const mine = cls.methods.find((m) => m.name === method);
    add(DiagnosticSeverity.Error, DiagnosticCode.actionClassMismatch, `The Action invokes a method of ${owner.name}, but the ResourceURI names ${cls.name}; a method action is {ResourceURI}/{Method}.`, span.start, span.end, {
      replacements: mine ? [`${cls.resourceUri}/${mine.name}`] : [],
    });
    return;
  }
  if (!model.method) {
    const names = owner.methods.map((m) => m.name);
    const near = closest(method, names);
    add(
      DiagnosticSeverity.Error,
      DiagnosticCode.unknownMethod,
      `${owner.name} has no method "${method}".${names.length ? ` Its methods: ${names.join(', ')}.` : ' It has no methods.'}`,
      span.start,
      span.end,
      { replacements: near.map((m) => `${owner.resourceUri}/${m}`) },
    );
  }
}

function checkSelectors(model: RequestModel, vars: VariableLookup, add: Add): void {
  const cls = model.cls;
  for (const s of model.selectors) {
    if (!s.nameAttr) {
      add(DiagnosticSeverity.Error, DiagnosticCode.notAKey, 'A selector needs a Name attribute naming a key property.', s.el.nameStart, s.el.nameEnd);
      continue;
    }
    if (!cls || !s.name || hasVariable(s.name)) continue;
    const a = s.nameAttr;
    const range = { start: a.valueStart ?? a.nameStart, end: a.valueEnd ?? a.nameEnd };
    if (!cls.keys.includes(s.name)) {
      add(
        DiagnosticSeverity.Warning,
        DiagnosticCode.notAKey,
        `"${s.name}" is not a key of ${cls.name}; its selectors are ${cls.keys.length ? cls.keys.join(', ') : 'none (a singleton: Get it without selectors)'}.`,
        range.start,
        range.end,
        { replacements: closest(s.name, cls.keys) },
      );
      continue;
    }
    const prop = cls.properties.find((p) => p.name === s.name);
    if (prop && s.value !== undefined) checkValue(prop, `${cls.name}.${prop.name}`, s.el, vars, add);
  }
}

function checkBody(model: RequestModel, catalog: Catalog, vars: VariableLookup, add: Add): void {
  const body = model.body;
  if (!body) return;
  const first = model.bodyElement;
  const sameClass = model.cls && model.action && actionClass(model.action, catalog)?.name === model.cls.name;
  if (model.operation === 'invoke' && model.method && model.cls && sameClass) {
    const expected = `${model.method.name}_INPUT`;
    if (!first) {
      add(DiagnosticSeverity.Warning, DiagnosticCode.missingInput, `A method call carries <h:${expected} xmlns:h="${model.cls.resourceUri}"> in the Body.`, body.nameStart, body.nameEnd);
    } else if (first.local.endsWith('_INPUT') && first.local !== expected) {
      add(DiagnosticSeverity.Error, DiagnosticCode.inputMismatch, `The Action invokes ${model.method.name}, so the Body holds <${expected}>, not <${first.local}>.`, first.nameStart, first.nameEnd, renameFix(first, [expected]));
    }
  }
  for (const el of walk(body)) {
    if (el === body) continue;
    const role = roleOf(el, model, catalog);
    if (role.kind === 'property') {
      if (!role.prop) {
        if (role.cls.observedExtras.includes(role.name)) continue;
        unknownMember(el, role.name, `${role.cls.name} has no property "${role.name}".`, role.cls.properties, DiagnosticCode.unknownProperty, add);
      } else checkValue(role.prop, `${role.cls.name}.${role.prop.name}`, el, vars, add);
    } else if (role.kind === 'param') {
      if (!role.param) unknownMember(el, role.name, `${role.method.name} has no input parameter "${role.name}".`, role.method.in, DiagnosticCode.unknownParameter, add);
      else checkValue(role.param, `${role.method.name}.${role.param.name}`, el, vars, add);
    } else if (role.kind === 'input' && role.method) {
      const missing = role.method.in.filter((p) => p.required && !el.children.some((c) => c.local === p.name));
      if (missing.length) {
        add(DiagnosticSeverity.Warning, DiagnosticCode.missingParameter, `${role.method.name} requires ${missing.map((p) => p.name).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} inside <${el.name}>.`, el.nameStart, el.nameEnd);
      }
    } else if (role.kind === 'input' && role.cls && el.parent === body && !(model.operation === 'invoke' && model.method)) {
      // (With a known method in the Action, a wrong _INPUT name is reported as inputMismatch above.)
      const near = closest(role.methodName, role.cls.methods.map((m) => m.name));
      add(DiagnosticSeverity.Error, DiagnosticCode.unknownMethod, `${role.cls.name} has no method "${role.methodName}".`, el.nameStart, el.nameEnd, renameFix(el, near.map((m) => `${m}_INPUT`)));
    }
  }
}

function unknownMember(el: XElement, name: string, message: string, members: readonly { name: string }[], code: string, add: Add): void {
  const near = closest(name, members.map((m) => m.name));
  const hint = near.length ? ` Did you mean ${near.join(', ')}?` : '';
  add(DiagnosticSeverity.Error, code, message + hint, el.nameStart, el.nameEnd, renameFix(el, near));
}

function checkValue(m: PropertyInfo | ParameterInfo, subject: string, el: XElement, vars: VariableLookup, add: Add): void {
  if (attr(el, 'nil')) return;
  if (m.type === 'EPR' || ('embeddedInstance' in m && m.embeddedInstance)) return;
  let target = el;
  if (el.children.length) {
    // Datetimes are wrapped (<cim:Datetime>…</cim:Datetime>); other structures are not checked.
    const wrapper = el.children[0]!;
    if (m.type !== 'datetime' || el.children.length !== 1) return;
    target = wrapper;
  }
  const value = textOf(target, vars);
  if (hasVariable(value)) return;
  const span = textSpan(target);
  if (value === '') {
    if (m.type !== 'string' && m.type !== 'base64' && m.type !== 'hexBinary') add(DiagnosticSeverity.Error, DiagnosticCode.badValue, `${subject} needs a ${m.type} value; it is empty.`, el.nameStart, el.nameEnd);
    return;
  }
  const typeProblem = checkType(m.type, value);
  if (typeProblem) {
    add(DiagnosticSeverity.Error, DiagnosticCode.badValue, `${subject}: ${typeProblem}`, span.start, span.end);
    return;
  }
  if (m.valueMap && valueMapLabel(m.valueMap, value) === undefined) {
    add(DiagnosticSeverity.Error, DiagnosticCode.badValue, `${value} is not an allowed value of ${subject}; allowed: ${describeValueMap(m.valueMap)}.`, span.start, span.end);
  }
}
