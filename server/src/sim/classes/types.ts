/**
 * The shape of the simulator's class table. Each class family file (general.ts, power.ts, ...)
 * exports ClassDef entries; registry.ts collects them. Adding a class is adding one entry.
 */
import type { SimDevice } from '../device';
import type { PropMap, PropValue } from '../values';

export type CimType =
  | 'string' | 'boolean' | 'datetime' | 'base64' | 'hexBinary' | 'epr' | 'real'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'sint8' | 'sint16' | 'sint32' | 'sint64'
  /** An embedded instance (a method input such as AddWiFiSettings' WiFiEndpointSettingsInput), read as embedded.ts describes. */
  | 'instance';

/**
 * A property or parameter written as a short spec string: `"<type>[[]] [key] [w] [put] [req]"`.
 * - `[]` array (the element repeats) - `key` a key (selector) - `w` writable through Put
 * - `put` must be present in a Put body - `req` required method input
 * e.g. `'uint8[] w'`, `'string key'`, `'boolean w put'`, `'uint32 req'`.
 */
export type Spec = string;

export interface PropDef {
  readonly type: CimType;
  readonly array: boolean;
  readonly key: boolean;
  readonly writable: boolean;
  readonly requiredOnPut: boolean;
  readonly required: boolean;
}

export interface MethodContext {
  readonly device: SimDevice;
  readonly className: string;
  /** The addressed instance (the only one for singletons), live: changes persist. */
  readonly instance: PropMap | undefined;
}

export interface MethodResult {
  readonly returnValue: number;
  /** Outputs in the order AMT writes them, before ReturnValue. */
  readonly outputs?: ReadonlyArray<readonly [string, PropValue]>;
}

export interface MethodDef {
  readonly inputs?: Record<string, Spec>;
  /** Output types, used to render values (EPRs, datetimes); plain values need no entry. */
  readonly outputs?: Record<string, Spec>;
  run(ctx: MethodContext, input: Record<string, PropValue>): MethodResult;
}

export interface ClassDef {
  readonly name: string;
  readonly props: Record<string, Spec>;
  /** Property order when AMT does not use plain ASCII order (see IPS_PowerManagementService). */
  readonly order?: readonly string[];
  /**
   * AMT declares the CIM `common` namespace in Get/Pull replies of classes derived from
   * CIM_ManagedSystemElement even when no datetime is present; settings/capabilities do not.
   */
  readonly commonNs?: boolean;
  /** Enumerate/Get of this class serve instances of these classes (associations, parents). */
  readonly serves?: readonly string[];
  /** The instances a fresh device has. Absent for classes that only serve others. */
  readonly initial?: (device: SimDevice) => PropMap[];
  readonly methods?: Record<string, MethodDef>;
  /** Time-driven housekeeping (expiries), run before every request and after the clock moves. */
  readonly refresh?: (device: SimDevice) => void;
  /**
   * WS-Transfer Create (classes without it answer ActionNotSupported): gets the typed properties
   * of the body, stores and returns the new instance, or throws a WsmanFault.
   */
  readonly create?: (device: SimDevice, props: PropMap) => PropMap;
  /** AMT answers a Put of this class with an empty Body (recorded for the CIRA classes). */
  readonly emptyPutResponse?: boolean;
  /** Checks a Put's properties (name → value, null for xsi:nil) before they apply; throws a WsmanFault to refuse it. */
  readonly checkPut?: (device: SimDevice, changes: ReadonlyMap<string, PropValue | null>) => void;
  /** WS-Transfer Delete of one stored instance (classes without it answer ActionNotSupported). */
  readonly remove?: (device: SimDevice, instance: PropMap) => void;
}

const TYPES = new Set<string>([
  'string', 'boolean', 'datetime', 'base64', 'hexBinary', 'epr', 'real',
  'uint8', 'uint16', 'uint32', 'uint64', 'sint8', 'sint16', 'sint32', 'sint64', 'instance',
]);

export function parseSpec(spec: Spec): PropDef {
  const [typeWord, ...flags] = spec.trim().split(/\s+/);
  const array = typeWord.endsWith('[]');
  const type = array ? typeWord.slice(0, -2) : typeWord;
  if (!TYPES.has(type)) throw new Error(`Unknown CIM type in spec "${spec}"`);
  return {
    type: type as CimType,
    array,
    key: flags.includes('key'),
    writable: flags.includes('w'),
    requiredOnPut: flags.includes('put'),
    required: flags.includes('req'),
  };
}
