/**
 * 1,000 devices: 1,000 simulators in this process (each its own SimDevice on its own loopback
 * port), added to one TargetRegistry as remote devices, as the backend holds them.
 * 1. A poll of every device's power state (what the Power view asks, all devices at once) through
 *    the registry — connect with the password the client sends, the outcome callback, state
 *    changes announced — vs the same reads on bare WsmanClients built once per device; A and B
 *    alternate every iteration (stats.ts `compare`).
 * 2. Notification JSON per poll: what `amt/targets/changed` carries for a cold poll (every device
 *    connects) and a warm one, beside what the whole list per change would have been.
 * 3. Backend memory per connected device: heap after connecting and polling every device through
 *    a fresh registry, minus the heap before it (the simulators already run), over the devices.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { getPowerState } from '../server/src/features/power';
import type { TargetChange, TargetInfo } from '../server/src/protocol';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../server/src/sim';
import { TargetRegistry } from '../server/src/targets/registry';
import { WsmanClient, tcpTransport } from '../server/src/wsman';
import { compare, fmt, fmtRatio, goal } from './stats';

const DEVICES = 1000;
const CREDENTIALS = { user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password };

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A registry with every simulator added as a remote device; `changes` receives its notifications as JSON. */
function fleetRegistry(sims: Simulator[], onChange?: (change: TargetChange) => void): { registry: TargetRegistry; ids: string[] } {
  const registry = new TargetRegistry({ simulator: false, timeoutMs: 60_000, ...(onChange ? { onChange } : {}) });
  const ids = sims.map((s, i) => registry.add({ kind: 'remote', url: `http://127.0.0.1:${s.port}`, user: CREDENTIALS.user, label: `device ${i + 1}` }).id);
  return { registry, ids };
}

const pollRegistry = (registry: TargetRegistry, ids: string[]) =>
  Promise.all(ids.map(async (id) => getPowerState(await registry.connect(id, CREDENTIALS))));

const pollBare = (clients: WsmanClient[]) => Promise.all(clients.map((c) => getPowerState(c)));

export async function fleetMeasures(): Promise<string[]> {
  const lines: string[] = [];
  const sims: Simulator[] = [];
  const bare: WsmanClient[] = [];
  const registries: TargetRegistry[] = [];
  try {
    for (let i = 0; i < DEVICES; i++) sims.push(await startSimulator({ port: 0 }));

    // 3. Memory first, on a registry nothing else has touched.
    const before = heapAfterGc();
    const mem = fleetRegistry(sims);
    registries.push(mem.registry);
    await pollRegistry(mem.registry, mem.ids);
    const perDevice = (heapAfterGc() - before) / DEVICES;
    lines.push(goal(`backend memory per connected device (${DEVICES} devices, heap after GC)`, `${(perDevice / 1024).toFixed(1)} KiB`, '≤ 64 KiB', perDevice <= 64 * 1024));
    await mem.registry.dispose();
    registries.pop();

    // 2. Notification bytes of a cold and a warm poll.
    let bytes = 0;
    let wholeList = 0;
    let count = 0;
    let list: () => TargetInfo[] = () => [];
    const noted = fleetRegistry(sims, (change) => {
      bytes += JSON.stringify(change).length;
      wholeList += JSON.stringify(list()).length;
      count++;
    });
    registries.push(noted.registry);
    list = () => noted.registry.list();
    await pollRegistry(noted.registry, noted.ids);
    lines.push(
      `adding ${DEVICES} devices and one cold poll: ${count} target changes, ${(bytes / 1e3).toFixed(1)} kB of notification JSON ` +
        `(the whole list per change would be ${(wholeList / 1e6).toFixed(1)} MB)`,
    );
    const cold = bytes;
    bytes = 0;
    count = 0;
    await pollRegistry(noted.registry, noted.ids);
    lines.push(`warm poll of ${DEVICES} devices: ${count} target changes, ${bytes} bytes of notification JSON`);
    lines.push(goal('notification JSON for adding and one cold poll', `${(cold / 1e3).toFixed(1)} kB`, `one target per change (≤ 1 kB per device)`, cold <= DEVICES * 1024));

    // 1. Registry vs bare, alternating.
    for (const s of sims) bare.push(new WsmanClient({ transport: tcpTransport(s.host, s.port), user: CREDENTIALS.user, password: CREDENTIALS.password, timeoutMs: 60_000 }));
    await pollBare(bare);
    const c = await compare(() => pollRegistry(noted.registry, noted.ids), () => pollBare(bare), { iterations: 6, rounds: 3, warmup: 1 });
    lines.push(`poll of ${DEVICES} devices through the registry: ${fmt(c.a)}`);
    lines.push(`poll of ${DEVICES} devices on bare clients: ${fmt(c.b)}`);
    lines.push(goal(`${DEVICES} devices polled through the registry vs bare`, fmtRatio(c), '≤ 1.2×', c.ratio <= 1.2));
  } finally {
    for (const c of bare) c.close();
    await Promise.all(registries.map((r) => r.dispose()));
    await Promise.all(sims.map((s) => s.close()));
  }
  return lines;
}
