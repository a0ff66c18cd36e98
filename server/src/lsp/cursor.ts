/**
 * What is under the cursor in a request's XML: an element name (start or end tag), an attribute
 * name or value, element text, or a `{{variable}}`. Completion and hover both start here.
 */
import type { XAttr, XDocument, XElement } from './xmlTree';

export type Cursor =
  /** In a start tag's name (also right after a bare `<`). `parent` is where the element sits. */
  | { kind: 'elementName'; el: XElement; parent?: XElement; start: number; end: number }
  | { kind: 'endTagName'; el: XElement; start: number; end: number }
  /** In a start tag, on an attribute name or in the whitespace between attributes. */
  | { kind: 'attrName'; el: XElement; attr?: XAttr; start: number; end: number }
  | { kind: 'attrValue'; el: XElement; attr: XAttr; start: number; end: number }
  /** In element content; start/end span the non-blank text around the cursor (empty on a blank line). */
  | { kind: 'text'; el: XElement; start: number; end: number }
  /** Inside `{{…}}`: start/end span the name typed so far. `el` is the element around it, if any. */
  | { kind: 'variable'; el?: XElement; start: number; end: number }
  | { kind: 'none' };

/** The innermost element whose extent holds the offset. */
export function elementAt(doc: XDocument, offset: number): XElement | undefined {
  let found: XElement | undefined;
  let level: XElement[] = doc.roots;
  for (;;) {
    const next = level.find((e) => e.start < offset && (offset < e.end || (e.startTagEnd === undefined && offset <= e.end)));
    if (!next) return found;
    found = next;
    level = next.children;
  }
}

export function cursorAt(text: string, doc: XDocument, offset: number): Cursor {
  const el = elementAt(doc, offset);
  const variable = variableAt(text, offset);
  if (variable) return { kind: 'variable', ...(el ? { el } : {}), ...variable };
  if (!el) return { kind: 'none' };

  const inStartTag = el.startTagEnd === undefined ? offset <= el.end : offset < el.startTagEnd;
  if (inStartTag) {
    if (offset <= el.nameEnd) return { kind: 'elementName', el, ...(el.parent ? { parent: el.parent } : {}), start: el.nameStart, end: el.nameEnd };
    for (const a of el.attrs) {
      if (a.valueStart !== undefined && a.valueEnd !== undefined && offset >= a.valueStart && offset <= a.valueEnd) {
        return { kind: 'attrValue', el, attr: a, start: a.valueStart, end: a.valueEnd };
      }
      if (offset >= a.nameStart && offset <= a.nameEnd) return { kind: 'attrName', el, attr: a, start: a.nameStart, end: a.nameEnd };
    }
    return { kind: 'attrName', el, start: offset, end: offset };
  }
  if (el.endTagStart !== undefined && offset > el.endTagStart) {
    if (el.endTagNameStart !== undefined && el.endTagNameEnd !== undefined && offset >= el.endTagNameStart && offset <= el.endTagNameEnd) {
      return { kind: 'endTagName', el, start: el.endTagNameStart, end: el.endTagNameEnd };
    }
    return { kind: 'none' };
  }
  const t = el.texts.find((x) => offset >= x.start && offset <= x.end);
  if (!t) return { kind: 'text', el, start: offset, end: offset };
  // The value around the cursor: the text node trimmed, but never excluding the cursor itself.
  const lead = t.text.length - t.text.trimStart().length;
  const trail = t.text.length - t.text.trimEnd().length;
  let start = t.start + lead;
  let end = t.end - trail;
  if (start >= end) return { kind: 'text', el, start: offset, end: offset };
  start = Math.min(start, offset);
  end = Math.max(end, offset);
  // When the cursor sits on a blank line beside the value, only the cursor's own line counts.
  if (text.slice(start, offset).includes('\n') || text.slice(offset, end).includes('\n')) return { kind: 'text', el, start: offset, end: offset };
  return { kind: 'text', el, start, end };
}

/** `{{na|me}}` → the span of the name, when the cursor is inside an open `{{` on its line. */
function variableAt(text: string, offset: number): { start: number; end: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0) return undefined;
  const start = lineStart + open + 2;
  if (!/^\s*\$?[\w.-]*$/.test(text.slice(start, offset))) return undefined;
  let end = offset;
  while (end < text.length && /[\w.$-]/.test(text[end]!)) end++;
  return { start, end };
}

/** The `{{name}}` reference covering an offset (for hover), with the name. */
export function variableRefAt(text: string, offset: number): { name: string; start: number; end: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const re = /\{\{\s*(\$?[A-Za-z_][\w.-]*)\s*\}\}/g;
  const line = text.slice(lineStart, lineEnd);
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const start = lineStart + m.index;
    const end = start + m[0].length;
    if (offset >= start && offset <= end) return { name: m[1]!, start, end };
  }
  return undefined;
}
