/**
 * The instance operations behind the Classes tree, the `amt:` documents and the method form: one
 * page of a class's instances, Get (rendered or as an XML document), the plan and the Put of an
 * edited document, and a method call with text inputs. Each takes the device's WS-Man client;
 * handlers/instances.ts connects and maps the protocol requests onto these.
 */
import { dateOf } from './times';
import { readOnlyProperties, refuseReadOnly } from './readOnly';
import { Catalog } from '../../catalog/catalog';
import type {
  EnumeratePageParams,
  EnumeratePageResult,
  Fault,
  InstanceParams,
  InstanceView,
  InstanceXmlResult,
  InvokeParams,
  InvokeResult,
  PlanPutResult,
  PropertyView,
  PutXmlParams,
  PutXmlResult,
} from '../../protocol';
import { WsmanFaultError, resourceUriFor, type EnumerationPage, type Instance, type WsmanClient } from '../../wsman';
import { buildMethodInput } from './arguments';
import { checkInstanceClass, parseInstanceDocument, putFromXml } from './document';
import { valueText } from './render';
import { instanceView, propertyChanges, refOfEpr, refOfInstance } from './views';
import { instanceToXml } from './xml';

/** How a document names the device it came from. */
export interface DeviceName {
  label: string;
  url?: string;
}

/** A WS-Man fault as the protocol reports it. */
export function faultOf(err: WsmanFaultError): Fault {
  return { subcode: err.subcode || err.soapCode, reason: err.reason, message: err.message };
}

/** One page of a class's instances. A fault on the first page comes back as `fault`, not an error. */
export async function enumeratePage(client: WsmanClient, p: EnumeratePageParams, signal: AbortSignal, catalog = Catalog.default()): Promise<EnumeratePageResult> {
  const uri = resourceUriFor(p.className);
  if (p.context && p.release) {
    // Frees the device's enumeration slot; a context that already expired is no error to the user.
    await client.release(uri, p.context, { signal }).catch(() => undefined);
    return { items: [] };
  }
  let page: EnumerationPage;
  try {
    if (p.context) {
      page = await client.pull(uri, p.context, { maxElements: p.maxElements }, { signal });
    } else {
      page = await enumerateWithEprs(client, uri, signal);
      // Plain Enumerate returns only a context; the first Pull brings the first page.
      if (page.items.length === 0 && page.context && !page.endOfSequence) {
        page = await client.pull(uri, page.context, { maxElements: p.maxElements }, { signal });
      }
    }
  } catch (err) {
    if (err instanceof WsmanFaultError && !p.context) return { items: [], fault: faultOf(err) };
    throw err;
  }
  const items = page.items
    .filter((i) => i.instance)
    .map((i) => instanceView(i.instance!, refOfInstance(i.instance!, i.epr, catalog, uri), catalog));
  return { items, ...(page.context && !page.endOfSequence ? { context: page.context } : {}) };
}

/** EnumerateObjectAndEPR gives each instance its own reference; firmware without it gets plain Enumerate. */
async function enumerateWithEprs(client: WsmanClient, uri: string, signal: AbortSignal): Promise<EnumerationPage> {
  try {
    return await client.enumerate(uri, { mode: 'EnumerateObjectAndEPR' }, { signal });
  } catch (err) {
    if (err instanceof WsmanFaultError && /UnsupportedFeature|InvalidOptions/.test(err.subcode)) return client.enumerate(uri, {}, { signal });
    throw err;
  }
}

async function getRaw(client: WsmanClient, p: InstanceParams, signal: AbortSignal): Promise<{ instance: Instance; uri: string }> {
  const uri = resourceUriFor(p.className);
  return { instance: await client.get(uri, emptyToUndefined(p.selectors), { signal }), uri };
}

export async function getInstance(client: WsmanClient, p: InstanceParams, signal: AbortSignal, catalog = Catalog.default()): Promise<InstanceView> {
  const { instance, uri } = await getRaw(client, p, signal);
  const ref = p.selectors && Object.keys(p.selectors).length > 0
    ? refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors: p.selectors })
    : refOfInstance(instance, undefined, catalog, uri);
  return instanceView(instance, ref, catalog);
}

export async function instanceXml(client: WsmanClient, device: DeviceName, p: InstanceParams, signal: AbortSignal, catalog = Catalog.default()): Promise<InstanceXmlResult> {
  const { instance, uri } = await getRaw(client, p, signal);
  const ref = p.selectors && Object.keys(p.selectors).length > 0
    ? refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors: p.selectors })
    : refOfInstance(instance, undefined, catalog, uri);
  return { xml: renderXml(device, instance, uri, ref.text, catalog), ref };
}

function renderXml(target: DeviceName, instance: Instance, uri: string, refText: string, catalog: Catalog): string {
  const readOnly = readOnlyProperties(catalog, instance.className, Object.keys(instance.properties));
  return instanceToXml(instance, uri, [
    `${refText}`,
    `on ${target.label}${target.url ? ` (${target.url})` : ''}`,
    'Edit writable properties and save to send Put; "AMT: Compare with Device" shows what changed.',
    ...(readOnly.length > 0 ? [`Read-only (saving a change to them is refused): ${readOnly.join(', ')}`] : []),
  ]);
}

export async function planPut(client: WsmanClient, p: PutXmlParams, signal: AbortSignal, catalog = Catalog.default()): Promise<PlanPutResult> {
  const doc = parseInstanceDocument(p.xml);
  checkInstanceClass(doc, p.className);
  const { instance } = await getRaw(client, p, signal);
  const changes = propertyChanges(instance, doc.instance, catalog);
  refuseReadOnly(catalog, p.className, changes);
  return { changes };
}

export async function putXml(client: WsmanClient, device: DeviceName, p: PutXmlParams, signal: AbortSignal, catalog = Catalog.default()): Promise<PutXmlResult> {
  const { changes } = await planPut(client, p, signal, catalog);
  const uri = resourceUriFor(p.className);
  const selectors = emptyToUndefined(p.selectors);
  const answered = await putFromXml(client, p.className, p.xml, selectors, { signal });
  // AMT may answer Put with an empty body; the document then shows a fresh Get.
  const after = answered ?? (await client.get(uri, selectors, { signal }));
  const refText = refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors: p.selectors ?? {} }).text;
  return { xml: renderXml(device, after, uri, refText, catalog), changes };
}

export async function invokeMethod(client: WsmanClient, target: DeviceName, p: InvokeParams, signal: AbortSignal, catalog = Catalog.default()): Promise<InvokeResult> {
  const args = Object.entries(p.input).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${name}=${x}`));
  const input = buildMethodInput(catalog, p.className, p.method, args);
  const uri = resourceUriFor(p.className);
  const selectors = emptyToUndefined(p.selectors);
  const result = await client.invoke(uri, p.method, input, selectors, { signal });
  const output: PropertyView[] = Object.entries(result.output).map(([name, value]) => {
    const type = outputType(catalog, p.className, p.method, name);
    const text = valueText(value, (x) => catalog.parameterValueLabel(p.className, p.method, name, x));
    const date = dateOf(p.className, p.method, name, value, type?.type);
    return { name, ...(type ?? {}), array: Array.isArray(value), key: false, text: date ? `${date} (${text})` : text };
  });
  const where = selectors ? refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors }).text : p.className;
  const report = [
    `${p.className}.${p.method} on ${target.label}`,
    `Instance: ${where}`,
    '',
    'Input:',
    ...(args.length > 0 ? args.map((a) => `  ${a}`) : ['  (none)']),
    '',
    `ReturnValue: ${result.returnValue} (${result.returnMeaning})`,
    '',
    'Output:',
    ...(output.length > 0 ? output.map((o) => `  ${o.name}: ${o.text}`) : ['  (none)']),
    '',
  ].join('\n');
  return { returnValue: result.returnValue, returnMeaning: result.returnMeaning, output, report };
}

function outputType(catalog: Catalog, className: string, method: string, name: string): { type: string } | undefined {
  const t = catalog.method(className, method)?.out.find((x) => x.name === name)?.type;
  return t ? { type: t } : undefined;
}

function emptyToUndefined<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length > 0 ? o : undefined;
}
