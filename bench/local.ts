/**
 * Local-access measures: the same simulated device reached two ways in the same run —
 * direct TCP (the simulator's port) and our APF session over the FUSE-emulated MEI device (the
 * `local` target's client). Reported as ratios of medians, APF over TCP:
 * 1. Get AMT_GeneralSettings round trip (keep-alive, Digest established).
 * 2. Pull throughput (MB/s) of one ~1.3 MB PullResponse (4,000 generated CIM_SoftwareIdentity).
 * Needs root and /dev/fuse; without them the measure says so and reports nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, DEFAULT_ACCOUNT } from '../server/src/sim';
import { LocalApf } from '../server/src/targets/local/apf';
import { localClient } from '../server/src/targets/local/clients';
import { WsmanClient, buildPull, tcpTransport } from '../server/src/wsman';
import { fmt, ratio, summarize, time, type Sample } from './stats';

const BULK_CLASS = 'CIM_SoftwareIdentity';

function missing(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (!fs.existsSync('/dev/fuse')) return 'needs /dev/fuse';
  if (process.getuid?.() !== 0) return 'needs root to mount the emulated MEI device';
  return undefined;
}

/** Times `iterations` Pulls of the whole class (each after an untimed Enumerate). */
async function pullTimes(client: WsmanClient, iterations: number): Promise<Sample> {
  const times: number[] = [];
  for (let i = 0; i < iterations + 2; i++) {
    const { context } = await client.enumerate(BULK_CLASS);
    const t0 = process.hrtime.bigint();
    await client.pull(BULK_CLASS, context!, { maxElements: 100_000 });
    if (i >= 2) times.push(Number(process.hrtime.bigint() - t0) / 1e6); // two warm-up rounds
  }
  return summarize(times);
}

const mbPerSecond = (bytes: number, s: Sample) => bytes / 1e6 / (s.median / 1000);

export async function localMeasures(): Promise<string[]> {
  const why = missing();
  if (why) return [`skipped: the APF-over-MEI path ${why}.`];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtwb-bench-'));
  const sim = await startSimulator({ port: 0, extraSoftwareIdentities: 4000, mei: { path: path.join(dir, 'mei0') } });
  const tcp = new WsmanClient({ transport: tcpTransport(sim.host, sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });
  const apf = new LocalApf({ meiPath: sim.mei!.path });
  const local = localClient(apf, { credentials: DEFAULT_ACCOUNT });
  const lines: string[] = [];
  try {
    const cls = 'AMT_GeneralSettings';
    const getTcp = await time(() => tcp.get(cls), 1000);
    const getApf = await time(() => local.get(cls), 1000);
    lines.push(`Get ${cls} over TCP: ${fmt(getTcp)}`);
    lines.push(`Get ${cls} over APF/MEI: ${fmt(getApf)}`);
    lines.push(`Get latency ratio (APF / TCP): ${ratio(getApf, getTcp)}`);

    const { context } = await tcp.enumerate(BULK_CLASS);
    const bytes = Buffer.byteLength((await tcp.sendRaw(buildPull(BULK_CLASS, context!, { maxElements: 100_000 }))).xml);
    const pullTcp = await pullTimes(tcp, 20);
    const pullApf = await pullTimes(local, 20);
    const [rateTcp, rateApf] = [mbPerSecond(bytes, pullTcp), mbPerSecond(bytes, pullApf)];
    lines.push(`Pull of ${(bytes / 1e6).toFixed(2)} MB over TCP: ${fmt(pullTcp)} → ${rateTcp.toFixed(1)} MB/s`);
    lines.push(`Pull of ${(bytes / 1e6).toFixed(2)} MB over APF/MEI: ${fmt(pullApf)} → ${rateApf.toFixed(1)} MB/s`);
    lines.push(`Pull throughput ratio (APF / TCP): ${(rateApf / rateTcp).toPrecision(3)}×`);
  } finally {
    tcp.close();
    local.close();
    await apf.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
