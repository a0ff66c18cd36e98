/** amt/fleet/*: MPS servers, their devices, bulk power; thin over features/fleet. */
import { AmtError } from '../errors';
import { FleetServers, allDevices, bulkPowerAction, bulkPowerState, listFleet } from '../features/fleet';
import { FleetNotifications, FleetRequests } from '../protocol';
import type { HandlerHost } from './host';

export function registerFleetHandlers(host: HandlerHost): FleetServers {
  const servers = new FleetServers();
  const progress = (token: string | undefined) =>
    token ? { onProgress: (p: { done: number; total: number; item: { guid: string; ok: boolean } }) => host.notify(FleetNotifications.progress, { token, ...p }) } : {};
  const info = (id: string) => servers.list().find((s) => s.id === id)!;

  host.handle(FleetRequests.servers, () => servers.list());
  host.handle(FleetRequests.addServer, async (p, signal) => {
    const added = servers.add(p.url, p.user);
    try {
      await servers.connect(added.id, p.password, signal);
    } catch (err) {
      servers.remove(added.id);
      throw err;
    }
    return info(added.id);
  });
  host.handle(FleetRequests.removeServer, (p) => {
    servers.remove(p.serverId);
    return null;
  });
  host.handle(FleetRequests.devices, (p, signal) => listFleet(servers.client(p.serverId), p, signal));
  host.handle(FleetRequests.powerStates, async (p, signal) => {
    const client = servers.client(p.serverId);
    const guids = p.guids ?? (await allDevices(client, p.tag ? { tag: p.tag } : {}, signal)).map((r) => r.guid);
    return bulkPowerState(client, guids, { signal, ...progress(p.progressToken) });
  });
  host.handle(FleetRequests.powerAction, (p, signal) =>
    bulkPowerAction(servers.client(p.serverId), p.guids, p.action, p.confirmCount, { signal, ...progress(p.progressToken) }));
  host.handle(FleetRequests.openDevice, (p) => {
    const client = servers.client(p.serverId);
    try {
      return { targetId: host.registry.add({ kind: 'mps', guid: p.guid.toLowerCase(), server: () => servers.client(p.serverId), ...(p.label ? { label: p.label } : {}) }).id };
    } catch (err) {
      if (err instanceof AmtError && err.code === 'target.exists') return { targetId: `mps://${client.url.replace(/^https?:\/\//, '')}/${p.guid.toLowerCase()}` };
      throw err;
    }
  });
  return servers;
}
