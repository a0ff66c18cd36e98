/**
 * Method invocation: Action `{resourceURI}/{Method}`, body `{Method}_INPUT` in the class namespace,
 * reply `{Method}_OUTPUT` with the outputs and then ReturnValue (DMTF DSP0227, the WS-Management
 * CIM binding: custom actions). An unknown method is ActionNotSupported; an unknown or mistyped
 * input is SchemaValidationError; a missing required input is InvalidParameter. Method and input
 * names come from the request, so they are looked up as own properties only: `constructor`,
 * `toString` or `__proto__` are unknown names like any other.
 */
import { NS } from '../../wsman/namespaces';
import type { ClassInfo } from '../classes/registry';
import { parseSpec, type MethodDef } from '../classes/types';
import type { PropValue } from '../values';
import type { XmlElement } from '../xml/parse';
import { el, textEl } from '../xml/write';
import { COMMON_PREFIX, type OpContext } from './context';
import type { Reply } from './envelope';
import { WsmanFault } from './faults';
import { hasDatetime, renderValue } from './render';
import { findInstance, resolveClass } from './target';
import { readValue } from './values-in';

export function invoke(ctx: OpContext): Reply {
  const action = ctx.req.action!;
  const slash = action.lastIndexOf('/');
  const classUri = ctx.req.resourceUri ?? action.slice(0, slash);
  const info = resolveClass(classUri);
  if (action.slice(0, slash) !== info.uri) {
    throw new WsmanFault('ActionNotSupported', `${action} does not belong to ${info.def.name}`);
  }
  const methodName = action.slice(slash + 1);
  const methods = info.def.methods;
  const method = methods && Object.hasOwn(methods, methodName) ? methods[methodName] : undefined;
  if (!method) throw new WsmanFault('ActionNotSupported', `${info.def.name} has no method ${methodName}`);

  const target = findInstance(ctx.device, info, ctx.req.selectors, { allowNone: true });
  const input = readInput(ctx.req.body, info, methodName, method);
  const result = method.run({ device: ctx.device, className: target?.className ?? info.def.name, instance: target?.props }, input);

  const outputs = result.outputs ?? [];
  const common = hasDatetime(outputs.map(([, v]) => v));
  const inner =
    outputs.map(([name, value]) => renderValue(`g:${name}`, value, COMMON_PREFIX)).join('') +
    textEl('g:ReturnValue', String(result.returnValue));
  return {
    action: `${action}Response`,
    resourceUri: ctx.req.resourceUri ?? info.uri,
    ns: { g: info.uri, more: common ? [[COMMON_PREFIX, NS.common]] : [] },
    body: el(`g:${methodName}_OUTPUT`, inner),
  };
}

function readInput(body: XmlElement, info: ClassInfo, methodName: string, method: MethodDef): Record<string, PropValue> {
  const specs = method.inputs ?? {};
  const wrapper = body.children[0];
  // No prototype: the names below are the method's own input names, and nothing else answers.
  const input: Record<string, PropValue> = Object.create(null);
  if (wrapper) {
    if (body.children.length > 1 || wrapper.ns !== info.uri || wrapper.local !== `${methodName}_INPUT`) {
      throw new WsmanFault('SchemaValidationError', `the Body must be one ${methodName}_INPUT element in ${info.uri}`);
    }
    const groups = new Map<string, XmlElement[]>();
    for (const c of wrapper.children) {
      if (c.ns !== info.uri || !Object.hasOwn(specs, c.local)) {
        throw new WsmanFault('SchemaValidationError', `${methodName} has no input ${c.local}`);
      }
      groups.set(c.local, [...(groups.get(c.local) ?? []), c]);
    }
    for (const [name, els] of groups) input[name] = readValue(els, parseSpec(specs[name]), name);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (parseSpec(spec).required && !Object.hasOwn(input, name)) {
      throw new WsmanFault('InvalidParameter', `${methodName} needs ${name}`);
    }
  }
  return input;
}
