/**
 * Compact XML output as AMT writes it: no declaration whitespace, no indentation, every element
 * written with an explicit end tag (`<g:DomainName></g:DomainName>`, never `<g:DomainName/>`).
 */

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/** `<qname attrs>inner</qname>`; `inner` is already-serialised XML. */
export function el(qname: string, inner = '', attrs: Record<string, string> = {}): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  return `<${qname}${a}>${inner}</${qname}>`;
}

/** An element holding escaped text. */
export function textEl(qname: string, text: string, attrs: Record<string, string> = {}): string {
  return el(qname, escapeText(text), attrs);
}
