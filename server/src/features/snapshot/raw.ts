/**
 * The XML of each enumerated instance exactly as the device wrote it. The WS-Man parser builds a
 * tree without source offsets, so the Items element of an Enumerate or Pull reply is cut into its
 * child elements here by a small tag scanner over the reply text (which the parser has already
 * accepted as well-formed, so the scanner only has to find tag boundaries: comments, CDATA,
 * processing instructions and quoted attribute values are stepped over). A general XML library
 * would re-serialise the elements instead, which is what must not happen to "raw" XML.
 *
 * An item inherits its namespace declarations from the envelope (AMT declares the class prefix on
 * the root); the declarations it uses are added to its start tag so the slice stands alone.
 */
import type { XmlElement } from '../../wsman/xml';
import { escapeXml } from '../../wsman/xml';

interface Tag {
  start: number;
  end: number;
  kind: 'open' | 'close' | 'empty';
  local: string;
}

/** The child elements of the first `Items` element of `xml`, as text, in order. */
export function itemSlices(xml: string): string[] {
  const slices: string[] = [];
  let depth = 0;
  let itemsDepth = -1;
  let childStart = -1;
  for (const tag of tags(xml)) {
    if (tag.kind === 'close') {
      depth--;
      if (itemsDepth >= 0 && depth === itemsDepth + 1 && childStart >= 0) {
        slices.push(xml.slice(childStart, tag.end));
        childStart = -1;
      } else if (depth === itemsDepth) {
        return slices;
      }
      continue;
    }
    if (itemsDepth >= 0 && depth === itemsDepth + 1) {
      if (tag.kind === 'empty') slices.push(xml.slice(tag.start, tag.end));
      else childStart = tag.start;
    }
    if (itemsDepth < 0 && tag.local === 'Items') {
      if (tag.kind === 'empty') return slices;
      itemsDepth = depth;
    }
    if (tag.kind === 'open') depth++;
  }
  return slices;
}

function* tags(xml: string): Generator<Tag> {
  let i = xml.indexOf('<');
  while (i >= 0 && i < xml.length) {
    if (xml.startsWith('<!--', i)) i = skipPast(xml, i, '-->');
    else if (xml.startsWith('<![CDATA[', i)) i = skipPast(xml, i, ']]>');
    else if (xml.startsWith('<?', i) || xml.startsWith('<!', i)) i = skipPast(xml, i, '>');
    else {
      const close = xml[i + 1] === '/';
      let j = i + 1;
      let quote = '';
      for (; j < xml.length; j++) {
        const ch = xml[j];
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
      }
      const end = j + 1;
      const name = /^<\/?([^\s/>]+)/.exec(xml.slice(i, Math.min(end, i + 300)))?.[1] ?? '';
      const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
      yield { start: i, end, kind: close ? 'close' : xml[j - 1] === '/' ? 'empty' : 'open', local };
      i = end;
    }
    i = xml.indexOf('<', i);
  }
}

function skipPast(xml: string, from: number, marker: string): number {
  const at = xml.indexOf(marker, from);
  return at < 0 ? xml.length : at + marker.length;
}

/**
 * Adds to the slice's start tag the namespace declarations it uses but inherited from the
 * envelope (`el` is the parsed element of the same item, whose scope knows them).
 */
export function standalone(slice: string, el: XmlElement): string {
  const startEnd = startTagEnd(slice);
  const startTag = slice.slice(0, startEnd);
  const declared = new Set([...startTag.matchAll(/\sxmlns(?::([\w.-]+))?\s*=/g)].map((m) => m[1] ?? ''));
  const used = new Set([...slice.matchAll(/(?:<\/?|\s|["'])([A-Za-z_][\w.-]*):[A-Za-z_]/g)].map((m) => m[1]!).filter((p) => p !== 'xmlns' && p !== 'xml'));
  const extra: string[] = [];
  for (const [prefix, uri] of el.scope) {
    if (declared.has(prefix)) continue;
    if (prefix === '' ? el.name.includes(':') : !used.has(prefix)) continue;
    extra.push(prefix === '' ? ` xmlns="${escapeXml(uri)}"` : ` xmlns:${prefix}="${escapeXml(uri)}"`);
  }
  if (extra.length === 0) return slice;
  const nameEnd = /^<[^\s/>]+/.exec(slice)![0].length;
  return slice.slice(0, nameEnd) + extra.join('') + slice.slice(nameEnd);
}

function startTagEnd(slice: string): number {
  let quote = '';
  for (let j = 1; j < slice.length; j++) {
    const ch = slice[j];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return j + 1;
  }
  return slice.length;
}
