/**
 * The form for invoking a method, built from the catalog's input parameters: value-mapped
 * parameters become pick lists, booleans yes/no, references a pick from the instances of the
 * referenced class, everything else typed text checked against its CIM type. Values are kept as
 * text; the backend converts them (so the form and the CLI accept the same spellings).
 */
import {
  Requests,
  type ClassDescription,
  type InvokeResult,
  type InstanceRef,
  type InstanceView,
  type MethodDescription,
  type ParameterDescription,
} from '../../../server/src/protocol';
import type { Request } from './request';
import { INTEGER_RANGES } from '../../../server/src/catalog/integer-ranges';

export type FieldInput = 'choice' | 'reference' | 'boolean' | 'text';

export interface FormField {
  param: ParameterDescription;
  input: FieldInput;
  /** `PowerState (uint16, required)`. */
  title: string;
  /** A hint for typed values. */
  placeholder?: string;
}

export interface Choice {
  /** What the backend receives. */
  value: string;
  /** What the user reads: `2 (Power On)`, `Managed System`. */
  label: string;
  description?: string;
}


export interface MethodFormOptions {
  /** Instances of a class, for reference pick lists (the class tree's cache in the extension). */
  instancesOf?: (className: string) => Promise<InstanceView[]>;
}

export class MethodForm {
  readonly fields: FormField[];
  private readonly values = new Map<string, string[]>();
  private readonly labels = new Map<string, string>();

  private constructor(
    private readonly request: Request,
    readonly targetId: string,
    readonly cls: ClassDescription,
    readonly method: MethodDescription,
    /** The instance the method is invoked on; absent to address the class (singleton services). */
    readonly instance: InstanceRef | undefined,
    private readonly options: MethodFormOptions,
  ) {
    this.fields = method.in.map(fieldFor);
  }

  /** The methods a class offers (for the method pick list). */
  static async methodsOf(request: Request, className: string): Promise<MethodDescription[]> {
    return (await request(Requests.describeClass, { className })).methods;
  }

  static async open(
    request: Request,
    target: { targetId: string; className: string; method: string; instance?: InstanceRef },
    options: MethodFormOptions = {},
  ): Promise<MethodForm> {
    const cls = await request(Requests.describeClass, { className: target.className });
    const method = cls.methods.find((m) => m.name.toLowerCase() === target.method.toLowerCase());
    if (!method) {
      throw new Error(`${cls.name} has no method "${target.method}"; its methods are ${cls.methods.map((m) => m.name).join(', ') || 'none'}.`);
    }
    return new MethodForm(request, target.targetId, cls, method, target.instance, options);
  }

  field(name: string): FormField {
    const f = this.fields.find((x) => x.param.name === name);
    if (!f) throw new Error(`${this.method.name} has no input parameter ${name}.`);
    return f;
  }

  /** Pick-list entries for a choice, boolean or reference field. */
  async choices(name: string): Promise<Choice[]> {
    const f = this.field(name);
    if (f.input === 'boolean') return [{ value: 'true', label: 'true' }, { value: 'false', label: 'false' }];
    if (f.input === 'choice') return (f.param.choices ?? []).map((c) => ({ value: c.value, label: `${c.value} (${c.label})` }));
    if (f.input === 'reference' && f.param.eprClass) {
      const instances = await this.instancesOf(f.param.eprClass);
      return instances.map((v) => ({ value: v.ref.text, label: v.label, description: v.ref.text }));
    }
    return [];
  }

  /** Why a typed value is not acceptable, or undefined. Arrays take comma-separated items. */
  validate(name: string, text: string): string | undefined {
    const f = this.field(name);
    const items = f.param.array ? splitList(text) : [text.trim()];
    for (const item of items) {
      const problem = checkItem(f.param, item);
      if (problem) return problem;
    }
    return undefined;
  }

  /** Sets a field from typed text (arrays: comma-separated) or picked values; '' or undefined clears it. */
  set(name: string, value: string | string[] | undefined, label?: string): void {
    const f = this.field(name);
    const items = value === undefined ? [] : Array.isArray(value) ? value : f.param.array ? splitList(value) : [value.trim()];
    if (items.length === 0 || (items.length === 1 && items[0] === '')) {
      this.values.delete(name);
      this.labels.delete(name);
      return;
    }
    this.values.set(name, items);
    if (label) this.labels.set(name, label);
    else this.labels.delete(name);
  }

  get(name: string): string[] | undefined {
    return this.values.get(name);
  }

  /** What the form shows for a field: `2 (Power On)`, `Managed System`, or `not set`. */
  display(name: string): string {
    const values = this.values.get(name);
    if (!values) return 'not set';
    const label = this.labels.get(name);
    if (label) return label;
    const f = this.field(name);
    return values.map((v) => {
      const c = f.param.choices?.find((x) => x.value === v);
      return c ? `${v} (${c.label})` : v;
    }).join(', ');
  }

  /** Required parameters still without a value. */
  missing(): string[] {
    return this.fields.filter((f) => f.param.required && !this.values.has(f.param.name)).map((f) => f.param.name);
  }

  /** The input as the backend takes it: set fields only, in the method's order. */
  input(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const f of this.fields) {
      const v = this.values.get(f.param.name);
      if (v) out[f.param.name] = f.param.array ? v : v[0]!;
    }
    return out;
  }

  async invoke(): Promise<InvokeResult> {
    const missing = this.missing();
    if (missing.length > 0) throw new Error(`${this.method.name} needs ${missing.join(', ')}; give ${missing.length === 1 ? 'it a value' : 'them values'} first.`);
    return this.request(Requests.invoke, {
      targetId: this.targetId,
      className: this.cls.name,
      ...(this.instance ? { selectors: this.instance.selectors } : {}),
      method: this.method.name,
      input: this.input(),
    });
  }

  private async instancesOf(className: string): Promise<InstanceView[]> {
    if (this.options.instancesOf) return this.options.instancesOf(className);
    const items: InstanceView[] = [];
    let page = await this.request(Requests.enumeratePage, { targetId: this.targetId, className, maxElements: 100 });
    if (page.fault) throw new Error(page.fault.message);
    items.push(...page.items);
    while (page.context) {
      page = await this.request(Requests.enumeratePage, { targetId: this.targetId, className, maxElements: 100, context: page.context });
      items.push(...page.items);
    }
    return items;
  }
}

function fieldFor(param: ParameterDescription): FormField {
  const title = `${param.name} (${param.type}${param.array ? '[]' : ''}${param.required ? ', required' : ''})`;
  if (param.type === 'boolean') return { param, input: 'boolean', title };
  if (param.choices && param.choices.length > 0) return { param, input: 'choice', title };
  if (param.type === 'EPR') {
    return param.eprClass
      ? { param, input: 'reference', title }
      : { param, input: 'text', title, placeholder: 'a reference: Class?Key=Value&Key2=Value2' };
  }
  const placeholder = INTEGER_RANGES[param.type]
    ? `a whole number from ${INTEGER_RANGES[param.type]![0]} to ${INTEGER_RANGES[param.type]![1]}`
    : param.type === 'datetime'
      ? 'e.g. 2024-01-06T03:26:27Z, or an interval such as P0DT0H5M0S'
      : param.embeddedInstance
        ? `an ${param.embeddedInstance} instance is not supported by the form; use a .wsman file`
        : undefined;
  return { param, input: 'text', title, ...(placeholder ? { placeholder: param.array ? `${placeholder} (comma-separated)` : placeholder } : {}) };
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function checkItem(p: ParameterDescription, item: string): string | undefined {
  if (item === '') return p.required ? `${p.name} is required.` : undefined;
  const range = INTEGER_RANGES[p.type];
  if (range) {
    if (!/^[+-]?\d+$/.test(item) && !/^0x[0-9a-f]+$/i.test(item)) {
      const label = p.choices?.find((c) => c.label.toLowerCase() === item.toLowerCase());
      return label ? undefined : `${p.name} is a ${p.type}: give a whole number.`;
    }
    const n = BigInt(item.replace(/^\+/, ''));
    if (n < range[0] || n > range[1]) return `${p.name} is a ${p.type}: give a value from ${range[0]} to ${range[1]}.`;
    return undefined;
  }
  if (p.type === 'boolean' && !/^(true|false|1|0|yes|no)$/i.test(item)) return `${p.name} is a boolean: give true or false.`;
  if (p.type === 'real32' && Number.isNaN(Number(item))) return `${p.name} is a number: "${item}" is not one.`;
  if (p.type === 'EPR' && !/^(?:(?:AMT|CIM|IPS)_\w+|https?:\/\/\S+)(\?.*)?$/.test(item)) return `${p.name} is a reference: write it as Class?Key=Value&Key2=Value2.`;
  return undefined;
}
