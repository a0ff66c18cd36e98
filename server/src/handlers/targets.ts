/** amt/targets/* and amt/classes/*: the device list, Identify, and the class catalog. */
import type { Catalog } from '../catalog/catalog';
import { describeClass } from '../features/instances';
import { identifyDevice } from '../features/legacy';
import { Requests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerTargetHandlers(host: HandlerHost, catalog: Catalog): void {
  const { handle, registry } = host;
  handle(Requests.listTargets, () => registry.list());
  handle(Requests.addTarget, (p) =>
    // `local`, `lms` and `auto` name AMT on this machine (targets/local/); anything else is a URL.
    p.url === 'local' || p.url === 'lms' || p.url === 'auto'
      ? registry.add({ kind: p.url, ...(p.label ? { label: p.label } : {}), ...(p.user ? { user: p.user } : {}) })
      : registry.add({ kind: 'remote', url: p.url, user: p.user, label: p.label, trustedFingerprint256: p.trustedFingerprint256 }),
  );
  handle(Requests.removeTarget, (p) => registry.remove(p.targetId));
  handle(Requests.identify, async (p, signal) => identifyDevice(await clientFor(host, p, signal), { signal }));
  handle(Requests.listClasses, () => catalog.listClasses());
  handle(Requests.describeClass, (p) => describeClass(p.className, catalog));
}
