/**
 * Instance documents: an instance read from XML (a full SOAP envelope or just the `<g:Class>`
 * element), checked against the class it is for, and Put from that XML as written.
 */
import { AmtError } from '../../errors';
import type { Instance, Selectors, WsInput } from '../../wsman/types';
import { NS, classNameFromUri, resourceUriFor } from '../../wsman/namespaces';
import { parseXml, firstChild, type XmlElement } from '../../wsman/xml';
import { parseInstance, parseSelectorSet } from '../../wsman/parse';
import type { CallOptions } from './json';

export interface InstanceDocument {
  instance: Instance;
  /** The ResourceURI in the envelope header, when the file is a full envelope. */
  resourceUri?: string;
  /** The SelectorSet in the envelope header, when the file is a full envelope that has one. */
  selectors?: Selectors;
}

/**
 * Reads an instance from XML: a full SOAP envelope (its Body's first element is the instance; the
 * header's ResourceURI and SelectorSet are returned too) or just the instance element.
 */
export function parseInstanceDocument(xml: string, file?: string): InstanceDocument {
  const source = fileWords(file);
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
    throw new AmtError('put.bad-xml', `${capitalize(source)} is not well-formed XML (${why}); fix the XML and try again.`, { cause: err });
  }
  if (root.local === 'Envelope' && root.ns === NS.soap) {
    const body = firstChild(root, 'Body', NS.soap);
    const el = body?.children[0];
    if (!el) throw new AmtError('put.bad-xml', `The envelope in ${source} has an empty Body; put the instance element (for example <g:AMT_GeneralSettings>) inside it.`);
    const header = firstChild(root, 'Header', NS.soap);
    const resourceUri = header ? firstChild(header, 'ResourceURI', NS.wsman)?.text.trim() : undefined;
    const selectorSet = header ? firstChild(header, 'SelectorSet', NS.wsman) : undefined;
    return {
      instance: parseInstance(el),
      ...(resourceUri ? { resourceUri } : {}),
      ...(selectorSet ? { selectors: parseSelectorSet(selectorSet) } : {}),
    };
  }
  return { instance: parseInstance(root) };
}

/** Checks that the document holds an instance of `className` (by element name and, when given, namespace). */
export function checkInstanceClass(doc: InstanceDocument, className: string, file?: string): void {
  const source = fileWords(file);
  const expectedUri = resourceUriFor(className);
  const expected = classNameFromUri(expectedUri);
  const { instance } = doc;
  if (instance.className.toLowerCase() !== expected.toLowerCase()) {
    throw new AmtError('put.class-mismatch', `${capitalize(source)} holds a <${instance.className}> element, not ${expected}; name the class the file holds, or fix the file.`);
  }
  if (instance.namespace && instance.namespace !== expectedUri) {
    throw new AmtError('put.class-mismatch', `The <${instance.className}> element in ${source} is in the namespace ${instance.namespace}; AMT expects ${expectedUri}, so fix its xmlns.`);
  }
}

/**
 * Put an instance read from XML: the file's instance body is sent as-is (property order kept);
 * selectors come from the argument, else from the envelope header in the file.
 */
export async function putFromXml<R>(
  client: { put(cls: string, props: Record<string, WsInput>, selectors?: Selectors, call?: CallOptions): Promise<R> },
  className: string,
  xml: string,
  selectors?: Selectors,
  call: CallOptions = {},
  file?: string,
): Promise<R> {
  const doc = parseInstanceDocument(xml, file);
  checkInstanceClass(doc, className, file);
  const sel = selectors && Object.keys(selectors).length ? selectors : doc.selectors;
  return client.put(className, doc.instance.properties, sel, call);
}

/** `the file x.xml`, or `the file` when the name is unknown. */
function fileWords(file?: string): string {
  return file ? `the file ${file}` : 'the file';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
