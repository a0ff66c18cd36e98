/** amt/log/read: the decoded firmware event log. */
import { readMessageLog } from '../features/log';
import { Requests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerLogHandlers(host: HandlerHost): void {
  host.handle(Requests.readLog, async (p, signal) => ({ records: await readMessageLog(await clientFor(host, p, signal), signal) }));
}
