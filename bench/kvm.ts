/**
 * KVM measures against the simulator in this process (1024×768, the host's console on screen),
 * A and B alternating every iteration (stats.ts `compare`):
 * 1. Full-screen updates per second and bytes per full-screen update, per encoding (Intel RLE as
 *    stored tiles, Intel RLE deflated with zlib, raw), through the backend's RFB client (rfb.ts):
 *    each iteration asks for a non-incremental update of the whole screen and waits for all of it.
 * 2. Decode time per frame in the viewer's own engine (features/kvm/viewer.ts, the code the
 *    webview runs): the bytes of one whole session (log-on, handshake, one full update), recorded
 *    once from the simulator through the relay, replayed into a fresh engine — RLE vs raw.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { openKvm } from '../server/src/features/kvm/session';
import { listenRelay } from '../server/src/features/kvm/relay';
import { KvmViewerSession, type ViewerEncoding } from '../server/src/features/kvm/viewer';
import type { RfbClient } from '../server/src/features/kvm/rfb';
import { redirectionTarget } from '../server/src/targets/redirection';
import { TargetRegistry } from '../server/src/targets/registry';
import { compare, fmt, fmtRatio } from './stats';

/** Bytes read from `stream` during `fn`. */
async function counted(stream: NodeJS.ReadableStream, fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const on = (c: Buffer) => (n += c.length);
  stream.on('data', on);
  try {
    await fn();
  } finally {
    stream.off('data', on);
  }
  return n;
}

/** Records everything the device sends a viewer engine (through the relay) up to its first full frame. */
async function record(port: number, encoding: ViewerEncoding): Promise<Buffer> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  const engine = new KvmViewerSession((b) => socket.write(b), { encoding });
  socket.on('data', (c: Buffer) => (chunks.push(c), engine.push(new Uint8Array(c))));
  const framed = new Promise<void>((resolve) => (engine.onFrame = resolve));
  void engine.run().catch(() => undefined);
  await framed;
  socket.destroy();
  return Buffer.concat(chunks);
}

/** Replays a recorded session into a fresh engine: resolves once its frame is painted. */
async function replay(bytes: Buffer, encoding: ViewerEncoding): Promise<void> {
  const engine = new KvmViewerSession(() => undefined, { encoding });
  const framed = new Promise<void>((resolve) => (engine.onFrame = resolve));
  void engine.run().catch(() => undefined);
  engine.push(new Uint8Array(bytes));
  await framed;
}

/** A simulator of its own (AMT allows one KVM session per device), consent off. */
async function simulated(registries: TargetRegistry[]) {
  const registry = new TargetRegistry({ simulator: true });
  registries.push(registry);
  const sim = await registry.simulator('sim');
  sim.device.instances('IPS_OptInService')[0]!.OptInRequired = 0;
  return redirectionTarget(registry, 'sim');
}

export async function kvmMeasures(): Promise<string[]> {
  const registries: TargetRegistry[] = [];
  const target = await simulated(registries);
  const lines: string[] = [];
  const relay = await listenRelay(target);
  try {
    // 1. Full-screen updates per encoding, each on a simulator of its own so A and B can alternate.
    const open = async (mode: 'rle' | 'zlib' | 'raw') => {
      const { rfb } = await openKvm(await simulated(registries), mode === 'raw' ? { rle: false } : mode === 'zlib' ? { zlib: true } : {});
      await rfb.fullFrame();
      return rfb;
    };
    const clients = { rle: await open('rle'), zlib: await open('zlib'), raw: await open('raw') };
    const streamOf = (rfb: RfbClient) => (rfb as unknown as { stream: NodeJS.ReadableStream }).stream;
    for (const [name, rfb] of Object.entries(clients)) {
      const bytes = await counted(streamOf(rfb), () => rfb.fullFrame());
      lines.push(`bytes per full-screen update, ${name}: ${bytes.toLocaleString('en')} (${(bytes / 1024).toFixed(1)} KiB)`);
    }
    for (const [a, b] of [['rle', 'raw'], ['zlib', 'rle']] as const) {
      const c = await compare(() => clients[a].fullFrame(), () => clients[b].fullFrame(), { iterations: 20, rounds: 3, warmup: 2 });
      lines.push(`full-screen update ${a}: ${fmt(c.a)} = ${(1000 / c.a.median).toFixed(1)} fps; ${b}: ${fmt(c.b)} = ${(1000 / c.b.median).toFixed(1)} fps; ${a}/${b} time ${fmtRatio(c)}`);
    }
    await Promise.all(Object.values(clients).map((c) => c.close()));

    // 2. The viewer engine's decode time per frame.
    const rle = await record(relay.port, 'rle');
    const raw = await record(relay.port, 'raw');
    lines.push(`viewer session bytes to the first frame: rle ${rle.length.toLocaleString('en')}, raw ${raw.length.toLocaleString('en')}`);
    const d = await compare(() => replay(rle, 'rle'), () => replay(raw, 'raw'), { iterations: 20, rounds: 3, warmup: 3 });
    lines.push(`viewer engine decode per full frame: rle ${fmt(d.a)}; raw ${fmt(d.b)}; rle/raw ${fmtRatio(d)}`);
  } finally {
    await relay.close();
    await Promise.all(registries.map((r) => r.dispose()));
  }
  return lines;
}
