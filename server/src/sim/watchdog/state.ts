/**
 * The firmware side of the OS-health watchdog (Linux drivers/watchdog/mei_wdt.c): the timer the MEI watchdog
 * client arms with each start/heartbeat message and disarms with stop. It runs on the device
 * clock, so tests advance() past a timeout instead of sleeping.
 *
 * When heartbeats stop for longer than the timeout the firmware "sends an event when the
 * heartbeats stop" (docs/simulator.md "Agent presence and the OS watchdog"): exactly once per expiry it
 * - adds an AMT_MessageLog record: sensor type 0x20 (OS critical stop), offset 1 (run-time
 *   critical stop), entity 35 (operating system), severity critical — MeshCommander decodes sensor
 *   type 32 as "Operating system lockup or power interrupt";
 * - raises the WS-Eventing indication PLAT0322 ("Run-time critical stop on system %1s", the DMTF
 *   platform message for that sensor event) to every subscriber;
 * - emits `watchdog` {state: 'expired'} on the device;
 * - resets the host when IPS_WatchDogAction.HeciWatchDogExpirationAction is 1 (then iAMT0070).
 * A later heartbeat re-arms it; the next expiry is a new event.
 */
import type { SimDevice } from '../device';
import { POWER } from '../power-states';

export type OsWatchdogState = 'idle' | 'running' | 'expired';

export interface OsWatchdogChange {
  readonly state: OsWatchdogState;
  readonly timeoutSeconds: number;
  readonly expiries: number;
}

/** ASF/IPMI fields of the OS-hang record. */
export const OS_HANG_RECORD = { sensorType: 0x20, eventOffset: 1, severity: 0x10, entity: 35 } as const;
/** IPMI master bus reset, as the HECI watchdog expiration action "system reset" does it. */
const RESET = 10;

export class OsWatchdog {
  /** A heartbeat armed it and no stop has come since. */
  armed = false;
  /** Seconds, from the latest heartbeat. */
  timeoutSeconds = 120;
  /** Device-clock ms of the latest heartbeat. */
  lastHeartbeat: number | undefined;
  /** The timeout passed since the latest heartbeat (reported once, until the next heartbeat). */
  expired = false;
  expiries = 0;
  heartbeats = 0;

  constructor(private readonly device: SimDevice) {}

  get state(): OsWatchdogState {
    return this.expired ? 'expired' : this.armed ? 'running' : 'idle';
  }

  /** When the current timeout runs out (device clock), while armed and not yet expired. */
  deadline(): number | undefined {
    if (!this.armed || this.expired || this.lastHeartbeat === undefined) return undefined;
    return this.lastHeartbeat + this.timeoutSeconds * 1000;
  }

  /** A start/heartbeat message: (re)arms with this timeout from now. */
  heartbeat(timeoutSeconds: number): void {
    this.check(); // a heartbeat that comes too late still counts the expiry it missed
    const before = this.state;
    this.armed = true;
    this.expired = false;
    this.timeoutSeconds = timeoutSeconds;
    this.lastHeartbeat = this.device.now();
    this.heartbeats += 1;
    if (before !== 'running') this.changed();
    this.device.scheduleWake();
  }

  /** The stop message. */
  stop(): void {
    this.check();
    if (!this.armed) return;
    this.armed = false;
    this.expired = false;
    this.changed();
    this.device.scheduleWake();
  }

  /** Expires the timer if its deadline has passed on the device clock. */
  check(): void {
    const deadline = this.deadline();
    if (deadline !== undefined && this.device.now() >= deadline) this.expire();
  }

  private expire(): void {
    this.expired = true;
    this.expiries += 1;
    const d = this.device;
    d.addLogRecord({ ...OS_HANG_RECORD, eventData: [] });
    this.changed();
    d.eventing.raise({ messageId: 'PLAT0322', messageArguments: [d.identity.hostName], perceivedSeverity: 6, alertType: 5 });
    const action = d.instances('IPS_WatchDogAction')[0];
    if (Number(action?.HeciWatchDogExpirationAction) === 1 && d.powerState === POWER.On) {
      d.requestPowerStateChange(RESET);
      d.eventing.raise({ messageId: 'iAMT0070', messageArguments: [], perceivedSeverity: 6, alertType: 5 });
    }
  }

  private changed(): void {
    this.device.emit('watchdog', { state: this.state, timeoutSeconds: this.timeoutSeconds, expiries: this.expiries } satisfies OsWatchdogChange);
  }
}
