/**
 * Document formatting: each request's envelope is pretty-printed (one element per line, nested
 * by the editor's indentation, long start tags wrapped one attribute per line); `###` lines,
 * `@variables` and comment lines outside the XML are left exactly as they are. Leaf element
 * content is kept byte for byte, because whitespace inside a value is part of the value on AMT.
 * A request whose XML is not well-formed is left untouched.
 */
import type { FormattingOptions, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RequestBlock, WsmanFile } from './document';
import type { XDocument, XElement } from './xmlTree';

const PRINT_WIDTH = 120;

export function formatDocument(doc: TextDocument, file: WsmanFile, options: FormattingOptions): TextEdit[] {
  const unit = options.insertSpaces ? ' '.repeat(options.tabSize) : '\t';
  const edits: TextEdit[] = [];
  for (const r of file.requests) {
    const formatted = formatRequest(file.text, r, unit);
    if (formatted === undefined || formatted === file.text.slice(r.xmlStart, r.xmlEnd)) continue;
    edits.push({ range: { start: doc.positionAt(r.xmlStart), end: doc.positionAt(r.xmlEnd) }, newText: formatted });
  }
  return edits;
}

/** The pretty-printed XML of one request, or undefined when it is not well-formed. */
export function formatRequest(text: string, r: RequestBlock, unit: string): string | undefined {
  return formatXml(text, r.xml, unit);
}

/** Pretty-prints the XML region a tree was read from (any XML: requests and responses alike). */
export function formatXml(text: string, xml: XDocument, unit = '  '): string | undefined {
  if (xml.problems.some((p) => p.code !== 'xml.undeclaredPrefix') || xml.roots.length !== 1) return undefined;
  const root = xml.roots[0]!;
  const comments = xml.comments;
  const lines: string[] = [];
  const outside = (from: number, to: number) => {
    // Prolog, comments and whitespace around the root: each non-blank line kept, trimmed.
    for (const l of text.slice(from, to).split(/\r?\n/)) if (l.trim()) lines.push(l.trim());
  };
  outside(xml.start, root.start);
  writeElement(text, root, 0, unit, comments, lines);
  outside(root.end, xml.end);
  return lines.join(eol(text));
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function startTag(text: string, el: XElement, indent: string): string {
  const close = el.selfClosing ? '/>' : '>';
  const attrs = el.attrs.map((a) => `${a.name}=${quoted(text, a.valueStart, a.value ?? '')}`);
  const oneLine = `${indent}<${el.name}${attrs.map((a) => ` ${a}`).join('')}${close}`;
  if (attrs.length < 2 || oneLine.length <= PRINT_WIDTH) return oneLine;
  const pad = ' '.repeat(indent.length + el.name.length + 2);
  return `${indent}<${el.name} ${attrs.join(`\n${pad}`)}${close}`;
}

function quoted(text: string, valueStart: number | undefined, value: string): string {
  const q = valueStart !== undefined && text[valueStart - 1] === "'" ? "'" : '"';
  return `${q}${value}${q}`;
}

function writeElement(text: string, el: XElement, depth: number, unit: string, comments: { start: number; end: number }[], lines: string[]): void {
  const indent = unit.repeat(depth);
  const tag = startTag(text, el, indent);
  if (el.selfClosing) {
    lines.push(tag);
    return;
  }
  const contentStart = el.startTagEnd!;
  const contentEnd = el.endTagStart ?? contentStart;
  const inner = comments.filter((c) => c.start >= contentStart && c.end <= contentEnd && !el.children.some((k) => c.start >= k.start && c.end <= k.end));
  const endTag = `</${el.name}>`;
  if (el.children.length === 0) {
    const content = text.slice(contentStart, contentEnd);
    // Whitespace-only content is layout, not a value; anything else (comments included) stays as written.
    lines.push(content.trim() === '' ? `${tag}${endTag}` : `${tag}${content}${endTag}`);
    return;
  }
  lines.push(tag);
  const items = [
    ...el.children.map((c) => ({ start: c.start, write: () => writeElement(text, c, depth + 1, unit, comments, lines) })),
    ...inner.map((c) => ({ start: c.start, write: () => lines.push(`${indent}${unit}${text.slice(c.start, c.end).trim()}`) })),
    ...el.texts
      .filter((t) => t.text.trim() !== '')
      .map((t) => ({ start: t.start, write: () => lines.push(`${indent}${unit}${text.slice(t.start, t.end).trim()}`) })),
  ].sort((a, b) => a.start - b.start);
  for (const item of items) item.write();
  lines.push(`${indent}${endTag}`);
}
