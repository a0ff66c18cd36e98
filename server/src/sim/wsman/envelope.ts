/**
 * The success envelope as real AMT writes it (recorded in test/fixtures/real-amt; docs/simulator.md "Envelopes"): compact, fixed prefixes a–f, the body
 * namespace as g (class, or enumeration for Enumerate/Pull), optional h/i and extras, then xsi.
 */
import { ANONYMOUS, NS } from '../../wsman/namespaces';
import { el, textEl } from '../xml/write';

export interface BodyNamespaces {
  /** The namespace bound to `g:`. */
  readonly g: string;
  /** Further prefixes (h, i, j, …) in declaration order. */
  readonly more?: ReadonlyArray<readonly [string, string]>;
}

export interface Reply {
  /** Absent only for Identify, which has no Action. */
  readonly action?: string;
  readonly resourceUri?: string;
  readonly ns: BodyNamespaces;
  readonly body: string;
}

export function replyEnvelope(reply: Reply, relatesTo: string | undefined, messageId: string): string {
  const decl: Array<readonly [string, string]> = [
    ['a', NS.soap], ['b', NS.addressing], ['c', NS.wsman], ['d', NS.trust], ['e', NS.wsse], ['f', NS.cimbinding],
    ['g', reply.ns.g], ...(reply.ns.more ?? []), ['xsi', NS.xsi],
  ];
  const header =
    textEl('b:To', ANONYMOUS) +
    (relatesTo !== undefined ? textEl('b:RelatesTo', relatesTo) : '') +
    (reply.action ? textEl('b:Action', reply.action, { 'a:mustUnderstand': 'true' }) : '') +
    textEl('b:MessageID', messageId) +
    (reply.resourceUri ? textEl('c:ResourceURI', reply.resourceUri) : '');
  const xmlns = decl.map(([p, u]) => ` xmlns:${p}="${u}"`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><a:Envelope${xmlns}>${el('a:Header', header)}${el('a:Body', reply.body)}</a:Envelope>`;
}
