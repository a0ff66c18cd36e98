/** amt/power/*: the host power state and power actions. */
import { devicePowerAction, devicePowerState } from '../features/legacy';
import { Requests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerPowerHandlers(host: HandlerHost): void {
  host.handle(Requests.powerState, async (p, signal) => {
    const { powerState, label } = await devicePowerState(await clientFor(host, p, signal), { signal });
    return { powerState, label };
  });
  host.handle(Requests.powerAction, async (p, signal) => devicePowerAction(await clientFor(host, p, signal), p.action, { signal }));
}
