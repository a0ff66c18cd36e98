/** amt/events/*: event streams from a device, each event sent as an `amt/events/event` notification. */
import { EventStreams } from '../features/events';
import { EventRequests, Notifications } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerEventHandlers(host: HandlerHost): { dispose(): Promise<void> } {
  const streams = new EventStreams();
  host.handle(EventRequests.follow, async (p, signal) =>
    streams.follow(await clientFor(host, p, signal), (streamId, event) => host.notify(Notifications.event, { streamId, targetId: p.targetId, event }), p.filter),
  );
  host.handle(EventRequests.unfollow, (p) => streams.unfollow(p.streamId));
  return { dispose: () => streams.dispose() };
}
