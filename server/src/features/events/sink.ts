/**
 * The event sink: a small HTTP listener AMT pushes WS-Eventing events to. It accepts POSTs on one
 * unguessable path only (the NotifyTo URL carries it, so stray requests are refused), parses each
 * CIM_AlertIndication, acknowledges PushWithAck deliveries with a WS-Man Ack (RelatesTo = the
 * event's MessageID), and emits each event once — a push the device repeats after a lost Ack has
 * the same MessageID and is acknowledged again but not emitted twice.
 *
 * Events come as `'event'` emissions and through async iteration (which ends on close()).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANONYMOUS, NS } from '../../wsman/namespaces';
import { escapeXml } from '../../wsman/xml';
import { parseEventEnvelope, type AmtEvent } from './parse';

const ACK_ACTION = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/Ack';
const MAX_BODY = 256 * 1024;
/** MessageIDs remembered for de-duplication. */
const SEEN = 512;

export interface EventSinkOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** The host name or address the device should post to, when not the listen address. */
  advertiseHost?: string;
}

export class EventSink extends EventEmitter implements AsyncIterable<AmtEvent> {
  /** The NotifyTo URL to subscribe with. */
  readonly url: string;
  private readonly seen = new Set<string>();
  private readonly queue: AmtEvent[] = [];
  private readonly waiters: ((r: IteratorResult<AmtEvent>) => void)[] = [];
  private closing: Promise<void> | undefined;
  /** Someone iterates: keep events for it even when there are listeners too. */
  private iterating = false;

  private constructor(private readonly server: http.Server, url: string) {
    super();
    this.url = url;
  }

  static async start(options: EventSinkOptions = {}): Promise<EventSink> {
    const host = options.host ?? '127.0.0.1';
    const path = `/amtwb/events/${randomBytes(12).toString('hex')}`;
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const shown = options.advertiseHost ?? host;
    const sink = new EventSink(server, `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}${path}`);
    server.on('request', (req, res) => sink.onRequest(req, res, path));
    return sink;
  }

  /** Stops listening; iteration ends. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const w of this.waiters.splice(0)) w({ done: true, value: undefined });
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  [Symbol.asyncIterator](): AsyncIterator<AmtEvent> {
    this.iterating = true;
    return {
      next: () => {
        const value = this.queue.shift();
        if (value) return Promise.resolve({ done: false, value });
        if (this.closing) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
    if (req.method !== 'POST' || req.url !== path) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) parts.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return void res.writeHead(413).end();
      let pushed;
      try {
        pushed = parseEventEnvelope(Buffer.concat(parts).toString('utf8'));
      } catch (err) {
        this.emit('bad-push', err);
        return void res.writeHead(400).end();
      }
      if (pushed.ackRequested) {
        res.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-8' }).end(ackEnvelope(pushed.messageId ?? ''));
      } else {
        res.writeHead(200).end();
      }
      if (pushed.messageId) {
        if (this.seen.has(pushed.messageId)) return;
        this.seen.add(pushed.messageId);
        if (this.seen.size > SEEN) this.seen.delete(this.seen.values().next().value!);
      }
      this.deliver(pushed.event);
    });
  }

  private deliver(event: AmtEvent): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter({ done: false, value: event });
    else if (this.iterating || this.listenerCount('event') === 0) this.queue.push(event);
    this.emit('event', event);
  }
}

/** The DSP0226 acknowledgement of a PushWithAck event. */
function ackEnvelope(relatesTo: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}">` +
    `<s:Header><a:To>${ANONYMOUS}</a:To><a:Action>${ACK_ACTION}</a:Action>` +
    `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo><a:MessageID>uuid:${randomBytes(16).toString('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}</a:MessageID></s:Header>` +
    `<s:Body/></s:Envelope>`
  );
}
