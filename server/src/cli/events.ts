/**
 * `amtwb [--target …] events --follow [--listen ADDR[:PORT]] [--json]` — subscribes the device to
 * a listener this command runs (features/events/) and prints each event as it arrives, until
 * SIGINT/SIGTERM; then it unsubscribes. Status goes to stderr, events to stdout (one line each;
 * with --json one JSON object per line). The listener's address is 127.0.0.1 for the simulator and
 * local targets, else the local address that routes to the device; --listen overrides it.
 */
import { parseArgs } from 'node:util';
import { usageError, parseArgsError } from './usage';
import { followEvents, sinkAddressFor, type AmtEvent } from '../features/events';
import type { CliIo } from './feature-commands';

const USAGE = 'write amtwb events --follow [--listen ADDR[:PORT]] [--json]';

export async function runEventsCli(args: readonly string[], io: CliIo): Promise<number> {
  const v = parse(args);
  if (!v.follow) throw usageError(`"events" streams events only with --follow; ${USAGE}.`);
  const client = await io.connect();
  const where = await listenAddress(v.listen, io.target);
  const stream = await followEvents(client, where);
  const stop = () => void stream.close();
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    await io.err(`Subscribed to ${stream.subscription.filter}; the device posts to ${stream.sink.url}. Ctrl-C stops.`);
    if (io.signal.aborted) stop();
    for await (const event of stream) await io.out(v.json ? JSON.stringify(event) : formatEvent(event));
  } finally {
    io.signal.removeEventListener('abort', stop);
    await stream.close();
  }
  return 0;
}

export function formatEvent(e: AmtEvent): string {
  return [e.time || new Date().toISOString(), e.severityLabel, e.messageId, e.text].join('  ');
}

async function listenAddress(listen: string | undefined, target: string): Promise<{ host: string; port?: number; advertiseHost?: string }> {
  if (listen !== undefined) {
    const m = /^(\[[^\]]+\]|[^:]+|[^\]]*:[^\]]*)?(?::(\d+))?$/.exec(listen.trim());
    const host = m?.[1]?.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = m?.[2] !== undefined ? Number(m[2]) : 0;
    if (!m || port > 65535) throw usageError(`--listen "${listen}" is not ADDRESS[:PORT]; write for example --listen 192.168.1.5:9000.`);
    return host === '0.0.0.0' || host === '::' ? { host, port, advertiseHost: await deviceFacing(target) } : { host, port };
  }
  const host = await deviceFacing(target);
  return { host };
}

/** Where the device can reach us: loopback for the simulator and local targets, else the routed address. */
async function deviceFacing(target: string): Promise<string> {
  if (!/^https?:\/\//i.test(target)) return '127.0.0.1';
  return sinkAddressFor(new URL(target).hostname);
}

function parse(args: readonly string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { follow: { type: 'boolean' }, listen: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length) throw new Error(`"events" takes no arguments, but "${positionals.join(' ')}" was given`);
    return values;
  } catch (err) {
    throw parseArgsError(err, USAGE);
  }
}
