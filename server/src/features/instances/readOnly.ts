/**
 * Properties a Put cannot change. Keys name the instance (a Put to other key values addresses
 * another instance), and some properties the firmware owns: the Intel AMT SDK class reference
 * marks them read-only, e.g. AMT_GeneralSettings.DigestRealm, NetworkInterfaceEnabled,
 * PowerSource and PrivacyLevel.
 */
import { AmtError } from '../../errors';
import type { Catalog } from '../../catalog/catalog';
import type { PropertyChange } from '../../protocol';

const FIRMWARE_OWNED: Readonly<Record<string, readonly string[]>> = {
  AMT_GeneralSettings: ['DigestRealm', 'NetworkInterfaceEnabled', 'PowerSource', 'PrivacyLevel'],
};

/** The read-only properties of a class among `names` (in the order given). */
export function readOnlyProperties(catalog: Catalog, className: string, names: readonly string[]): string[] {
  const owned = FIRMWARE_OWNED[className] ?? [];
  return names.filter((n) => owned.includes(n) || catalog.property(className, n)?.key === true);
}

/** Throws one sentence naming the first read-only property a planned Put would change. */
export function refuseReadOnly(catalog: Catalog, className: string, changes: readonly PropertyChange[]): void {
  const [name] = readOnlyProperties(catalog, className, changes.map((c) => c.name));
  if (name === undefined) return;
  const change = changes.find((c) => c.name === name)!;
  throw new AmtError('put.read-only', `${name} of ${className} is read-only, so nothing was sent; set it back to ${change.before || '(absent)'} and save again.`);
}
