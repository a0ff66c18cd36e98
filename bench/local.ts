/**
 * Local-access measures: the same simulated device reached two ways in the same run — direct TCP
 * (the simulator's port) and our APF session over the FUSE-emulated MEI device (the `local`
 * target's client) — with A and B alternating every iteration (stats.ts `compare`):
 * 1. Get AMT_GeneralSettings round trip (keep-alive, Digest established): APF / TCP.
 * 2. Bulk: Enumerate + one Pull of all 4,000 generated CIM_SoftwareIdentity (~1.3 MB PullResponse),
 *    as MB/s of PullResponse bytes; APF's rate as a share of TCP's. The Enumerate (a ~1 KB round
 *    trip) is inside each timed iteration on both sides, since a Pull needs a fresh context.
 * The simulator runs in this process, as in the tests: its HTTP service and firmware share the
 * main thread with the client, which is the worst case for the local path.
 * Needs root and /dev/fuse; without them the measure says so and reports nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, DEFAULT_ACCOUNT } from '../server/src/sim';
import { LocalApf } from '../server/src/targets/local/apf';
import { localClient } from '../server/src/targets/local/clients';
import { WsmanClient, buildPull, tcpTransport } from '../server/src/wsman';
import { compare, fmt, fmtRatio, goal } from './stats';

const BULK_CLASS = 'CIM_SoftwareIdentity';
const BULK_INSTANCES = 4000;

function missing(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (!fs.existsSync('/dev/fuse')) return 'needs /dev/fuse';
  if (process.getuid?.() !== 0) return 'needs root to mount the emulated MEI device';
  return undefined;
}

/** Enumerate, then one Pull of the whole class. */
async function bulk(client: WsmanClient): Promise<void> {
  const { context } = await client.enumerate(BULK_CLASS);
  const { items } = await client.pull(BULK_CLASS, context!, { maxElements: 100_000 });
  if (items.length < BULK_INSTANCES) throw new Error(`the Pull returned ${items.length} instances, expected at least ${BULK_INSTANCES}`);
}

export async function localMeasures(): Promise<string[]> {
  const why = missing();
  if (why) return [`skipped: the APF-over-MEI path ${why}.`];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtwb-bench-'));
  const sim = await startSimulator({ port: 0, extraSoftwareIdentities: BULK_INSTANCES, mei: { path: path.join(dir, 'mei0') } });
  const tcp = new WsmanClient({ transport: tcpTransport(sim.host, sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });
  const apf = new LocalApf({ meiPath: sim.mei!.path });
  const local = localClient(apf, { credentials: DEFAULT_ACCOUNT });
  const lines: string[] = [];
  try {
    const cls = 'AMT_GeneralSettings';
    const get = await compare(() => local.get(cls), () => tcp.get(cls), { iterations: 200, rounds: 5 });
    lines.push(`Get ${cls} over APF/MEI: ${fmt(get.a)}`);
    lines.push(`Get ${cls} over TCP: ${fmt(get.b)}`);
    lines.push(goal('APF Get round trip vs TCP', fmtRatio(get), '≤ 1.5×', get.ratio <= 1.5));

    const { context } = await tcp.enumerate(BULK_CLASS);
    const bytes = Buffer.byteLength((await tcp.sendRaw(buildPull(BULK_CLASS, context!, { maxElements: 100_000 }))).xml);
    // Ratio of times APF / TCP; the throughput share is its inverse (same bytes on both sides).
    const pull = await compare(() => bulk(local), () => bulk(tcp), { iterations: 6, rounds: 3, warmup: 2 });
    const rate = (ms: number) => bytes / 1e6 / (ms / 1000);
    lines.push(`Enumerate + Pull of ${(bytes / 1e6).toFixed(2)} MB over APF/MEI: ${fmt(pull.a)} → ${rate(pull.a.median).toFixed(1)} MB/s`);
    lines.push(`Enumerate + Pull of ${(bytes / 1e6).toFixed(2)} MB over TCP: ${fmt(pull.b)} → ${rate(pull.b.median).toFixed(1)} MB/s`);
    const share = 1 / pull.ratio;
    const spread = `${(100 / pull.spread[1]).toFixed(0)}–${(100 / pull.spread[0]).toFixed(0)}% over ${pull.rounds} rounds`;
    lines.push(goal('APF bulk Pull MB/s as a share of TCP', `${(share * 100).toFixed(0)}% (${spread}; time ratio ${fmtRatio(pull)})`, '≥ 50%', share >= 0.5));
  } finally {
    tcp.close();
    local.close();
    await apf.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
