/**
 * The simulated host behind the firmware. On every boot the device's power changes cause, it
 * records which boot source it used and what the one-time boot options asked for, clears those
 * options as AMT does, and runs the boot on its text console: the BIOS (bios.ts: POST, BIOSPause,
 * setup, boot devices), IDE-R boot and the installer (ider-boot.ts, installer.ts), then the OS
 * with its login and shell (os.ts, shell.ts). The console is the serial port SOL carries
 * (serial.ts, `serial`) and a text screen model (screen.ts, `serial.screen`).
 *
 * The one-time sequence consoles run (Intel AMT SDK "Set or Disable Boot Configuration Settings for
 * the Next Boot"; MeshCommander and Open AMT mps): ChangeBootOrder() to clear, Put
 * AMT_BootSettingData with the flags, CIM_BootService.SetBootConfigRole(Role 1 = IsNextSingleUse),
 * ChangeBootOrder(Source) to force a device, then a power-on or reset. The options apply only when
 * the role was set (CIM_ElementSettingData.IsNext = 3, "Is Next For Single Use", DMTF DSP1012); after
 * that boot the forced source is gone, IsNext is 2 ("Is Not Next"), the AMT_BootSettingData flags
 * are back to their defaults and OptionsCleared is true (the SDK's "next boot only").
 *
 * A boot is: power-on from off or hibernate (2), a reset (10, 14) or a power cycle (5, 9). Waking
 * from sleep (S3) resumes the OS and is no boot; an NMI (11) neither.
 *
 * State that is not instances lives in `state` (plain JSON: the forced source, a pending RSE
 * password, the boot history, the installed OS), so a state file can keep it.
 */
import type { PowerChange, SimDevice } from '../device';
import { POWER } from '../power-states';
import { bootParameters } from '../classes/boot-parameters';
import { sideState } from '../side-state';
import type { PropMap } from '../values';
import { biosPause, biosSetup, bootDisk, bootElsewhere, post, type BiosInfo } from './bios';
import { BOOT_SETTINGS, bootReason, sxState, takeOneTimeOptions } from './boot-options';
import { Aborted, HostConsole, type Run } from './console';
import { bootIder } from './ider-boot';
import type { IderAttachPoint, IderBus } from './links';
import { DEFAULT_OS, runOs, type OsContext } from './os';
import { SerialPort } from './serial';
import type { BootRecord, BootStep, HostState, SimHostOptions } from './types';

export type { BootMedium, BootRecord, BootStep, BootStepContext, HostState, SimHostOptions } from './types';

export const DEFAULT_HOST_ACCOUNT = { user: 'root', password: 'amt' } as const;

/** The URL of the OCR HTTPS boot the firmware ran for this boot (classes/boot-parameters.ts keeps it). */
function httpsBootUrlOf(d: SimDevice, record: BootRecord): string | undefined {
  const done = bootParameters(d).lastHttpsBoot;
  return done && done.at === record.at ? done.url : undefined;
}

const BOOT_REASON = 'IPS_HostBootReason';
/** Kept at most in `state.boots` (the oldest go first). */
const MAX_BOOT_RECORDS = 100;

export class SimHost implements IderAttachPoint {
  /** Plain JSON, a side object that `--state` keeps (side-state.ts). */
  readonly state: HostState;
  /** The host's serial console (links.ts HostSerial) and its screen model. */
  readonly serial: SerialPort;
  private readonly console: HostConsole;
  private readonly account: { user: string; password: string };
  private ider: { bus: IderBus; startMode: number } | undefined;
  /** Device-clock time the running OS booted (the simulator start, before any simulated boot). */
  private bootedAt: number;
  private readonly bootSteps: BootStep[] = [];

  constructor(
    private readonly device: SimDevice,
    options: SimHostOptions = {},
  ) {
    this.state = sideState<HostState>(device, 'host', () => ({ boots: [] }));
    this.account = { user: options.user ?? DEFAULT_HOST_ACCOUNT.user, password: options.password ?? DEFAULT_HOST_ACCOUNT.password };
    this.serial = new SerialPort(() => device.powerState === POWER.On);
    this.console = new HostConsole(this.serial, Math.max(0, options.lineDelayMs ?? 100));
    this.bootedAt = device.now();
    device.on('power', (change: PowerChange) => this.power(change));
    device.on('opt-in', ({ state, code }: { state: number; code?: string }) => {
      if (state === 2 && code) this.print(`\r\n*** Intel(R) AMT: user consent code ${code} - read it to the remote operator ***\r\n`);
    });
    // The OS is already running when the simulator starts (the device starts powered on): it sits
    // at its login prompt, having printed nothing anyone saw.
    const initial = this.console.begin();
    queueMicrotask(() => {
      if (initial.live) this.startRun(() => this.os(initial, false));
    });
    device.on('put', ({ className, instance, changed }: { className: string; instance: PropMap; changed: string[] }) => {
      if (className !== BOOT_SETTINGS || changed.length === 0) return;
      if (changed.includes('RSEPassword')) {
        this.state.pendingRsePassword = String(instance.RSEPassword ?? '');
        instance.RSEPassword = '';
      }
      instance.OptionsCleared = false;
    });
  }

  /** The most recent boot, if the host has booted since the simulator started. */
  get lastBoot(): BootRecord | undefined {
    return this.state.boots[this.state.boots.length - 1];
  }

  /** Writes text on the host's console (serial and screen) while it is powered; \n becomes \r\n. */
  print(text: string): void {
    this.serial.write(text);
  }

  /** Adds a step to every boot from now on (BootStep); returns a function that removes it. */
  addBootStep(step: BootStep): () => void {
    this.bootSteps.push(step);
    return () => {
      const at = this.bootSteps.indexOf(step);
      if (at >= 0) this.bootSteps.splice(at, 1);
    };
  }

  /** The OS on the disk: the installed label, or the simulator's own OS. */
  get osName(): string {
    return this.state.installed ?? DEFAULT_OS;
  }

  /**
   * A console enabled its IDE-R drives: the BIOS boots from this bus when a boot asks for IDE-R.
   * Every start mode (0x08 next boot, 0x10 graceful, 0x18 now) makes the drives available to
   * the next boot; the simulated OS does not mount them.
   */
  attachIder(bus: IderBus, startMode: number): void {
    this.ider = { bus, startMode };
  }

  detachIder(bus: IderBus): void {
    if (this.ider?.bus === bus) this.ider = undefined;
  }

  /** The IDE-R session lending the host its drives, if any. */
  get iderSession(): { readonly bus: IderBus; readonly startMode: number } | undefined {
    return this.ider?.bus.open ? this.ider : undefined;
  }

  /** Ends the running console program (the simulator is closing). */
  dispose(): void {
    this.console.end();
  }

  private power(change: PowerChange): void {
    const powered = change.state === POWER.On;
    const wasPowered = change.previous === POWER.On;
    // Off or hibernating ends what ran; a sleeping (S3) host resumes where it was.
    if (!powered && change.state !== POWER.SleepDeep) this.console.end();
    const cycled = powered && change.steps.some((s) => s !== POWER.On);
    if (cycled && wasPowered) this.serial.powerChanged(false);
    if (powered !== wasPowered || cycled) this.serial.powerChanged(powered);
    const reason = bootReason(change);
    if (reason) this.boot(reason, change.previous, change.origin);
  }

  private boot(reason: BootRecord['reason'], previous: number, initiator?: 'host'): void {
    const d = this.device;
    const next = takeOneTimeOptions(d, this.state);
    const record: BootRecord = {
      number: (this.lastBoot?.number ?? 0) + 1,
      at: d.now(),
      reason,
      ...(next.forcedSource ? { forcedSource: next.forcedSource } : {}),
      medium: next.medium,
      oneTime: next.oneTime,
      options: next.options,
      ...(initiator ? { initiator } : {}),
      path: [],
    };
    this.state.boots.push(record);
    if (this.state.boots.length > MAX_BOOT_RECORDS) this.state.boots.shift();
    const hostReason = d.instances(BOOT_REASON)[0];
    // Reason 2 Remote Control for AMT's power actions; 1 Other when the OS rebooted itself.
    if (hostReason) Object.assign(hostReason, { Reason: initiator ? 1 : 2, ReasonDetails: reason, PreviousSxState: sxState(previous) });
    // The BIOS reports its POST to the firmware's event log as PET "System Firmware Progress"
    // events (IPMI 2.0 table 42-3: sensor type 0Fh, offset 02h, event data 2 = the progress code),
    // from the BIOS entity (22h), as AMT_MessageLog shows after a remote power-on.
    for (const code of POST_PROGRESS) {
      d.addLogRecord({ sensorType: 0x0f, eventType: 0x6f, eventOffset: 2, entity: 0x22, eventData: [0xc2, code] });
    }
    // Listeners (the firmware's OCR and RPE, classes/boot-parameters.ts) may print at once: the
    // POST below follows their lines without clearing the screen.
    d.emit('host-boot', record);
    const run = this.console.begin();
    this.bootedAt = record.at;
    this.startRun(() => this.runBoot(run, record, { httpsUrl: next.httpsUrl ?? httpsBootUrlOf(d, record) }));
  }

  /** Runs a console program to its end; an Aborted run (next boot, power off) just stops. */
  private startRun(program: () => Promise<void>): void {
    program().catch((err: unknown) => {
      if (err instanceof Aborted) return;
      this.print(`\r\nhost: ${err instanceof Error ? err.message : String(err)}\r\n`);
    });
  }

  private async runBoot(run: Run, record: BootRecord, detail: { httpsUrl?: string }): Promise<void> {
    const path = record.path ?? [];
    const bios = this.biosInfo(record.options.UseSOL === true, path);
    await post(run, bios);
    // BIOSSetup, or F2 typed during POST (as the POST screen offers).
    const setup = record.medium === 'bios-setup' || run.pressed('f2');
    if (record.options.BIOSPause === true) await biosPause(run, bios);
    if (setup) await biosSetup(run, bios);
    for (const step of [...this.bootSteps]) {
      try {
        await step({ record, line: (text) => run.line(text), pause: (ms) => run.pause(ms) });
      } catch (err) {
        if (err instanceof Aborted) throw err;
        await run.line(`host: a boot step failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (record.medium === 'ider-cd' || record.medium === 'ider-floppy') {
      const installed = await bootIder(run, record.medium === 'ider-cd' ? 'cd' : 'floppy', this.ider?.bus, {
        path,
        device: this.device,
        install: (label) => {
          this.state.installed = label;
          this.state.installedAt = this.device.now();
          record.installed = label;
        },
      });
      if (installed) {
        // The installer ejected the medium and restarts the host into the new OS.
        await run.line('Installation finished; restarting the system.');
        this.device.requestPowerStateChange(POWER.MasterBusResetGraceful, 'host');
        return;
      }
    } else await bootElsewhere(run, record.medium, bios, { httpsUrl: detail.httpsUrl, source: record.forcedSource });
    await bootDisk(run, bios);
    path.push('os');
    await this.os(run, true);
  }

  private os(run: Run, banner: boolean): Promise<void> {
    const d = this.device;
    const ctx: OsContext = {
      hostname: this.hostname(),
      osName: this.osName,
      user: this.account.user,
      password: this.account.password,
      bootedAt: this.bootedAt,
      ...(this.state.installed ? { installLog: `Installed ${this.state.installed} from IDE-R CD on ${new Date(this.state.installedAt ?? 0).toUTCString()}` } : {}),
      now: () => d.now(),
      reboot: () => d.requestPowerStateChange(POWER.MasterBusResetGraceful, 'host'),
      shutdown: () => d.requestPowerStateChange(POWER.OffSoftGraceful, 'host'),
    };
    return runOs(run, ctx, banner);
  }

  private hostname(): string {
    const name = this.device.instances('AMT_GeneralSettings')[0]?.HostName;
    return typeof name === 'string' && name !== '' ? name : this.device.identity.hostName || 'simhost';
  }

  private biosInfo(redirect: boolean, path: string[]): BiosInfo {
    const d = this.device;
    const bios = d.instances('CIM_BIOSElement')[0] ?? {};
    const memory = d.instances('CIM_PhysicalMemory').reduce((sum, m) => sum + Number(m.Capacity ?? 0), 0);
    return {
      vendor: String(bios.Manufacturer ?? 'Simulated Systems Inc.'),
      version: String(bios.Version ?? 'SIM.0001'),
      memoryMb: Math.round(memory / 2 ** 20) || 8192,
      amtVersion: d.identity.firmwareVersion,
      uuid: d.identity.uuid,
      redirect,
      path,
    };
  }
}

/** Memory initialization, video initialization, starting the operating system boot process. */
const POST_PROGRESS = [0x01, 0x09, 0x13] as const;
