/** amt/overview/report: the device's overview page (features/overview/). */
import { readOverview } from '../features/overview';
import { OverviewRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerOverviewHandlers(host: HandlerHost): void {
  host.handle(OverviewRequests.report, async (p, signal) => readOverview(await clientFor(host, p, signal), { signal }));
}
