/**
 * New .wsman requests from the class catalog (`amt/wsman/newRequest`, behind the tree's "New
 * WS-Man Request…"): Get of an instance (its selectors from the tree) or of a singleton, Enumerate
 * of a class, and a method call whose `{Method}_INPUT` lists every input parameter the catalog
 * knows with a sample value. The envelope is the one the product itself sends (wsman/envelope.ts),
 * pretty-printed, with `{{$uuid}}` as MessageID so each send gets a fresh one; comment lines
 * above it say what each input is and which values it takes.
 */
import type { Catalog, ClassInfo, MethodInfo, ParameterInfo } from '../catalog/catalog';
import { AmtError } from '../errors';
import type { WsmanNewRequestParams, WsmanNewRequestResult } from '../protocol';
import { buildEnumerate, buildGet, buildInvoke } from '../wsman/envelope';
import { EPR_ARGUMENT_ADDRESS } from '../wsman/serialize';
import type { EndpointReference, Selectors, WsInput } from '../wsman/types';
import { formatXml } from './formatting';
import { describeValueMap, enumerableEntries } from './values';
import { parseXmlTree } from './xmlTree';

/** Sends get a fresh MessageID this way; the other headers are written out as AMT clients send them. */
const MESSAGE_ID = '{{$uuid}}';

export function newRequest(catalog: Catalog, params: WsmanNewRequestParams): WsmanNewRequestResult {
  const cls = catalog.getClass(params.className);
  const selectors = params.selectors && Object.keys(params.selectors).length > 0 ? params.selectors : undefined;
  const header = { messageId: MESSAGE_ID, ...(selectors ? { selectors } : {}) };
  const notes: string[] = [];
  let title: string;
  let envelope: string;
  switch (params.operation) {
    case 'get':
      title = `Get ${cls.name}`;
      envelope = buildGet(cls.resourceUri, header);
      if (!selectors && cls.keys.length > 0) {
        notes.push(
          `Without selectors the device answers for the only instance of ${cls.name}. To read one of several,`,
          `add <w:SelectorSet> with the keys (${cls.keys.join(', ')}) to the Header; Enumerate lists them.`,
        );
      }
      break;
    case 'enumerate':
      title = `Enumerate ${cls.name}`;
      // The items come back in the EnumerateResponse, so one Send shows the instances.
      envelope = buildEnumerate(cls.resourceUri, { mode: 'EnumerateObjectAndEPR', optimize: true, maxElements: 100 }, { messageId: MESSAGE_ID });
      notes.push('OptimizeEnumeration returns up to MaxElements instances in the answer; an EnumerationContext in it means more remain (send a Pull).');
      break;
    case 'invoke': {
      const method = params.method ? catalog.method(cls.name, params.method) : undefined;
      if (!method) {
        const known = cls.methods.map((m) => m.name);
        throw new AmtError(
          'args.unknown-method',
          params.method
            ? `${cls.name} has no method "${params.method}"${known.length ? `; its methods are ${known.join(', ')}` : ' (it has no methods)'}.`
            : `Name the method of ${cls.name} to call${known.length ? ` (${known.join(', ')})` : '; it has no methods'}.`,
        );
      }
      title = `${cls.name}.${method.name}`;
      const input: Record<string, WsInput> = {};
      for (const p of method.in) input[p.name] = sampleValue(catalog, p);
      envelope = buildInvoke(cls.resourceUri, method.name, input, header);
      notes.push(...inputNotes(cls, method));
      break;
    }
    default:
      throw new AmtError('wsman.bad-operation', `"${String(params.operation)}" is not get, enumerate or invoke.`);
  }
  const xml = envelope.replace(/^<\?xml[^>]*\?>\s*/, '');
  const pretty = formatXml(xml, parseXmlTree(xml)) ?? xml;
  const lines = [`### ${title}`, ...notes.map((n) => `# ${n}`), pretty, ''];
  return { text: lines.join('\n'), title };
}

/** What each input is, so the user knows what to write: type, required or not, and its values. */
function inputNotes(cls: ClassInfo, m: MethodInfo): string[] {
  if (m.in.length === 0) return [`${m.name} takes no input; ReturnValue 0 means success.`];
  const notes = [`Inputs of ${cls.name}.${m.name} (edit the sample values; leave out optional ones you do not need):`];
  for (const p of m.in) {
    const kind = p.embeddedInstance ? `an embedded ${p.embeddedInstance} instance` : p.type === 'EPR' ? `a reference${p.eprClass ? ` to a ${p.eprClass}` : ' (fill in its ResourceURI and selectors)'}` : p.type;
    const values = p.valueMap ? `: ${describeValueMap(p.valueMap, 6)}` : '';
    notes.push(`  ${p.name}: ${kind}${p.array ? ' (array: repeat the element)' : ''}, ${p.required ? 'required' : 'optional'}${values}`);
  }
  return notes;
}

/** A value of the parameter's type that passes the editor's checks; the user edits it before sending. */
function sampleValue(catalog: Catalog, p: ParameterInfo): WsInput {
  if (p.embeddedInstance) return { kind: 'instance', classOrUri: catalog.tryGetClass(p.embeddedInstance)?.resourceUri ?? p.embeddedInstance, properties: {} };
  if (p.type === 'EPR') return sampleReference(catalog, p.eprClass);
  if (p.valueMap) {
    const first = enumerableEntries(p.valueMap)[0];
    if (first) return first.value;
    // Only ranges (`1..65535`): their lower bound.
    const low = Object.keys(p.valueMap).map((k) => /^\s*(-?\d+|0x[0-9a-f]+)\s*\.\./i.exec(k)?.[1]).find((v) => v !== undefined);
    if (low !== undefined) return String(Number(low));
  }
  switch (p.type) {
    case 'boolean':
      return 'false';
    case 'datetime':
      return { kind: 'datetime', form: 'Datetime', value: '2024-01-01T00:00:00Z' };
    case 'string':
    case 'base64':
    case 'hexBinary':
      return '';
    default:
      return '0';
  }
}

/** The class's keys as selectors, with the values AMT uses where they are fixed. */
function sampleReference(catalog: Catalog, className: string | undefined): EndpointReference {
  const cls = className ? catalog.tryGetClass(className) : undefined;
  const selectors: Selectors = {};
  for (const key of cls?.keys ?? []) {
    selectors[key] = key === 'CreationClassName' ? cls!.name : key === 'SystemCreationClassName' ? 'CIM_ComputerSystem' : '';
  }
  return { kind: 'epr', address: EPR_ARGUMENT_ADDRESS, resourceUri: cls?.resourceUri ?? '', selectors };
}
