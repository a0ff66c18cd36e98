/**
 * The event streams the editor follows: each one a sink plus a device subscription, named by a
 * stream id, its events handed to a callback until unfollowed. Disposing unsubscribes them all.
 */
import { randomUUID } from 'node:crypto';
import type { AmtEvent, EventFollowResult } from '../../protocol';
import { followEvents, type EventingClient, type EventStream } from './subscribe';

export class EventStreams {
  private readonly streams = new Map<string, EventStream>();

  /** Subscribes the device (every AMT event unless `filter` names a collection) and calls `onEvent` for each. */
  async follow(client: EventingClient, onEvent: (streamId: string, event: AmtEvent) => void, filter?: string): Promise<EventFollowResult> {
    const stream = await followEvents(client, { ...(filter ? { filter } : {}) });
    const streamId = randomUUID();
    this.streams.set(streamId, stream);
    stream.sink.on('event', (event: AmtEvent) => onEvent(streamId, event));
    return { streamId, notifyTo: stream.sink.url };
  }

  /** Unsubscribes and stops the listener; an unknown id is no error (already gone). */
  async unfollow(streamId: string): Promise<void> {
    const stream = this.streams.get(streamId);
    this.streams.delete(streamId);
    await stream?.close();
  }

  async dispose(): Promise<void> {
    const all = [...this.streams.values()];
    this.streams.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }
}
