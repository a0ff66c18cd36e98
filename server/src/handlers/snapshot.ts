/** amt/snapshot/take and amt/snapshot/diff: device snapshots (features/snapshot/). */
import type { Catalog } from '../catalog/catalog';
import { compareSnapshots, takeResult, takeSnapshot } from '../features/snapshot';
import { SnapshotNotifications, SnapshotRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerSnapshotHandlers(host: HandlerHost, catalog: Catalog): void {
  host.handle(SnapshotRequests.take, async (p, signal) => {
    const client = await clientFor(host, p, signal);
    const info = host.registry.info(p.targetId);
    const token = p.progressToken;
    const snapshot = await takeSnapshot(client, {
      device: { label: info.label, ...(info.url ? { url: info.url } : {}) },
      signal,
      catalog,
      ...(token ? { onProgress: (x) => host.notify(SnapshotNotifications.progress, { progressToken: token, ...x }) } : {}),
    });
    return takeResult(snapshot);
  });
  host.handle(SnapshotRequests.diff, (p) => compareSnapshots(p, catalog));
}
