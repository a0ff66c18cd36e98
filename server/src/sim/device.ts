/**
 * SimDevice: the whole state of one simulated AMT device in one object — identity, clock, power,
 * the instance store every class is served from, the message log, accounts and counters. The
 * WS-Man service, the HTTP front and later features (watchdog, events, MEI) all read and change
 * this object, and it emits events so they can observe one another:
 *
 * - `power`  {previous, requested, state, steps}   after RequestPowerStateChange changed the state
 * - `put`    {className, instance, changed}        after a Put changed an instance
 * - `log`    {record}                              after a message-log record was added
 * - `login-failed` {user}                          after a Digest response with a wrong password
 * - `opt-in` {state, code?}                        after a user-consent step (IPS_OptInService)
 * - `fault`  {fault, why}                          after a request was answered with a fault
 * - `clock`  {now}                                 after advance() moved the clock
 */
import { EventEmitter } from 'node:events';
import { allClasses, classByName } from './classes/registry';
import { makeIdentity, type DeviceIdentity } from './identity';
import { bootRecords, RECORD_DEFAULTS, type LogRecord } from './message-log';
import { availableRequestedPowerStates, planPowerChange, POWER } from './power-states';
import type { PropMap } from './values';

export interface SimDeviceOptions {
  name?: string;
  uuid?: string;
  user?: string;
  password?: string;
  firmwareVersion?: string;
  firmwareBuild?: string;
  /** Enumeration contexts unused for this long (device-clock time) become invalid. Default 60000. */
  enumerationContextTtlMs?: number;
}

/** Knobs tests and users may turn on a live device. */
export interface DeviceSettings {
  enumerationContextTtlMs: number;
  /** Digest nonces older than this (device-clock time) are answered with stale="true". */
  nonceLifetimeMs: number;
  /** The qop list in the 401 challenge: `auth` (most firmware) or `auth-int, auth` (AMT 16.1). */
  digestQop: 'auth' | 'auth-int, auth';
  /** Identify is answered without Digest unless this is set (see README: a choice, not a fact). */
  identifyRequiresAuth: boolean;
  /** Open enumeration contexts kept at most; the least recently used one is dropped beyond it. */
  maxEnumerationContexts: number;
}

/** The IdentifyResponse fields (spec §1.6 leaves them open, so they are configurable). */
export interface IdentifyFields {
  ProtocolVersion: string;
  ProductVendor: string;
  ProductVersion: string;
  DASHVersion: string;
  SecurityProfiles: string[];
}

export interface PowerChange {
  readonly previous: number;
  readonly requested: number;
  readonly state: number;
  readonly steps: readonly number[];
}

export interface ServedInstance {
  readonly className: string;
  readonly props: PropMap;
}

const POWER_ASSOC = 'CIM_AssociatedPowerManagementService';
const MESSAGE_LOG = 'AMT_MessageLog';

export class SimDevice extends EventEmitter {
  readonly identity: DeviceIdentity;
  readonly settings: DeviceSettings;
  readonly identify: IdentifyFields;
  /** Digest accounts: user name → password. The admin account is the one given at construction. */
  readonly accounts = new Map<string, string>();
  readonly adminUser: string;
  /** Digest responses that named a known nonce format but a wrong user or password. */
  failedLogins = 0;
  /** User-consent state kept beside IPS_OptInService (the code is what the host screen shows). */
  readonly optIn: { code?: string; expiresAt?: number } = {};
  /** AMT's real-time clock minus the device clock, changed by SetHighAccuracyTimeSynch. */
  rtcOffsetMs = 0;

  private clockOffsetMs = 0;
  private messageCounter = 0;
  private enumerationCounter = 0;
  private readonly store = new Map<string, PropMap[]>();
  private readonly records: LogRecord[];

  constructor(options: SimDeviceOptions = {}) {
    super();
    this.identity = makeIdentity(options);
    this.settings = {
      enumerationContextTtlMs: options.enumerationContextTtlMs ?? 60_000,
      nonceLifetimeMs: 5 * 60_000,
      digestQop: 'auth',
      identifyRequiresAuth: false,
      maxEnumerationContexts: 64,
    };
    const major = this.identity.firmwareVersion.split('.').slice(0, 2).join('.');
    this.identify = {
      ProtocolVersion: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
      ProductVendor: 'Intel Corporation',
      ProductVersion: `AMT ${major}`,
      DASHVersion: '1.0.0',
      SecurityProfiles: [
        'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/digest',
        'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/digest',
      ],
    };
    this.adminUser = options.user ?? 'admin';
    this.accounts.set(this.adminUser, options.password ?? 'P@ssw0rd');
    this.records = bootRecords(Math.floor(this.now() / 1000));
    for (const def of allClasses()) {
      if (def.initial) this.store.set(def.name, def.initial(this));
    }
    this.setPowerState(POWER.On);
    this.syncLogCount();
  }

  // ---- clock ---------------------------------------------------------------------------------

  /** Device-clock time in ms since the Unix epoch: wall time plus everything advance() added. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the device clock forward, so expiry (contexts, nonces, opt-in codes) needs no sleeping. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('The device clock only moves forward.');
    this.clockOffsetMs += ms;
    this.refresh();
    this.emit('clock', { now: this.now() });
  }

  /** Runs the time-driven housekeeping of every class (e.g. an opt-in code lapsing). */
  refresh(): void {
    for (const def of allClasses()) def.refresh?.(this);
  }

  /** AMT's own real-time clock in Unix seconds (what GetLowAccuracyTimeSynch reports). */
  rtcSeconds(): number {
    return Math.floor((this.now() + this.rtcOffsetMs) / 1000);
  }

  // ---- counters ------------------------------------------------------------------------------

  /** `uuid:00000000-8086-8086-8086-` + a 12-hex-digit counter, as real AMT numbers its replies. */
  nextMessageId(): string {
    this.messageCounter += 1;
    return `uuid:00000000-8086-8086-8086-${this.messageCounter.toString(16).toUpperCase().padStart(12, '0')}`;
  }

  /** A GUID-shaped context whose first 4 bytes are a little-endian counter (e.g. `E2020000-…`). */
  nextEnumerationContextId(): string {
    this.enumerationCounter = (this.enumerationCounter + 1) >>> 0;
    const le = Buffer.alloc(4);
    le.writeUInt32LE(this.enumerationCounter);
    return `${le.toString('hex').toUpperCase()}-0000-0000-0000-000000000000`;
  }

  // ---- instance store ------------------------------------------------------------------------

  /** The live instances of exactly this class (changes persist). */
  instances(className: string): PropMap[] {
    let list = this.store.get(className);
    if (!list) {
      list = [];
      this.store.set(className, list);
    }
    return list;
  }

  /** The single instance of a singleton class. */
  singleton(className: string): PropMap {
    const list = this.instances(className);
    if (list.length !== 1) throw new Error(`${className} has ${list.length} instances, not one.`);
    return list[0];
  }

  /** What a Get or Enumerate of this class sees, including classes it serves (associations). */
  served(className: string): ServedInstance[] {
    const def = classByName(className);
    const names = def?.serves ?? [className];
    return names.flatMap((n) => this.instances(n).map((props) => ({ className: n, props })));
  }

  /** Called by the WS-Man service after a Put changed an instance. */
  notePut(className: string, instance: PropMap, changed: readonly string[]): void {
    this.emit('put', { className, instance, changed });
  }

  // ---- power ---------------------------------------------------------------------------------

  /** Current host power state (CIM_AssociatedPowerManagementService.PowerState). */
  get powerState(): number {
    return Number(this.singleton(POWER_ASSOC).PowerState);
  }

  /** Applies a RequestPowerStateChange; returns the CIM ReturnValue. */
  requestPowerStateChange(requested: number): number {
    const previous = this.powerState;
    const plan = planPowerChange(previous, requested);
    if (plan.returnValue !== 0) return plan.returnValue;
    const state = plan.steps[plan.steps.length - 1];
    this.setPowerState(state);
    this.emit('power', { previous, requested, state, steps: plan.steps } satisfies PowerChange);
    return 0;
  }

  private setPowerState(state: number): void {
    const assoc = this.singleton(POWER_ASSOC);
    assoc.PowerState = state;
    assoc.AvailableRequestedPowerStates = availableRequestedPowerStates(state);
    // The host CIM_ComputerSystem mirrors it: 2 Enabled while running, 3 Disabled otherwise.
    const host = this.instances('CIM_ComputerSystem').find((c) => c.Name === 'ManagedSystem');
    if (host) host.EnabledState = state === POWER.On ? 2 : 3;
  }

  // ---- message log ---------------------------------------------------------------------------

  logRecords(): readonly LogRecord[] {
    return this.records;
  }

  /**
   * Appends a record (oldest first); fields left out get ASF sensor-event defaults. A frozen log
   * (AMT_MessageLog.FreezeLog) keeps nothing new and returns undefined.
   */
  addLogRecord(record: Partial<LogRecord> & Pick<LogRecord, 'sensorType'>): LogRecord | undefined {
    if (this.singleton(MESSAGE_LOG).IsFrozen === true) return undefined;
    const full: LogRecord = {
      ...RECORD_DEFAULTS,
      timestamp: this.rtcSeconds(),
      eventData: [],
      ...record,
    };
    const max = Number(this.singleton(MESSAGE_LOG).MaxNumberOfRecords ?? 390);
    this.records.push(full);
    if (this.records.length > max) this.records.splice(0, this.records.length - max); // OverwritePolicy 2: wrap
    this.syncLogCount();
    this.emit('log', { record: full });
    return full;
  }

  clearLog(): void {
    this.records.length = 0;
    this.syncLogCount();
  }

  private syncLogCount(): void {
    const log = this.instances(MESSAGE_LOG)[0];
    if (log) log.CurrentNumberOfRecords = this.records.length;
  }

  // ---- accounts ------------------------------------------------------------------------------

  recordFailedLogin(user: string): void {
    this.failedLogins += 1;
    this.emit('login-failed', { user });
  }
}
