/** amt/hardware/*: the hardware inventory and the media-table refresh (features/hardware/). */
import { readHardware, requestMediaUpdate } from '../features/hardware';
import { HardwareRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerHardwareHandlers(host: HandlerHost): void {
  host.handle(HardwareRequests.report, async (p, signal) => readHardware(await clientFor(host, p, signal), { signal }));
  host.handle(HardwareRequests.requestMediaUpdate, async (p, signal) => requestMediaUpdate(await clientFor(host, p, signal), { signal }));
}
