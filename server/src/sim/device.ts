/**
 * SimDevice: the whole state of one simulated AMT device in one object — identity, clock, power,
 * the instance store every class is served from, the message log, accounts and counters. The
 * WS-Man service, the HTTP front and later features (watchdog, events, MEI) all read and change
 * this object, and it emits events so they can observe one another:
 *
 * - `parse`  {bytes}                               before a request body is XML-parsed (bytes = its length
 *                                                   in UTF-16 units); bodies refused by size or Digest never are
 * - `request` {action?, resourceUri?}               when a WS-Man request was read, before it is applied
 * - `power`  {previous, requested, state, steps, origin?}  after RequestPowerStateChange (or the host OS, origin 'host') changed the state
 * - `put`    {className, instance, changed}        after a Put changed an instance
 * - `log`    {record}                              after a message-log record was added
 * - `login-failed` {user, address?}                after a Digest response with a wrong password
 * - `commit`                                      after AMT_SetupAndConfigurationService.CommitChanges succeeded
 * - `opt-in` {state, code?}                        after a user-consent step (IPS_OptInService)
 * - `fault`  {fault, why}                          after a request was answered with a fault
 * - `clock`  {now}                                 after advance() moved the clock
 * - `watchdog` {state, timeoutSeconds, expiries}    the OS-health watchdog armed, stopped or expired
 * - `agent-presence` {deviceId, previous, state}   an agent-presence watchdog changed state
 * - `alert`  {indication, subscribers}             an event was raised (WS-Eventing indication)
 * - `subscription` {change, id}                    a subscription was made, renewed, ended or expired
 * - `event-delivery` {id, messageId, ok, error?}   one push to a subscriber finished
 * - `redirection-feature` {kind, enabled}           KVM was switched on or off (CIM_KVMRedirectionSAP.RequestStateChange)
 *
 * Time: the device clock is wall time (scaled by `setTimeScale`, for demos) plus what advance()
 * added. Firmware timers (watchdogs, subscription expiry) are checked in refresh(), which runs on
 * every request, after advance(), and from one real timer armed for the earliest deadline.
 */
import { EventEmitter } from 'node:events';
import { AccountTable } from './accounts/acl';
import { AgentPresence } from './agent-presence';
import { allClasses, classByName } from './classes/registry';
import { EventSubscriptions } from './eventing/subscriptions';
import { SimHost } from './host/host';
import { watchBootParameters } from './classes/boot-parameters';
import { makeIdentity, type DeviceIdentity } from './identity';
import { bootRecords, RECORD_DEFAULTS, type LogRecord } from './message-log';
import { applyModel, resolveModel, type DeviceModel, type ModelOptions } from './models';
import { availableRequestedPowerStates, planPowerChange, POWER } from './power-states';
import type { PropMap } from './values';
import { OsWatchdog } from './watchdog/state';
import { watchWriteOnly } from './write-only';

export interface SimDeviceOptions extends ModelOptions {
  name?: string;
  uuid?: string;
  user?: string;
  password?: string;
  firmwareVersion?: string;
  firmwareBuild?: string;
  /** Enumeration contexts unused for this long (device-clock time) become invalid. Default 60000. */
  enumerationContextTtlMs?: number;
  /**
   * Adds this many generated component entries to CIM_SoftwareIdentity, so an enumeration can be
   * made as large as a test or benchmark needs (bulk transfer over APF windows). Default 0.
   */
  extraSoftwareIdentities?: number;
  /** The simulated host OS's login (host/host.ts); default root / amt. */
  hostUser?: string;
  hostPassword?: string;
  /** Real-time ms between paced host console lines (POST, boot messages); default 100. */
  hostLineDelayMs?: number;
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
  /** Event subscriptions kept at most (AMT 6.0+ allows 9, Intel AMT SDK); more get QuotaLimit. */
  maxSubscriptions: number;
}

/** The IdentifyResponse fields (no real IdentifyResponse is published, so they are configurable; docs/simulator.md "Identify"). */
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
  /** 'host' when the host's OS asked (reboot, shutdown), not a RequestPowerStateChange. */
  readonly origin?: 'host';
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
  /** The ACL: the admin account given at construction plus user entries (accounts/acl.ts). */
  readonly accounts: AccountTable;
  /** Generated CIM_SoftwareIdentity entries beyond the real ones (SimDeviceOptions). */
  readonly extraSoftwareIdentities: number;
  /** Digest responses that named a known nonce format but a wrong user or password. */
  failedLogins = 0;
  /** User-consent state kept beside IPS_OptInService (the code is what the host screen shows). */
  readonly optIn: { code?: string; expiresAt?: number } = {};
  /** AMT's real-time clock minus the device clock, changed by SetHighAccuracyTimeSynch. */
  rtcOffsetMs = 0;
  /** The firmware's OS-health watchdog (the MEI watchdog client's timer; Linux drivers/watchdog/mei_wdt.c). */
  readonly watchdog: OsWatchdog;
  /** WS-Eventing subscriptions and the push delivery of indications (DMTF DSP0226 eventing; docs/simulator.md "Events and logs"). */
  readonly eventing: EventSubscriptions;
  /** Agent-presence watchdog timers and their actions (Intel AMT SDK agent-watchdog pages). */
  readonly agentPresence: AgentPresence;
  /** Hardware kind and firmware family, and what they change in what is served (models.ts). */
  readonly model: DeviceModel;
  /** The simulated host behind the firmware: which boot source each power-on used (host/host.ts). */
  readonly host: SimHost;

  private clockOffsetMs = 0;
  /** Device-clock ms per wall-clock ms, and the instants (wall, device) it applies from. */
  private timeScale = 1;
  private scaleBase = { wall: Date.now(), device: Date.now() };
  private wake: { at: number; timer: NodeJS.Timeout } | undefined;
  private disposed = false;
  private messageCounter = 0;
  private enumerationCounter = 0;
  private readonly store = new Map<string, PropMap[]>();
  private readonly records: LogRecord[];

  constructor(options: SimDeviceOptions = {}) {
    super();
    this.model = resolveModel(options);
    this.identity = makeIdentity({
      ...options,
      firmwareVersion: options.firmwareVersion ?? this.model.firmwareVersion,
      firmwareBuild: options.firmwareBuild ?? this.model.firmwareBuild,
    });
    this.settings = {
      enumerationContextTtlMs: options.enumerationContextTtlMs ?? 60_000,
      nonceLifetimeMs: 5 * 60_000,
      digestQop: 'auth',
      identifyRequiresAuth: false,
      maxEnumerationContexts: 64,
      maxSubscriptions: 9,
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
    this.watchdog = new OsWatchdog(this);
    this.eventing = new EventSubscriptions(this);
    this.agentPresence = new AgentPresence(this);
    this.accounts = new AccountTable(this.identity.realm, options.user ?? 'admin', options.password ?? 'P@ssw0rd');
    this.extraSoftwareIdentities = Math.max(0, Math.floor(options.extraSoftwareIdentities ?? 0));
    this.records = bootRecords(Math.floor(this.now() / 1000));
    for (const def of allClasses()) {
      if (def.initial) this.store.set(def.name, def.initial(this));
    }
    applyModel(this);
    this.host = new SimHost(this, { user: options.hostUser, password: options.hostPassword, lineDelayMs: options.hostLineDelayMs });
    watchBootParameters(this);
    watchWriteOnly(this);
    this.setPowerState(POWER.On);
    this.syncLogCount();
  }

  // ---- clock ---------------------------------------------------------------------------------

  /** Device-clock time in ms since the Unix epoch: (scaled) wall time plus everything advance() added. */
  now(): number {
    return this.scaleBase.device + (Date.now() - this.scaleBase.wall) * this.timeScale + this.clockOffsetMs;
  }

  /** Moves the device clock forward, so expiry (contexts, nonces, opt-in codes, watchdogs) needs no sleeping. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('The device clock only moves forward.');
    this.clockOffsetMs += ms;
    this.refresh();
    this.emit('clock', { now: this.now() });
  }

  /**
   * Lets the device clock run `scale` times faster than the wall clock from now on (demos: a 120 s
   * watchdog expires in 2 s at 60×). Everything on the device clock speeds up alike (nonces,
   * enumeration contexts, the RTC), as a fast firmware clock would.
   */
  setTimeScale(scale: number): void {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`A time scale must be a positive number, not ${scale}.`);
    const device = this.now() - this.clockOffsetMs;
    this.scaleBase = { wall: Date.now(), device };
    this.timeScale = scale;
    this.scheduleWake();
  }

  get clockScale(): number {
    return this.timeScale;
  }

  /** Runs the time-driven housekeeping: every class (e.g. an opt-in code lapsing) and the firmware timers. */
  refresh(): void {
    for (const def of allClasses()) def.refresh?.(this);
    this.watchdog.check();
    this.agentPresence.check();
    this.eventing.expire();
    this.scheduleWake();
  }

  /**
   * Arms one real timer for the earliest firmware deadline, so timers expire without requests or
   * advance() calls (a hung OS sends nothing). Unref'd: it never keeps a process alive by itself.
   */
  scheduleWake(): void {
    const deadlines = [this.watchdog.deadline(), this.agentPresence.nextDeadline(), this.eventing.nextDeadline()];
    const at = Math.min(...deadlines.filter((d): d is number => d !== undefined));
    if (this.wake?.at === at) return;
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = undefined;
    if (!Number.isFinite(at) || this.disposed) return;
    // Wall-clock delay until the device clock reaches `at`; +1 so the check sees it as reached.
    const delay = Math.min(Math.max(0, (at - this.now()) / this.timeScale) + 1, 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.wake = undefined;
      this.refresh();
    }, delay);
    timer.unref();
    this.wake = { at, timer };
  }

  /** Stops the firmware timers and any pending event deliveries' retries (the simulator is closing). */
  dispose(): void {
    this.disposed = true;
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = undefined;
    this.eventing.dispose();
    this.host.dispose();
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

  /** Every class name the instance store holds (for `amtwb sim --state`, state-file.ts). */
  storedClasses(): string[] {
    return [...this.store.keys()];
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

  /** Applies a RequestPowerStateChange (or, with origin 'host', the host OS's own reboot or power-off); returns the CIM ReturnValue. */
  requestPowerStateChange(requested: number, origin?: 'host'): number {
    const previous = this.powerState;
    const plan = planPowerChange(previous, requested);
    if (plan.returnValue !== 0) return plan.returnValue;
    const state = plan.steps[plan.steps.length - 1];
    this.setPowerState(state);
    this.emit('power', { previous, requested, state, steps: plan.steps, ...(origin ? { origin } : {}) } satisfies PowerChange);
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

  get adminUser(): string {
    return this.accounts.adminUser;
  }

  recordFailedLogin(user: string, address?: string): void {
    this.failedLogins += 1;
    this.emit('login-failed', { user, address });
  }
}
