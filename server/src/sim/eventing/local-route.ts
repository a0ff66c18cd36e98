/**
 * How the simulated firmware reaches an event subscriber on its own host: AMT has no network path to
 * the host's loopback, so a NotifyTo of 127.0.0.1/localhost is delivered through LMS, over a channel
 * the firmware opens on the LME connection (APF CHANNEL_OPEN "forwarded-tcpip"). The MEI attachment
 * registers the opener; with no LME session running the simulator posts over TCP as before.
 */
import type { Duplex } from 'node:stream';

export type HostChannelOpener = (port: number) => Promise<Duplex> | undefined;

const routes = new WeakMap<object, HostChannelOpener>();

export function setLocalEventRoute(device: object, open: HostChannelOpener | undefined): void {
  if (open) routes.set(device, open);
  else routes.delete(device);
}

/** A connector for `pushEvent` when `url` names the host's loopback and an LME session is up. */
export function localEventConnector(device: object, url: string): (() => Promise<Duplex>) | undefined {
  const open = routes.get(device);
  if (!open) return undefined;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (host !== 'localhost' && host !== '::1' && !host.startsWith('127.')) return undefined;
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const channel = open(port);
  return channel ? () => channel : undefined;
}
