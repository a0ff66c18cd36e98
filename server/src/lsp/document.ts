/**
 * The .wsman file model: requests separated by `###` lines (the rest of the line is the title),
 * `@name = value` variable lines and `#`/`//` comment lines before (or after) a request's XML,
 * `{{name}}` substitutions, and the built-ins `{{$uuid}}` and `{{$target}}`. The format is
 * documented for users in docs/wsman-files.md.
 *
 * Parsing is pure and cheap (a few hundred lines per file), so features re-parse on every call
 * through `WsmanFileCache`, keyed by document version.
 */
import { parseXmlTree, type XDocument } from './xmlTree';

export interface VariableDef {
  name: string;
  /** Raw value (may itself contain `{{other}}`). */
  value: string;
  /** Offset of the line's `@`. */
  start: number;
  /** Offset of the end of the line (before the newline). */
  end: number;
  nameStart: number;
  nameEnd: number;
  valueStart: number;
}

export interface RequestBlock {
  /** 0-based position among the file's requests (blocks that hold XML). */
  index: number;
  /** Text after `###`, trimmed; undefined when the block has no separator line or it is bare. */
  title?: string;
  /** Offset where the block starts (its `###` line, or the file start). */
  start: number;
  /** Offset where the block ends (the next `###` line, or the end of the file). */
  end: number;
  /** The `###` line, when there is one. */
  separator?: { start: number; end: number };
  /** The XML region, trimmed of surrounding blank, variable and comment lines. */
  xmlStart: number;
  xmlEnd: number;
  xml: XDocument;
}

export interface WsmanFile {
  text: string;
  variables: VariableDef[];
  requests: RequestBlock[];
  /** Comment lines outside the XML (`# …`, `// …`), kept by the formatter. */
  commentLines: { start: number; end: number }[];
}

/** `{{name}}`, `{{ name }}`, `{{$uuid}}`. Group 1 is the name. */
export const VARIABLE_REF = /\{\{\s*(\$?[A-Za-z_][\w.-]*)\s*\}\}/g;
const VARIABLE_LINE = /^@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
const SEPARATOR = /^###/;
const COMMENT_LINE = /^\s*(#|\/\/)/;

/** Built-in variables, resolved at send time. */
export const BUILTIN_VARIABLES = {
  $uuid: 'a fresh `uuid:…` for each send (use it in MessageID)',
  $target: "the selected device's URL, e.g. `http://127.0.0.1:16992`",
} as const;

interface Line {
  start: number;
  end: number;
  text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const lineEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    lines.push({ start, end: lineEnd, text: text.slice(start, lineEnd) });
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

export function parseWsmanFile(text: string): WsmanFile {
  const file: WsmanFile = { text, variables: [], requests: [], commentLines: [] };
  const lines = splitLines(text);
  const blocks: Line[][] = [[]];
  for (const line of lines) {
    if (SEPARATOR.test(line.text) && blocks[blocks.length - 1]!.length > 0) blocks.push([]);
    blocks[blocks.length - 1]!.push(line);
  }
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    const first = block[0]!;
    const hasSeparator = SEPARATOR.test(first.text);
    const body = hasSeparator ? block.slice(1) : block;
    const isMeta = (l: Line) => l.text.trim() === '' || VARIABLE_LINE.test(l.text) || (COMMENT_LINE.test(l.text) && !SEPARATOR.test(l.text));
    let lo = 0;
    let hi = body.length;
    while (lo < hi && isMeta(body[lo]!)) lo++;
    while (hi > lo && isMeta(body[hi - 1]!)) hi--;
    for (const l of [...body.slice(0, lo), ...body.slice(hi)]) {
      const m = VARIABLE_LINE.exec(l.text);
      if (m) {
        const valueStart = l.start + l.text.indexOf(m[2]!, l.text.indexOf('=') + 1);
        file.variables.push({ name: m[1]!, value: m[2]!, start: l.start, end: l.end, nameStart: l.start + 1, nameEnd: l.start + 1 + m[1]!.length, valueStart });
      } else if (l.text.trim() !== '') file.commentLines.push({ start: l.start, end: l.end });
    }
    if (lo >= hi) continue;
    let xmlStart = body[lo]!.start;
    while (/\s/.test(text[xmlStart] ?? '')) xmlStart++;
    const xmlEnd = body[hi - 1]!.end;
    const nextBlock = blocks[b + 1];
    const title = hasSeparator ? first.text.replace(/^#+/, '').trim() : '';
    file.requests.push({
      index: file.requests.length,
      ...(title ? { title } : {}),
      start: first.start,
      end: nextBlock ? nextBlock[0]!.start : text.length,
      ...(hasSeparator ? { separator: { start: first.start, end: first.end } } : {}),
      xmlStart,
      xmlEnd,
      xml: parseXmlTree(text, xmlStart, xmlEnd),
    });
  }
  file.variables.sort((a, b) => a.start - b.start);
  return file;
}

/** The request whose block contains the offset. */
export function requestAt(file: WsmanFile, offset: number): RequestBlock | undefined {
  return file.requests.find((r) => offset >= r.start && offset <= r.end && (offset < r.end || r.end === file.text.length));
}

/** Variables visible at an offset: every definition before it, a later one overriding an earlier. */
export function variablesAt(file: WsmanFile, offset: number): Map<string, string> {
  const vars = new Map<string, string>();
  for (const v of file.variables) if (v.start < offset) vars.set(v.name, v.value);
  return vars;
}

export interface Substitution {
  text: string;
  /** Names that had no value (left as `{{name}}` in the text). */
  unresolved: string[];
}

/**
 * Replaces `{{name}}` with values; values may refer to other variables (resolved up to a depth
 * of 10, which also stops cycles). Names not in `vars` stay as written and are reported.
 */
export function substitute(text: string, vars: ReadonlyMap<string, string>): Substitution {
  const unresolved = new Set<string>();
  const expand = (s: string, depth: number): string =>
    s.replace(VARIABLE_REF, (whole, name: string) => {
      const value = vars.get(name);
      if (value === undefined || depth >= 10) {
        unresolved.add(name);
        return whole;
      }
      return expand(value, depth + 1);
    });
  return { text: expand(text, 0), unresolved: [...unresolved] };
}

/** True when a value still holds a `{{…}}` reference (so its type cannot be checked yet). */
export function hasVariable(text: string): boolean {
  return /\{\{.*?\}\}/.test(text);
}

/** Parses documents once per version; features share the result. */
export class WsmanFileCache {
  private readonly entries = new Map<string, { version: number; file: WsmanFile }>();

  get(doc: { uri: string; version: number; getText(): string }): WsmanFile {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.file;
    const file = parseWsmanFile(doc.getText());
    this.entries.set(doc.uri, { version: doc.version, file });
    return file;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
