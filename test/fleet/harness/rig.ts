/**
 * The fleet tier's usual world: the real MPS (mps.ts) and `count` simulated devices that dial it by
 * CIRA, each registered in MPS first (row + secrets, as RPS does at activation), all connected.
 * Devices get the tag `lab` (odd numbers) or `office` (even numbers).
 */
import { startCiraFleet, type CiraFleet } from '../../../server/src/sim/cira';
import { DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { startMps, type RunningMps } from './mps';

export const MPS_DEVICE_USER = 'admin';
export const MPS_DEVICE_PASSWORD = 'Cira-Pass-01';

export interface FleetRig {
  mps: RunningMps;
  fleet: CiraFleet;
  /** The endpoint every device dials (for devices added later). */
  endpoint: { host: string; port: number; user: string; password: string; ca: string; servername: string };
  close(): Promise<void>;
}

export function tagOf(i: number): string {
  return i % 2 === 1 ? 'lab' : 'office';
}

export async function startFleetRig(count: number, prefix = 'fleet-dev'): Promise<FleetRig> {
  const mps = await startMps();
  try {
    const endpoint = { host: '127.0.0.1', port: mps.ciraPort, user: MPS_DEVICE_USER, password: MPS_DEVICE_PASSWORD, ca: mps.rootCert, servername: 'localhost' };
    // A device MPS does not know yet is turned away and dials again after its back-off.
    const devices = await startCiraFleet({ count, endpoint, prefix, backoff: { initialMs: 200, maxMs: 2000 } });
    for (const [i, d] of devices.devices.entries()) {
      await mps.register({
        guid: d.guid, hostname: d.sim.device.identity.hostName, tags: [tagOf(i + 1)],
        mpsUser: MPS_DEVICE_USER, mpsPassword: MPS_DEVICE_PASSWORD, amtPassword: DEFAULT_ACCOUNT.password,
      });
    }
    await devices.whenConnected(60_000);
    return { mps, fleet: devices, endpoint, close: async () => { await devices.close(); await mps.stop(); } };
  } catch (err) {
    await mps.stop();
    throw err;
  }
}
