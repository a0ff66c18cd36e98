/**
 * Loads ui-toolkit's core bundle (the devDependency @device-management-toolkit/ui-toolkit) for the
 * compat tests, with the `self` global its browser bundle expects; undefined when not installed.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function loadCore(): Record<string, any> | undefined {
  (globalThis as any).self ??= globalThis;
  try {
    return require(process.env.UI_TOOLKIT_CORE ?? '@device-management-toolkit/ui-toolkit/core');
  } catch {
    return undefined;
  }
}
