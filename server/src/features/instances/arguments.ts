/**
 * Text arguments (`Key=Value` from a command line or a form) → typed WS-Man inputs, using the
 * catalog for parameter names, CIM types, value-map labels and references.
 */
import { AmtError } from '../../errors';
import type { Catalog, CimType, MethodInfo } from '../../catalog/catalog';
import { compileValueMap } from '../../catalog/value-map';
import type { CimDatetime, Selectors, WsInput } from '../../wsman/types';
import { parseEprText } from './epr';
import { INTEGER_RANGES } from '../../catalog/integer-ranges';

interface Member {
  name: string;
  type: CimType;
  array: boolean;
  valueMap?: Readonly<Record<string, string>>;
}


/** Splits `Key=Value` (the first `=`); `flag` names the option in the error. */
export function splitAssignment(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new AmtError('args.invalid', `${flag} "${text}" is not of the form Name=Value; write it as ${flag} Name=Value.`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}

/** Looks like `Class?Key=Value…`: a reference written as text. */
export function looksLikeEpr(text: string): boolean {
  return /^(?:(?:AMT|CIM|IPS)_\w+|https?:\/\/\S+)\?\S*=/.test(text.trim());
}

/** Converts one text value for a typed member; `where` names it in errors (e.g. `PowerState of RequestPowerStateChange`). */
export function convertValue(member: Member | undefined, raw: string, where: string): WsInput {
  if (!member) return looksLikeEpr(raw) ? parseEprText(raw) : raw;
  const t = raw.trim();
  const range = INTEGER_RANGES[member.type];
  if (range) {
    if (/^[+-]?\d+$/.test(t) || /^0x[0-9a-f]+$/i.test(t)) {
      const n = BigInt(t.replace(/^\+/, ''));
      if (n < range[0] || n > range[1]) {
        throw new AmtError('args.invalid', `${where} is a ${member.type}, so ${t} is out of range; give a value from ${range[0]} to ${range[1]}.`);
      }
      return n.toString();
    }
    if (member.valueMap) {
      const v = compileValueMap(member.valueMap).valueOf(t);
      if (v !== undefined) return v;
      const labels = Object.entries(member.valueMap)
        .filter(([k]) => !k.includes('..'))
        .map(([k, l]) => `${k}=${l}`)
        .join(', ');
      throw new AmtError('args.invalid', `${where} takes a number; "${t}" is neither a number nor one of its labels (${labels}).`);
    }
    throw new AmtError('args.invalid', `${where} is a ${member.type}, so "${t}" is not a valid value; give a whole number.`);
  }
  switch (member.type) {
    case 'boolean': {
      const l = t.toLowerCase();
      if (l === 'true' || l === '1' || l === 'yes') return 'true';
      if (l === 'false' || l === '0' || l === 'no') return 'false';
      throw new AmtError('args.invalid', `${where} is a boolean, so "${t}" is not a valid value; give true or false.`);
    }
    case 'real32':
      if (t === '' || Number.isNaN(Number(t))) throw new AmtError('args.invalid', `${where} is a number, so "${t}" is not a valid value.`);
      return String(Number(t));
    case 'datetime': {
      const dt: CimDatetime = { kind: 'datetime', form: /^-?P/.test(t) ? 'Interval' : 'Datetime', value: t };
      return dt;
    }
    case 'EPR':
      return parseEprText(t);
    default:
      return raw;
  }
}

/** The method, or an AmtError listing the class's methods. Undefined when the class is not in the catalog. */
export function findMethod(catalog: Catalog, className: string, methodName: string): MethodInfo | undefined {
  const cls = catalog.tryGetClass(className);
  if (!cls) return undefined;
  const m = catalog.method(className, methodName);
  if (!m) {
    const names = cls.methods.map((x) => x.name);
    throw new AmtError(
      'args.unknown-method',
      `${cls.name} has no method "${methodName}"; ${names.length ? `its methods are ${names.join(', ')}` : 'it declares no methods'}.`,
    );
  }
  return m;
}

/**
 * `Name=Value` parameters → method input. Repeating a name makes an array. Names are matched to
 * the catalog's inputs ignoring case and put in the catalog's order; values are converted by type.
 * For a class or method not in the catalog, values pass as text (or a reference when written as one).
 */
export function buildMethodInput(catalog: Catalog, className: string, methodName: string, params: readonly string[]): Record<string, WsInput> {
  const method = findMethod(catalog, className, methodName);
  const collected = new Map<string, string[]>();
  for (const p of params) {
    const [rawName, value] = splitAssignment(p, '--param');
    let name = rawName;
    if (method) {
      const def = method.in.find((x) => x.name === rawName) ?? method.in.find((x) => x.name.toLowerCase() === rawName.toLowerCase());
      if (!def) {
        const names = method.in.map((x) => x.name);
        throw new AmtError(
          'args.unknown-parameter',
          `${method.name} has no input parameter "${rawName}"; ${names.length ? `its inputs are ${names.join(', ')}` : 'it takes no inputs'}.`,
        );
      }
      name = def.name;
    }
    collected.set(name, [...(collected.get(name) ?? []), value]);
  }
  const input: Record<string, WsInput> = {};
  const order = method ? method.in.map((x) => x.name).filter((n) => collected.has(n)) : [...collected.keys()];
  for (const name of order) {
    const values = collected.get(name)!;
    const def = method?.in.find((x) => x.name === name);
    const where = `${name} of ${method?.name ?? methodName}`;
    if (def && !def.array && values.length > 1) {
      throw new AmtError('args.invalid', `${where} takes one value but was given ${values.length}; give --param ${name}=… once.`);
    }
    const converted = values.map((v) => convertValue(def, v, where));
    input[name] = def?.array || values.length > 1 ? converted : converted[0];
  }
  return input;
}

/**
 * `Key=Value` selectors → Selectors. Key names are matched to the class's keys ignoring case; a key
 * of reference type (associations) takes `Class?K=V&…`.
 */
export function buildSelectors(catalog: Catalog, className: string, selectors: readonly string[]): Selectors {
  const cls = catalog.tryGetClass(className);
  const out: Selectors = {};
  for (const s of selectors) {
    const [rawKey, value] = splitAssignment(s, '--selector');
    const prop = cls?.properties.find((p) => p.name === rawKey) ?? cls?.properties.find((p) => p.name.toLowerCase() === rawKey.toLowerCase());
    const key = prop?.name ?? rawKey;
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw new AmtError('args.invalid', `The selector ${key} was given twice; give each --selector once.`);
    }
    out[key] = prop?.type === 'EPR' || (!prop && looksLikeEpr(value)) ? parseEprText(value) : value;
  }
  return out;
}
