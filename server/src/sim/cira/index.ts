/**
 * CIRA for simulated devices: a device dials out to an MPS and serves WS-Man (16992) and
 * redirection (16994) over the tunnel's channels, exactly what it serves on its own ports.
 *
 * - `attachCira(sim)` follows the device's own configuration (AddMpServer and friends, config.ts);
 *   `attachCira(sim, { endpoint })` dials the given MPS instead (the command line's way).
 * - `startCiraFleet({ count, endpoint })` runs `count` devices in this process, each with its own
 *   name, GUID and state (`amtwb sim --fleet N --mps HOST:PORT`).
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../index';
import { CiraAgent, type CiraAgentOptions, type MpsEndpoint } from './agent';
import { followDeviceConfig } from './config';

export { CiraAgent, type CiraState, type MpsEndpoint } from './agent';
export { endpointFromDevice, mpsPasswords } from './config';

export interface AttachCiraOptions extends Pick<CiraAgentOptions, 'backoff' | 'forwardPorts' | 'onState'> {
  endpoint?: MpsEndpoint;
}

export interface CiraDevice {
  readonly sim: Simulator;
  readonly agent: CiraAgent;
  /** The GUID the device sends in PROTOCOLVERSION (its system UUID), as MPS lists it. */
  readonly guid: string;
  close(): Promise<void>;
}

export function attachCira(sim: Simulator, options: AttachCiraOptions = {}): CiraDevice {
  const agent = new CiraAgent({
    uuid: sim.device.identity.uuid,
    hostname: sim.device.identity.hostName,
    handleConnection: (stream, port) => sim.handleConnection(stream, port),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.forwardPorts ? { forwardPorts: options.forwardPorts } : {}),
    onState: (state, detail) => {
      const service = sim.device.instances('AMT_RemoteAccessService')[0];
      if (service) service.IsRemoteTunnelConnected = state === 'connected';
      options.onState?.(state, detail);
    },
  });
  const unfollow = options.endpoint ? () => {} : followDeviceConfig(sim.device, agent);
  if (options.endpoint) agent.configure(options.endpoint);
  return {
    sim,
    agent,
    guid: sim.device.identity.uuid,
    close: async () => {
      unfollow();
      await agent.close();
    },
  };
}

export interface CiraFleetOptions extends Omit<AttachCiraOptions, 'endpoint'> {
  count: number;
  endpoint: MpsEndpoint;
  /** Device names are `${prefix}-${i}` (1-based); a name fixes the GUID across runs. Default `cira-sim`. */
  prefix?: string;
  /** Options for every simulator (account, model, …); ports default to any free one. */
  simulator?: SimulatorOptions;
}

export interface CiraFleet {
  readonly devices: CiraDevice[];
  /** Resolves when every device has its tunnel up. */
  whenConnected(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCiraFleet(options: CiraFleetOptions): Promise<CiraFleet> {
  const devices: CiraDevice[] = [];
  const prefix = options.prefix ?? 'cira-sim';
  try {
    for (let i = 1; i <= options.count; i++) {
      const sim = await startSimulator({ port: 0, redirectionPort: 0, ...options.simulator, name: `${prefix}-${i}` });
      devices.push(attachCira(sim, { ...options, endpoint: options.endpoint }));
    }
  } catch (err) {
    await Promise.all(devices.map(async (d) => (await d.close(), await d.sim.close())));
    throw err;
  }
  return {
    devices,
    whenConnected: (timeoutMs) => Promise.all(devices.map((d) => d.agent.whenConnected(timeoutMs))).then(() => undefined),
    close: async () => {
      await Promise.all(devices.map(async (d) => {
        await d.close();
        await d.sim.close();
      }));
    },
  };
}
