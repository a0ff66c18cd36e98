/**
 * 100 simulated devices (AMT_BENCH_MPS_DEVICES to change it) holding CIRA tunnels to Intel's real
 * MPS (test/fleet/harness: the source AMT_MPS_SOURCE names, PostgreSQL, the Vault stand-in):
 * 1. The power state of every device through MPS (REST, MPS speaks WS-Man over each tunnel; the
 *    product's bulk read, 16 at a time) vs the same simulators read directly over TCP with bare
 *    WsmanClients (same concurrency); A and B alternate (stats.ts `compare`).
 * 2. MPS memory per device: MPS's resident set with every tunnel up minus before any device
 *    dialled, over the devices (read from /proc/PID/status).
 * 3. Backend memory per device: heap after listing every device and reading every power state
 *    through a fresh FleetServers/MpsClient, minus the heap before, over the devices.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FleetServers, allDevices, bulkPowerState } from '../server/src/features/fleet';
import { getPowerState } from '../server/src/features/power';
import { DEFAULT_ACCOUNT } from '../server/src/sim';
import { startCiraFleet } from '../server/src/sim/cira';
import { WsmanClient, tcpTransport } from '../server/src/wsman';
import { startMps } from '../test/fleet/harness/mps';
import { compare, fmt, fmtRatio } from './stats';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function limited<T>(items: T[], n: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function fleetMpsMeasures(): Promise<string[]> {
  if (!process.env.AMT_MPS_SOURCE) {
    return ['not run: set AMT_MPS_SOURCE to the source of Intel\'s MPS (tag v2.25.3 or later) to measure devices behind it.'];
  }
  const count = Number(process.env.AMT_BENCH_MPS_DEVICES ?? 100);
  const lines: string[] = [];
  const mps = await startMps();
  const ciraSecret = 'Bench-Cira-01';
  const endpoint = { host: '127.0.0.1', port: mps.ciraPort, user: 'admin', password: ciraSecret, ca: mps.rootCert, servername: 'localhost' };
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const mpsBefore = rss(mps.process.pid!);
    const fleet = await startCiraFleet({ count, endpoint, prefix: 'bench-mps', backoff: { initialMs: 500, maxMs: 5000 } });
    try {
      for (const d of fleet.devices) {
        await mps.register({ guid: d.guid, hostname: d.sim.device.identity.hostName, mpsUser: 'admin', mpsPassword: ciraSecret, amtPassword: DEFAULT_ACCOUNT.password });
      }
      const t0 = performance.now();
      await fleet.whenConnected(300_000);
      lines.push(`${count} devices connected by CIRA within ${((performance.now() - t0) / 1000).toFixed(1)} s of registration`);

      const heapBefore = heapAfterGc();
      const servers = new FleetServers(60_000);
      servers.add(mps.webUrl, mps.admin.user);
      const client = await servers.connect(mps.webUrl, mps.admin.password);
      const rows = await allDevices(client);
      const guids = rows.map((r) => r.guid);
      const first = await bulkPowerState(client, guids, { concurrency: 16 });
      const failed = first.items.filter((i) => !i.ok).length;
      const heapAfter = heapAfterGc();
      lines.push(`first bulk read through MPS: ${first.items.length - failed} ok, ${failed} failed`);

      const bare = fleet.devices.map((d) => new WsmanClient({ transport: tcpTransport('127.0.0.1', d.sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password }));
      const viaMps = () => bulkPowerState(client, guids, { concurrency: 16 });
      const direct = () => limited(bare, 16, (c) => getPowerState(c));
      const c = await compare(viaMps, direct, { iterations: 4, rounds: 3, warmup: 1 });
      lines.push(`power state of all ${count}: through MPS ${fmt(c.a)}; directly ${fmt(c.b)}; MPS / direct ${fmtRatio(c)}`);
      lines.push(`per device through MPS: ${(c.a.median / count).toFixed(2)} ms at 16 in flight`);
      await Promise.all(bare.map((b) => b.close()));

      const mpsAfter = rss(mps.process.pid!);
      lines.push(`MPS resident memory: ${mb(mpsBefore)} before the devices, ${mb(mpsAfter)} with ${count} tunnels → ${kb((mpsAfter - mpsBefore) / count)} per device`);
      lines.push(`backend heap per device (device list + power state through MPS): ${kb((heapAfter - heapBefore) / count)}`);
    } finally {
      await fleet.close();
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}; MPS log: ${mps.log().trim().split('\n').slice(-8).join(' | ')}`, { cause: err });
  } finally {
    await mps.stop();
  }
  return lines;
}
