/**
 * The one XML reader of the engine: a single linear pass from the reply's bytes to a small
 * namespace-resolved element tree. AMT writes a:, b:, c:, g:, h: prefixes whose meaning changes
 * per response (and hand-written envelopes use other prefixes or default namespaces), so every
 * consumer matches on (namespace URI, local name), never on the prefix.
 *
 * Why a scanner of our own rather than fast-xml-parser (already a dependency, used by the bench as
 * the baseline): its parse neither checks well-formedness (that is `XMLValidator`, a second pass)
 * nor character validity, nesting depth or an element budget, and it produces its own ordered
 * tree that had to be copied into this one (a third pass and a copy). This scanner does all of
 * that in one pass, building `XmlElement`s directly: per character it runs `indexOf` for the next
 * markup character and one regular-expression test for characters XML forbids, both native and
 * linear, and never looks back. It measures faster than fast-xml-parser's bare parse of the same
 * reply (`npm run bench`, "XML reader"). It keeps an explicit stack instead of recursing, so it
 * can stop after any token: `parseXmlAsync` decodes and parses a large reply in 1 MiB windows
 * (xmlScan.ts) and slices of a few milliseconds, yielding to the event loop between them. A worker thread was rejected: the tree would come
 * back by structured clone, whose deserialisation on the main thread costs about as much as the
 * parse it was meant to move.
 *
 * Refused, each with a typed `XmlError`: DOCTYPE and entity declarations (never expanded),
 * references other than the five XML entities and character references to XML characters
 * (`&#0;`, `&#xD800;` are refused), characters XML forbids, bytes that are not UTF-8, more than
 * `maxDepth` levels, more than `maxElements` elements, more than `maxBytes` bytes.
 */
import { isUtf8 } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { XmlError } from './errors';
import { DONE, INPUT, Scanner, XML_LIMITS } from './xmlScan';

export { XML_LIMITS };

export interface XmlAttr {
  /** The name as written, e.g. `xsi:nil`. */
  name: string;
  local: string;
  /** Namespace URI; '' for unprefixed attributes. */
  ns: string;
  value: string;
}

export interface XmlElement {
  /** The qualified name as written, e.g. `g:AMT_GeneralSettings`. */
  name: string;
  local: string;
  /** Resolved namespace URI; '' when the element is in no namespace. */
  ns: string;
  attrs: XmlAttr[];
  children: XmlElement[];
  /** Concatenated direct text content, entities decoded, whitespace kept. */
  text: string;
  /** Prefix → namespace URI in scope at this element ('' = default namespace); resolves QName values such as fault subcodes. */
  scope: ReadonlyMap<string, string>;
}

/** The budget one document may use; each is checked while parsing, before the excess is built. */
export interface XmlLimits {
  /** Default 64 MiB (the HTTP layer's largest body). */
  maxBytes?: number;
  /** Default 1,000,000: about 150 MB of tree, within 4× of a 64 MiB reply of typical AMT instances. */
  maxElements?: number;
  /** Default 100; AMT replies nest about 12 deep. */
  maxDepth?: number;
}

export interface AsyncParseOptions extends XmlLimits {
  /** Aborting stops the parse at the next slice with `onAbort()`'s error (default: the signal's reason). */
  signal?: AbortSignal;
  onAbort?: () => Error;
  /** `performance.now()` time after which the parse stops with `onDeadline()`'s error. */
  deadline?: number;
  onDeadline?: () => Error;
  /** Longest run without yielding to the event loop, default 10 ms. */
  sliceMs?: number;
}

/** Below this many bytes `parseXmlAsync` parses in one go: slicing would only add overhead. */
const SYNC_BELOW = 256 * 1024;
/** Characters scanned between checks of the clock (≈1 ms of work). */
const STEP = 128 * 1024;
/** Bytes validated and decoded per window of a large reply. */
const WINDOW = 1024 * 1024;

/** Parses one XML document (text, or bytes that must be UTF-8). Throws `XmlError`. */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = {}): XmlElement {
  const scanner = new Scanner(decode(input, limits), typeof input !== 'string', limits);
  scanner.run(Infinity);
  return scanner.result();
}

/**
 * Parses like `parseXml`, yielding to the event loop every `sliceMs` so a large reply never stalls
 * it for long; the signal and the deadline are checked at every yield.
 */
export async function parseXmlAsync(input: string | Uint8Array, opts: AsyncParseOptions = {}): Promise<XmlElement> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size < SYNC_BELOW) return parseXml(input, opts);
  const aborted = () => opts.onAbort?.() ?? opts.signal?.reason ?? new Error('aborted');
  if (opts.signal?.aborted) throw aborted();
  const sliceMs = opts.sliceMs ?? 10;
  let sliceStart = performance.now();
  const pause = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw aborted();
    if (opts.deadline !== undefined && performance.now() > opts.deadline) throw opts.onDeadline?.() ?? new Error('deadline passed');
    sliceStart = performance.now();
  };
  if (typeof input === 'string') {
    checkSize(input.length, opts);
    const scanner = new Scanner(input, false, opts);
    while (scanner.run(STEP) !== DONE) await pause();
    return scanner.result();
  }
  checkSize(input.byteLength, opts);
  // Validated and decoded a window at a time, each window cut at a character boundary: the
  // reply never exists as one string (decoding 60 MB in one call stalls the loop by itself).
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let scanner: Scanner | undefined;
  for (let i = 0; i < bytes.length; ) {
    let end = Math.min(bytes.length, i + WINDOW);
    while (end < bytes.length && end > i && (bytes[end]! & 0xc0) === 0x80) end--;
    if (!isUtf8(bytes.subarray(i, end))) throw notUtf8(bytes, i);
    const text = bytes.toString('utf8', i, end);
    const final = end === bytes.length;
    if (!scanner) scanner = new Scanner(text, true, opts, final);
    else scanner.feed(text, final);
    for (;;) {
      const state = scanner.run(STEP);
      if (state === DONE) return scanner.result();
      await pause();
      if (state === INPUT) break;
    }
    i = end;
  }
  throw new Error('unreachable: the last window ends the scan');
}

/** Escapes text for use in element content or a double-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Child elements, optionally only those with this local name (and namespace). */
export function childElements(el: XmlElement, local?: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => (local === undefined || c.local === local) && (ns === undefined || c.ns === ns));
}

export function firstChild(el: XmlElement, local: string, ns?: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local && (ns === undefined || c.ns === ns));
}

export function attrValue(el: XmlElement, local: string, ns = ''): string | undefined {
  return el.attrs.find((a) => a.local === local && a.ns === ns)?.value;
}

/** Resolves a QName written as element content (e.g. `b:DestinationUnreachable`) against the element's scope. */
export function resolveQName(el: XmlElement, qname: string): { ns: string; local: string } {
  const q = qname.trim();
  const colon = q.indexOf(':');
  if (colon < 0) return { ns: el.scope.get('') ?? '', local: q };
  return { ns: el.scope.get(q.slice(0, colon)) ?? '', local: q.slice(colon + 1) };
}

// ---- decoding ----------------------------------------------------------------------------

function checkSize(bytes: number, limits: XmlLimits): void {
  const max = limits.maxBytes ?? XML_LIMITS.maxBytes;
  if (bytes > max) {
    throw new XmlError('xml.limit', `The reply is ${megabytes(bytes)}, over the ${megabytes(max)} this client accepts in one reply; ask for fewer items per Pull (MaxElements) or fewer properties.`);
  }
}

function decode(input: string | Uint8Array, limits: XmlLimits): string {
  if (typeof input === 'string') {
    checkSize(input.length, limits);
    return input;
  }
  checkSize(input.byteLength, limits);
  if (!isUtf8(input)) throw notUtf8(input, 0);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
}

function notUtf8(bytes: Uint8Array, start: number): XmlError {
  let from = start;
  for (let k = 0; k < 3 && from > 0 && (bytes[from]! & 0xc0) === 0x80; k++) from--;
  return new XmlError(
    'xml.encoding',
    `The reply is not valid UTF-8 (byte offset ${firstBadUtf8(bytes, from)}); AMT always answers in UTF-8, so the reply is damaged or comes from another kind of device.`,
  );
}

/** Offset of the first byte at or after `from` that breaks UTF-8 (RFC 3629); only run to word an error. */
function firstBadUtf8(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]!;
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < [0, 0x80, 0x800, 0x10000][n]! || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}
