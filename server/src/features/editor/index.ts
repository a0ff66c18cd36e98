/**
 * Handlers of the editor UI requests (EditorRequests in protocol.ts). Each takes the target
 * registry, the request's params and the cancellation signal; main.ts registers them. They connect
 * to the device, call the WS-Man client, and render what comes back with views.ts / xml.ts.
 */
import { Catalog, type ParameterInfo } from '../../catalog/catalog';
import type {
  ClassDescription,
  EditorFault,
  EditorInvokeParams,
  EditorInvokeResult,
  EnumeratePageParams,
  EnumeratePageResult,
  EventLogResult,
  InstanceParams,
  InstanceView,
  InstanceXmlResult,
  ParameterDescription,
  PlanPutResult,
  PropertyView,
  PutXmlParams,
  PutXmlResult,
  TargetParams,
} from '../../protocol';
import type { TargetRegistry } from '../../targets/registry';
import { WsmanFaultError, resourceUriFor, type EnumerationPage, type Instance, type WsmanClient } from '../../wsman';
import { buildMethodInput } from '../arguments';
import { checkInstanceClass, parseInstanceDocument, putFromXml } from '../instances';
import { readEventLog } from './eventLog';
import { instanceView, propertyChanges, refOfEpr, refOfInstance, valueText } from './views';
import { instanceToXml } from './xml';

type Registry = Pick<TargetRegistry, 'connect' | 'info'>;

/**
 * EPR parameters whose MOF type is an abstract class (REF CIM_ManagedElement): the class whose
 * instances AMT actually accepts there, so the method form can offer them.
 */
const EPR_PARAMETER_CLASS: Record<string, string> = {
  'CIM_PowerManagementService.RequestPowerStateChange.ManagedElement': 'CIM_ComputerSystem',
  'IPS_PowerManagementService.RequestOSPowerSavingStateChange.ManagedElement': 'CIM_ComputerSystem',
  'CIM_AccountManagementService.CreateAccount.System': 'CIM_ComputerSystem',
  'CIM_BootService.SetBootConfigRole.BootConfigSetting': 'CIM_BootConfigSetting',
  'CIM_BootConfigSetting.ChangeBootOrder.Source': 'CIM_BootSourceSetting',
};

function connect(registry: Registry, p: TargetParams, signal: AbortSignal): Promise<WsmanClient> {
  return registry.connect(p.targetId, p.credentials, signal);
}

function faultOf(err: WsmanFaultError): EditorFault {
  return { subcode: err.subcode || err.soapCode, reason: err.reason, message: err.message };
}

/** One page of a class's instances. A fault on the first page comes back as `fault`, not an error. */
export async function enumeratePage(registry: Registry, p: EnumeratePageParams, signal: AbortSignal, catalog = Catalog.default()): Promise<EnumeratePageResult> {
  const client = await connect(registry, p, signal);
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

async function getRaw(registry: Registry, p: InstanceParams, signal: AbortSignal): Promise<{ instance: Instance; uri: string }> {
  const client = await connect(registry, p, signal);
  const uri = resourceUriFor(p.className);
  return { instance: await client.get(uri, emptyToUndefined(p.selectors), { signal }), uri };
}

export async function getInstance(registry: Registry, p: InstanceParams, signal: AbortSignal, catalog = Catalog.default()): Promise<InstanceView> {
  const { instance, uri } = await getRaw(registry, p, signal);
  const ref = p.selectors && Object.keys(p.selectors).length > 0
    ? refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors: p.selectors })
    : refOfInstance(instance, undefined, catalog, uri);
  return instanceView(instance, ref, catalog);
}

export function describeClass(_registry: unknown, p: { className: string }, _signal?: AbortSignal, catalog = Catalog.default()): ClassDescription {
  const cls = catalog.getClass(p.className);
  const param = (method: string) => (x: ParameterInfo): ParameterDescription => {
    const choices = x.valueMap ? exactChoices(x.valueMap) : undefined;
    const eprClass = x.eprClass ?? (x.type === 'EPR' ? EPR_PARAMETER_CLASS[`${cls.name}.${method}.${x.name}`] : undefined);
    return {
      name: x.name,
      type: x.type,
      array: x.array,
      required: x.required,
      ...(choices && choices.length > 0 ? { choices } : {}),
      ...(eprClass ? { eprClass } : {}),
      ...(x.embeddedInstance ? { embeddedInstance: x.embeddedInstance } : {}),
    };
  };
  return {
    name: cls.name,
    schema: cls.schema,
    resourceUri: cls.resourceUri,
    superclass: cls.superclass,
    keys: [...cls.keys],
    properties: cls.properties.map((x) => ({ name: x.name, type: x.type, array: x.array, key: x.key, required: x.required })),
    methods: cls.methods.map((m) => ({ name: m.name, declaredIn: m.declaredIn, in: m.in.map(param(m.name)), out: m.out.map(param(m.name)) })),
  };
}

/** Value-map entries that name one value (ranges such as `32768..65535` are no choice to pick). */
function exactChoices(map: Readonly<Record<string, string>>): { value: string; label: string }[] {
  return Object.entries(map).filter(([k]) => !k.includes('..')).map(([value, label]) => ({ value, label }));
}

export async function instanceXml(registry: Registry, p: InstanceParams, signal: AbortSignal, catalog = Catalog.default()): Promise<InstanceXmlResult> {
  const { instance, uri } = await getRaw(registry, p, signal);
  const ref = p.selectors && Object.keys(p.selectors).length > 0
    ? refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors: p.selectors })
    : refOfInstance(instance, undefined, catalog, uri);
  return { xml: renderXml(registry, p.targetId, instance, uri, ref.text), ref };
}

function renderXml(registry: Registry, targetId: string, instance: Instance, uri: string, refText: string): string {
  const target = registry.info(targetId);
  return instanceToXml(instance, uri, [
    `${refText}`,
    `on ${target.label}${target.url ? ` (${target.url})` : ''}`,
    'Edit writable properties and save to send Put; "AMT: Compare with Device" shows what changed.',
  ]);
}

export async function planPut(registry: Registry, p: PutXmlParams, signal: AbortSignal, catalog = Catalog.default()): Promise<PlanPutResult> {
  const doc = parseInstanceDocument(p.xml);
  checkInstanceClass(doc, p.className);
  const { instance } = await getRaw(registry, p, signal);
  return { changes: propertyChanges(instance, doc.instance, catalog) };
}

export async function putXml(registry: Registry, p: PutXmlParams, signal: AbortSignal, catalog = Catalog.default()): Promise<PutXmlResult> {
  const { changes } = await planPut(registry, p, signal, catalog);
  const client = await connect(registry, p, signal);
  const uri = resourceUriFor(p.className);
  const selectors = emptyToUndefined(p.selectors);
  const answered = await putFromXml(client, p.className, p.xml, selectors, { signal });
  // AMT may answer Put with an empty body; the document then shows a fresh Get.
  const after = answered ?? (await client.get(uri, selectors, { signal }));
  const refText = refOfEpr({ kind: 'epr', address: '', resourceUri: uri, selectors: p.selectors ?? {} }).text;
  return { xml: renderXml(registry, p.targetId, after, uri, refText), changes };
}

export async function invokeMethod(registry: Registry, p: EditorInvokeParams, signal: AbortSignal, catalog = Catalog.default()): Promise<EditorInvokeResult> {
  const args = Object.entries(p.input).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${name}=${x}`));
  const input = buildMethodInput(catalog, p.className, p.method, args);
  const client = await connect(registry, p, signal);
  const uri = resourceUriFor(p.className);
  const selectors = emptyToUndefined(p.selectors);
  const result = await client.invoke(uri, p.method, input, selectors, { signal });
  const output: PropertyView[] = Object.entries(result.output).map(([name, value]) => ({
    name,
    ...(outputType(catalog, p.className, p.method, name) ?? {}),
    array: Array.isArray(value),
    key: false,
    text: valueText(value, (x) => catalog.parameterValueLabel(p.className, p.method, name, x)),
  }));
  const target = registry.info(p.targetId);
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

export async function eventLog(registry: Registry, p: TargetParams, signal: AbortSignal): Promise<EventLogResult> {
  const client = await connect(registry, p, signal);
  return { records: await readEventLog(client, signal) };
}

function emptyToUndefined<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length > 0 ? o : undefined;
}
