/**
 * The version-independent part of a .wsman file model: the file cut into blocks at `###` lines,
 * each block read once into a `BlockCore` whose offsets are relative to the block's start. A core
 * holds no substring of the text it was read from (values and titles are copied), so a core
 * carried over from an earlier version of the document does not keep that version's text alive.
 *
 * `diffBlocks` is the incremental step: given the previous text, its block starts and cores, and
 * the new text, it finds the changed region (common prefix and suffix), re-reads only the blocks
 * that region touches, and carries every other core over unchanged (shifted by the length delta).
 */
import type { RequestAnalysis } from './diagnostics';

export interface VariableCore {
  name: string;
  value: string;
  /** Offsets relative to the block start: the `@`, the line end, the name and the value. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  valueStart: number;
}

export interface BlockCore {
  /** Length of the block in characters (up to the next `###` line or the end of the file). */
  len: number;
  /** End of the `###` line (relative), when the block starts with one. */
  separatorEnd?: number;
  /** Text after `###`, trimmed; undefined when bare or absent. */
  title?: string;
  /** The XML region (relative), trimmed of surrounding blank, variable and comment lines; absent when the block holds no XML. */
  xmlStart?: number;
  xmlEnd?: number;
  variables: VariableCore[];
  commentLines: { start: number; end: number }[];
  /** Names used as `{{name}}` in the XML region, each once. */
  refs: string[];
  /** What diagnostics.ts computed for this block, with the inputs it depended on (its cache). */
  analysis?: RequestAnalysis;
  /** Folding ranges inside the block, as line numbers relative to the block's first line. */
  folds?: { start: number; end: number; kind?: 'region' | 'comment' }[];
}

/** `{{name}}`, `{{ name }}`, `{{$uuid}}`. Group 1 is the name. */
export const VARIABLE_REF = /\{\{\s*(\$?[A-Za-z_][\w.-]*)\s*\}\}/g;
const VARIABLE_LINE = /^@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
const COMMENT_LINE = /^\s*(#|\/\/)/;

/**
 * A copy of `s` that does not share storage with the string it was cut from. V8 represents a
 * slice of 13 characters or more as a view into its parent, which would keep a whole old version
 * of the document alive for as long as one cached title or value survives.
 */
export function own(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}


/** Starts of the blocks in `text[from, to)`: `from` itself and every later line that begins with `###`. */
export function blockStarts(text: string, from: number, to: number): number[] {
  const starts = [from];
  for (let p = text.indexOf('\n###', from); p >= 0 && p + 1 < to; p = text.indexOf('\n###', p + 1)) if (p + 1 > from) starts.push(p + 1);
  return starts;
}

/** Reads the block `text[start, end)` (which starts at a block boundary). */
export function readBlock(text: string, start: number, end: number): BlockCore {
  const core: BlockCore = { len: end - start, variables: [], commentLines: [], refs: [] };
  // Lines as [start, end) pairs with the end before any `\r\n`.
  const lineEndAt = (s: number) => {
    const nl = text.indexOf('\n', s);
    const e = nl < 0 || nl >= end ? end : nl;
    return e > s && text.charCodeAt(e - 1) === 13 ? e - 1 : e;
  };
  // The start of the line after the one at `s`, or -1 when that line is the block's last.
  const nextLine = (s: number) => {
    const nl = text.indexOf('\n', s);
    return nl < 0 || nl + 1 >= end ? -1 : nl + 1;
  };
  let bodyStart = start;
  if (text.startsWith('###', start)) {
    const e = lineEndAt(start);
    core.separatorEnd = e - start;
    const title = text.slice(start, e).replace(/^#+/, '').trim();
    if (title) core.title = own(title);
    bodyStart = nextLine(start);
  }
  if (bodyStart < 0) return core;
  const meta = (s: number, e: number): boolean => {
    const line = text.slice(s, e);
    return line.trim() === '' || VARIABLE_LINE.test(line) || COMMENT_LINE.test(line);
  };
  const keep = (s: number, e: number) => {
    const line = text.slice(s, e);
    const m = VARIABLE_LINE.exec(line);
    if (m) {
      const valueStart = s + line.indexOf(m[2]!, line.indexOf('=') + 1);
      core.variables.push({ name: own(m[1]!), value: own(m[2]!), start: s - start, end: e - start, nameStart: s + 1 - start, nameEnd: s + 1 + m[1]!.length - start, valueStart: valueStart - start });
    } else if (line.trim() !== '') core.commentLines.push({ start: s - start, end: e - start });
  };
  // Leading meta lines.
  let lo = bodyStart;
  for (;;) {
    const e = lineEndAt(lo);
    if (!meta(lo, e)) break;
    keep(lo, e);
    const n = nextLine(lo);
    if (n < 0) return core;
    lo = n;
  }
  // Trailing meta lines, read backwards from the block's last line; `lo` is the first XML line.
  const trailing: [number, number][] = [];
  let lastEnd: number;
  let e = end > lo && text.charCodeAt(end - 1) === 10 ? end - 1 : end;
  for (;;) {
    const s = Math.max(lo, e > 0 ? text.lastIndexOf('\n', e - 1) + 1 : 0);
    const le = e > s && text.charCodeAt(e - 1) === 13 ? e - 1 : e;
    if (s === lo || !meta(s, le)) {
      lastEnd = le;
      break;
    }
    trailing.push([s, le]);
    e = s - 1;
  }
  for (let i = trailing.length - 1; i >= 0; i--) keep(trailing[i]![0], trailing[i]![1]);
  let xmlStart = lo;
  while (xmlStart < lastEnd && /\s/.test(text[xmlStart]!)) xmlStart++;
  core.xmlStart = xmlStart - start;
  core.xmlEnd = lastEnd - start;
  const refs = new Set<string>();
  const region = text.slice(xmlStart, lastEnd);
  if (region.includes('{{')) {
    const re = new RegExp(VARIABLE_REF.source, 'g');
    for (let m = re.exec(region); m; m = re.exec(region)) refs.add(own(m[1]!));
  }
  core.refs = [...refs];
  return core;
}

export interface BlockList {
  starts: number[];
  cores: BlockCore[];
}

/** Every block of a text. */
export function readBlocks(text: string): BlockList & { parsed: number } {
  const starts = blockStarts(text, 0, text.length);
  const cores = starts.map((s, i) => readBlock(text, s, starts[i + 1] ?? text.length));
  return { starts, cores, parsed: cores.length };
}

/**
 * The blocks of `text`, re-reading only those the change from `oldText` touched. A block
 * boundary survives when the `\n###` around it lies wholly in the unchanged prefix or suffix, so
 * an edit that makes or breaks a `###` line re-reads the blocks on both sides of it.
 */
export function diffBlocks(oldText: string, old: BlockList, text: string): BlockList & { parsed: number; variablesChanged: boolean } {
  const n = old.starts.length;
  const limit = Math.min(oldText.length, text.length);
  const prefix = commonPrefix(oldText, text, limit);
  if (prefix === oldText.length && prefix === text.length) return { starts: old.starts, cores: old.cores, parsed: 0, variablesChanged: false };
  const delta = text.length - oldText.length;
  const suffix = commonSuffix(oldText, text, limit - prefix);
  const oldChangeEnd = oldText.length - suffix;
  // First re-read block: the last whose `###` lies in the prefix; first kept block after: the first starting past the change.
  let first = 0;
  for (let lo = 0, hi = n - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (old.starts[mid]! + 3 <= prefix) {
      first = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let after = n;
  for (let lo = first + 1, hi = n - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (old.starts[mid]! > oldChangeEnd) {
      after = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  const regionStart = old.starts[first]!;
  const regionEnd = after < n ? old.starts[after]! + delta : text.length;
  const fresh = blockStarts(text, regionStart, regionEnd);
  const freshCores = fresh.map((s, k) => readBlock(text, s, fresh[k + 1] ?? regionEnd));
  const starts = old.starts.slice(0, first).concat(fresh);
  const cores = old.cores.slice(0, first).concat(freshCores);
  for (let k = after; k < n; k++) {
    starts.push(old.starts[k]! + delta);
    cores.push(old.cores[k]!);
  }
  const variablesChanged = !sameVariables(old.cores.slice(first, after), freshCores);
  return { starts, cores, parsed: freshCores.length, variablesChanged };
}

/** True when two runs of blocks define the same variables with the same values, in the same order. */
function sameVariables(a: readonly BlockCore[], b: readonly BlockCore[]): boolean {
  const flat = (cores: readonly BlockCore[]) => cores.flatMap((c) => c.variables.map((v) => [v.name, v.value]));
  const x = flat(a);
  const y = flat(b);
  return x.length === y.length && x.every((v, i) => v[0] === y[i]![0] && v[1] === y[i]![1]);
}

/**
 * Length of the common prefix of `a` and `b` (at most `limit`): string equality of large slices
 * (a native memory comparison, about ten times faster than `startsWith`), halved around the
 * first difference, then characters. Linear, but well under a millisecond per MB.
 */
function commonPrefix(a: string, b: string, limit: number): number {
  let p = 0;
  for (let step = 1 << 20; step >= 32 && p < limit; ) {
    const n = Math.min(step, limit - p);
    if (a.slice(p, p + n) === b.slice(p, p + n)) p += n;
    else step >>= 1;
  }
  while (p < limit && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** Length of the common suffix of `a` and `b`, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let s = 0;
  for (let step = 1 << 20; step >= 32 && s < limit; ) {
    const n = Math.min(step, limit - s);
    if (a.slice(a.length - s - n, a.length - s) === b.slice(b.length - s - n, b.length - s)) s += n;
    else step >>= 1;
  }
  while (s < limit && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return s;
}
