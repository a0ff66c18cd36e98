/** amt/power/*: the host power state and power actions. */
import { getPowerState, requestPowerAction } from '../features/power';
import { Requests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerPowerHandlers(host: HandlerHost): void {
  host.handle(Requests.powerState, async (p, signal) => {
    const { powerState, label } = await getPowerState(await clientFor(host, p, signal), { signal });
    return { powerState, label };
  });
  host.handle(Requests.powerAction, async (p, signal) => requestPowerAction(await clientFor(host, p, signal), p.action, { signal }));
}
