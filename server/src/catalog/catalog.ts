/**
 * The AMT / CIM / IPS class model: resource URIs, keys, properties (with inheritance resolved),
 * methods and their parameters, and value maps. Data: `data/classes.json` (extracted from intel/lms)
 * and `data/property-value-maps.json` (property enumerations from the DMTF schema and the Intel AMT SDK); see `data/README.md`.
 *
 * A `Catalog` is immutable once built. `Catalog.default()` builds the one over the bundled data on
 * first use and returns the same instance afterwards (the only module-level state here).
 */
import { AmtError } from '../errors';
import rawClasses from './data/classes.json';
import rawValueMaps from './data/property-value-maps.json';
import { compileValueMap, type CompiledValueMap, type ValueMap } from './value-map';

export type { ValueMap } from './value-map';

export type CimType =
  | 'string'
  | 'boolean'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'sint8'
  | 'sint16'
  | 'sint32'
  | 'sint64'
  | 'real32'
  | 'datetime'
  | 'base64'
  | 'hexBinary'
  | 'EPR';

export type Schema = 'amt' | 'cim' | 'ips';

export interface PropertyInfo {
  readonly name: string;
  readonly type: CimType;
  readonly array: boolean;
  readonly key: boolean;
  readonly required: boolean;
  /** Property value map (from property-value-maps.json, nearest class in the chain wins). */
  readonly valueMap?: ValueMap;
  /** The class whose definition (type) is used: the class that introduced or last re-declared it. */
  readonly declaredIn: string;
  /** For EPR members, the referenced class when the source names exactly one. */
  readonly eprClass?: string;
}

export interface ParameterInfo {
  readonly name: string;
  readonly type: CimType;
  readonly array: boolean;
  readonly required: boolean;
  readonly valueMap?: ValueMap;
  readonly eprClass?: string;
  /** For embedded-instance inputs (e.g. `AddAlarm(AlarmTemplate)`), the class of the instance. */
  readonly embeddedInstance?: string;
}

export interface MethodInfo {
  readonly name: string;
  /** The class whose declaration is used (a subclass re-declaration wins over the ancestor's). */
  readonly declaredIn: string;
  readonly in: readonly ParameterInfo[];
  readonly out: readonly ParameterInfo[];
  readonly returnType: CimType;
}

export interface ClassSummary {
  readonly name: string;
  readonly schema: Schema;
  readonly resourceUri: string;
}

export interface ClassInfo extends ClassSummary {
  /** XML namespace of the instance body (equal to the resource URI for every AMT class). */
  readonly namespace: string;
  readonly superclass: string | null;
  /** Superclass chain, root first, ending with this class. */
  readonly chain: readonly string[];
  readonly mofVersion: string;
  /** Key properties (selectors) along the whole chain, root first. */
  readonly keys: readonly string[];
  /** Every property including inherited ones: root class's first, overrides applied. */
  readonly properties: readonly PropertyInfo[];
  /** Every method including inherited ones; a subclass re-declaration replaces the ancestor's. */
  readonly methods: readonly MethodInfo[];
  /** Property names seen on real devices that the class model lacks (no type known). */
  readonly observedExtras: readonly string[];
}

export interface FindClassResult {
  /** The class, when the name or resource URI matches one exactly (ignoring case). */
  readonly match?: ClassSummary;
  /** Closest class names, best first, when there is no match. */
  readonly suggestions: readonly string[];
}

/* ---- shapes of the JSON files ---- */

interface RawMember {
  type: string;
  array: boolean;
  key: boolean;
  required: boolean;
  valueMap?: Record<string, string>;
  eprClass?: string;
  embeddedInstance?: string;
}
interface RawMethod {
  in: Record<string, RawMember>;
  out: Record<string, RawMember>;
  returnType: string;
}
interface RawClass {
  superclass: string | null;
  resourceUri: string;
  namespace: string;
  schema: string;
  mofVersion: string;
  keys: string[];
  properties: Record<string, RawMember>;
  overrides?: Record<string, { declaredIn: string; key: boolean; required: boolean }>;
  methods: Record<string, RawMethod>;
}
export interface RawCatalogFile {
  classes: Record<string, RawClass>;
  observedExtras?: Record<string, string[]>;
}
interface RawValueMapEntry {
  source: string;
  values: Record<string, string>;
}
export interface RawValueMapFile {
  classes: Record<string, Record<string, RawValueMapEntry>>;
}

let defaultCatalog: Catalog | undefined;

export class Catalog {
  private readonly raw: Readonly<Record<string, RawClass>>;
  private readonly extras: Readonly<Record<string, string[]>>;
  private readonly propertyMaps = new Map<string, Map<string, CompiledValueMap>>();
  private readonly byLowerName = new Map<string, string>();
  private readonly byLowerUri = new Map<string, string>();
  private readonly resolved = new Map<string, ClassInfo>();
  private readonly compiledMaps = new WeakMap<object, CompiledValueMap>();
  private readonly summaries: readonly ClassSummary[];

  /** The catalog over the bundled data, built on first use. */
  static default(): Catalog {
    defaultCatalog ??= new Catalog(rawClasses as unknown as RawCatalogFile, rawValueMaps as RawValueMapFile);
    return defaultCatalog;
  }

  constructor(file: RawCatalogFile, valueMaps: RawValueMapFile = { classes: {} }) {
    this.raw = file.classes;
    this.extras = file.observedExtras ?? {};
    for (const [name, cls] of Object.entries(this.raw)) {
      if (cls.superclass !== null && !this.raw[cls.superclass]) {
        throw new AmtError('catalog.invalid', `The class catalog is damaged: ${name} names the missing superclass ${cls.superclass}; reinstall AMT Workbench.`);
      }
      this.byLowerName.set(name.toLowerCase(), name);
      this.byLowerUri.set(cls.resourceUri.toLowerCase(), name);
    }
    for (const [cls, props] of Object.entries(valueMaps.classes)) {
      const m = new Map<string, CompiledValueMap>();
      for (const [prop, entry] of Object.entries(props)) m.set(prop, compileValueMap(entry.values));
      this.propertyMaps.set(cls, m);
    }
    this.summaries = Object.freeze(
      Object.keys(this.raw)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((name) => Object.freeze({ name, schema: this.raw[name].schema as Schema, resourceUri: this.raw[name].resourceUri })),
    );
  }

  /** Every class, sorted by name. */
  listClasses(): readonly ClassSummary[] {
    return this.summaries;
  }

  /** True when the class (exact name, any case) is in the catalog. */
  has(name: string): boolean {
    return this.canonical(name) !== undefined;
  }

  /** The resolved class, or an AmtError naming the closest matches. Case-insensitive. */
  getClass(name: string): ClassInfo {
    const info = this.tryGetClass(name);
    if (!info) throw this.unknownClassError(name);
    return info;
  }

  /** The resolved class, or undefined. Accepts the class name (any case) or its resource URI. */
  tryGetClass(nameOrUri: string): ClassInfo | undefined {
    const name = this.canonical(nameOrUri);
    if (!name) return undefined;
    let info = this.resolved.get(name);
    if (!info) {
      info = this.resolve(name);
      this.resolved.set(name, info);
    }
    return info;
  }

  /** Key properties (selectors) of the class, root class's first. */
  keys(name: string): readonly string[] {
    return this.getClass(name).keys;
  }

  /** Every method of the class including inherited ones. */
  methods(name: string): readonly MethodInfo[] {
    return this.getClass(name).methods;
  }

  /** One method (name compared ignoring case), or undefined. */
  method(className: string, methodName: string): MethodInfo | undefined {
    const lower = methodName.toLowerCase();
    return this.tryGetClass(className)?.methods.find((m) => m.name.toLowerCase() === lower);
  }

  /** One property (exact name first, then ignoring case), or undefined. */
  property(className: string, propertyName: string): PropertyInfo | undefined {
    const props = this.tryGetClass(className)?.properties;
    if (!props) return undefined;
    const lower = propertyName.toLowerCase();
    return props.find((p) => p.name === propertyName) ?? props.find((p) => p.name.toLowerCase() === lower);
  }

  /**
   * The label of a property value, e.g. `valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', 2)`
   * → `On`. Range keys (`32768..65535`, `0x7FFF..0xFFFF`, `..`) are honoured; an exact key wins over a range.
   * Undefined when the property has no value map or the value is not in it.
   */
  valueLabel(className: string, property: string, value: string | number): string | undefined {
    const name = this.canonical(className);
    if (!name) return undefined;
    const compiled = this.propertyMap(name, property);
    return compiled?.label(value);
  }

  /** The label of a method parameter value (inputs first, then outputs). */
  parameterValueLabel(className: string, methodName: string, parameter: string, value: string | number): string | undefined {
    const m = this.method(className, methodName);
    const p = m?.in.find((x) => x.name === parameter) ?? m?.out.find((x) => x.name === parameter);
    return p?.valueMap ? this.compiled(p.valueMap).label(value) : undefined;
  }

  /**
   * Finds a class by name or resource URI, ignoring case. Without an exact match, `suggestions` lists
   * the closest names (typos, a missing `AMT_`/`CIM_`/`IPS_` prefix, a fragment of the name).
   */
  findClass(nameOrUri: string): FindClassResult {
    const q = nameOrUri.trim();
    const name = this.canonical(q);
    if (name) return { match: this.summaryOf(name), suggestions: [] };
    const last = q.includes('/') ? q.slice(q.lastIndexOf('/') + 1) : q;
    return { suggestions: this.suggest(last) };
  }

  /** The AmtError for a class that is not in the catalog, with the closest names in the sentence. */
  unknownClassError(name: string): AmtError {
    const { suggestions } = this.findClass(name);
    const hint = suggestions.length ? ` Did you mean ${suggestions.slice(0, 3).join(', ')}?` : '';
    return new AmtError(
      'catalog.unknown-class',
      `"${name}" is not a class in the AMT class catalog; check the spelling or list the classes with "amtwb classes".${hint}`,
    );
  }

  /** Direct subclasses of a class, sorted. */
  subclasses(name: string): string[] {
    const canonical = this.canonical(name);
    if (!canonical) return [];
    return this.summaries.filter((s) => this.raw[s.name].superclass === canonical).map((s) => s.name);
  }

  /* ---- internals ---- */

  private canonical(nameOrUri: string): string | undefined {
    const q = nameOrUri.trim();
    if (this.raw[q]) return q;
    const lower = q.toLowerCase();
    return this.byLowerName.get(lower) ?? this.byLowerUri.get(lower);
  }

  private summaryOf(name: string): ClassSummary {
    return this.summaries.find((s) => s.name === name)!;
  }

  private chainOf(name: string): string[] {
    const chain: string[] = [];
    for (let n: string | null = name; n !== null; n = this.raw[n].superclass) {
      if (chain.includes(n)) throw new AmtError('catalog.invalid', `The class catalog is damaged: ${name} has a cyclic superclass chain; reinstall AMT Workbench.`);
      chain.unshift(n);
    }
    return chain;
  }

  /** The nearest value map for a property: the class itself, then its ancestors; then the catalog's own. */
  private propertyMap(className: string, property: string): CompiledValueMap | undefined {
    const fromFile = this.nearestPropertyMap(this.chainOf(className), property);
    if (fromFile) return fromFile;
    const p = this.tryGetClass(className)?.properties.find((x) => x.name === property);
    return p?.valueMap ? this.compiled(p.valueMap) : undefined;
  }

  private nearestPropertyMap(chain: readonly string[], property: string): CompiledValueMap | undefined {
    for (let i = chain.length - 1; i >= 0; i--) {
      const m = this.propertyMaps.get(chain[i])?.get(property);
      if (m) return m;
    }
    return undefined;
  }

  private compiled(map: ValueMap): CompiledValueMap {
    let c = this.compiledMaps.get(map);
    if (!c) {
      c = compileValueMap(map);
      this.compiledMaps.set(map, c);
    }
    return c;
  }

  private resolve(name: string): ClassInfo {
    const chain = this.chainOf(name);
    const props = new Map<string, PropertyInfo>();
    const methods = new Map<string, MethodInfo>();
    for (const clsName of chain) {
      const cls = this.raw[clsName];
      for (const [pname, o] of Object.entries(cls.overrides ?? {})) {
        const prev = props.get(pname);
        if (prev) props.set(pname, { ...prev, key: o.key, required: o.required || o.key });
      }
      for (const [pname, m] of Object.entries(cls.properties)) {
        const info: PropertyInfo = {
          name: pname,
          type: m.type as CimType,
          array: m.array,
          key: m.key,
          required: m.required || m.key,
          declaredIn: clsName,
          ...(m.valueMap ? { valueMap: Object.freeze({ ...m.valueMap }) } : {}),
          ...(m.eprClass ? { eprClass: m.eprClass } : {}),
        };
        // A re-declaration keeps the inherited position but takes the subclass's definition.
        props.set(pname, info);
      }
      for (const [mname, m] of Object.entries(cls.methods)) {
        methods.set(mname, {
          name: mname,
          declaredIn: clsName,
          in: Object.freeze(Object.entries(m.in).map(([n, p]) => toParam(n, p))),
          out: Object.freeze(Object.entries(m.out).map(([n, p]) => toParam(n, p))),
          returnType: (m.returnType || 'uint32') as CimType,
        });
      }
    }
    // Attach property value maps (nearest class in the chain wins).
    const properties = [...props.values()].map((p) => {
      const m = this.nearestPropertyMap(chain, p.name);
      return Object.freeze(m ? { ...p, valueMap: m.map } : p);
    });
    const cls = this.raw[name];
    return Object.freeze({
      name,
      schema: cls.schema as Schema,
      resourceUri: cls.resourceUri,
      namespace: cls.namespace,
      superclass: cls.superclass,
      chain: Object.freeze(chain),
      mofVersion: cls.mofVersion,
      keys: Object.freeze([...cls.keys]),
      properties: Object.freeze(properties),
      methods: Object.freeze([...methods.values()].map((m) => Object.freeze(m))),
      observedExtras: Object.freeze([...(this.extras[name] ?? [])]),
    });
  }

  private suggest(query: string): string[] {
    const q = query.toLowerCase();
    if (!q) return [];
    const scored: { name: string; score: number }[] = [];
    const limit = Math.max(2, Math.floor(q.length / 4));
    for (const { name } of this.summaries) {
      const lower = name.toLowerCase();
      const bare = lower.slice(lower.indexOf('_') + 1);
      let score = Math.min(editDistance(q, lower), editDistance(q, bare) + 1);
      if (score > limit) {
        if (q.length >= 4 && lower.includes(q)) score = limit + 1 + (lower.length - q.length) / 100;
        else continue;
      }
      scored.push({ name, score });
    }
    scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : 1));
    return scored.slice(0, 5).map((s) => s.name);
  }
}

function toParam(name: string, p: RawMember): ParameterInfo {
  return Object.freeze({
    name,
    type: p.type as CimType,
    array: p.array,
    required: p.required,
    ...(p.valueMap ? { valueMap: Object.freeze({ ...p.valueMap }) } : {}),
    ...(p.eprClass ? { eprClass: p.eprClass } : {}),
    ...(p.embeddedInstance ? { embeddedInstance: p.embeddedInstance } : {}),
  });
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}
