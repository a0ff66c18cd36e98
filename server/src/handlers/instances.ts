/** amt/instances/* and amt/methods/invoke: the Classes tree, `amt:` documents and the method form. */
import type { Catalog } from '../catalog/catalog';
import { enumeratePage, getInstance, instanceXml, invokeMethod, planPut, putXml } from '../features/instances';
import { probeClass } from '../features/instances/probe';
import { Requests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerInstanceHandlers(host: HandlerHost, catalog: Catalog): void {
  const { handle, registry } = host;
  handle(Requests.enumeratePage, async (p, signal) => enumeratePage(await clientFor(host, p, signal), p, signal, catalog));
  handle(Requests.probeClass, async (p, signal) => probeClass(await clientFor(host, p, signal), p, signal));
  handle(Requests.getInstance, async (p, signal) => getInstance(await clientFor(host, p, signal), p, signal, catalog));
  // The device's URL is known once connected (the embedded simulator starts on first use).
  handle(Requests.instanceXml, async (p, signal) => instanceXml(await clientFor(host, p, signal), registry.info(p.targetId), p, signal, catalog));
  handle(Requests.planPut, async (p, signal) => planPut(await clientFor(host, p, signal), p, signal, catalog));
  handle(Requests.putXml, async (p, signal) => putXml(await clientFor(host, p, signal), registry.info(p.targetId), p, signal, catalog));
  handle(Requests.invoke, async (p, signal) => invokeMethod(await clientFor(host, p, signal), registry.info(p.targetId), p, signal, catalog));
}
