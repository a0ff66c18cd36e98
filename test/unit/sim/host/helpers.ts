/** Test helpers for the simulated host: a console reader that waits for text, and one-time boots. */
import { SimDevice, type SimDeviceOptions } from '../../../../server/src/sim/device';
import { POWER } from '../../../../server/src/sim/power-states';
import type { PropValue } from '../../../../server/src/sim/values';

/** A generous bound for text to appear (the host paces nothing in tests: lineDelayMs 0). */
const BOUND_MS = 10_000;

/** Reads what the host prints on its serial port; `expect` waits for text after what it consumed. */
export class ConsoleReader {
  output = '';
  private consumed = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly device: SimDevice) {
    device.host.serial.on('output', (b: Buffer) => {
      this.output += b.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the text up to and including `text` once it appeared after the last match. */
  async expect(text: string): Promise<string> {
    const deadline = Date.now() + BOUND_MS;
    for (;;) {
      const at = this.output.indexOf(text, this.consumed);
      if (at >= 0) {
        const seen = this.output.slice(this.consumed, at + text.length);
        this.consumed = at + text.length;
        return seen;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`The host console never printed ${JSON.stringify(text)}; after the last match it printed: ${JSON.stringify(this.output.slice(this.consumed))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** What was printed after the last match (so far). */
  get rest(): string {
    return this.output.slice(this.consumed);
  }

  type(text: string): void {
    this.device.host.serial.input(Buffer.from(text, 'latin1'));
  }

  /** Logs in with the given account and waits for the shell prompt. */
  async login(user = 'root', password = 'amt'): Promise<void> {
    this.type('\r');
    await this.expect('login: ');
    this.type(`${user}\r`);
    await this.expect('Password: ');
    this.type(`${password}\r`);
    await this.expect(`${user}@`);
    await this.expect(user === 'root' ? ':~# ' : ':~$ ');
  }

  /** Tries to log in with an account the host must refuse, and waits for "Login incorrect". */
  async refusedLogin(user: string, password: string, prompt = 'login: '): Promise<void> {
    this.type('\r');
    await this.expect(prompt);
    this.type(`${user}\r`);
    await this.expect('Password: ');
    this.type(`${password}\r`);
    await this.expect('Login incorrect');
  }

  /** Runs a shell command and returns what it printed before the next prompt. */
  async run(command: string, prompt = 'root@'): Promise<string> {
    this.type(`${command}\r`);
    await this.expect(`${command}\r\n`);
    const out = await this.expect(prompt);
    return out.slice(0, -prompt.length);
  }
}

export function device(options: SimDeviceOptions = {}): SimDevice {
  return new SimDevice({ hostLineDelayMs: 0, name: 'hosttest', ...options });
}

/**
 * Sets the one-time boot options a console would (AMT_BootSettingData flags, SetBootConfigRole
 * Role 1, ChangeBootOrder Source) and resets the host.
 */
export function oneTimeBoot(d: SimDevice, flags: Record<string, PropValue>, forcedSource?: string): void {
  Object.assign(d.singleton('AMT_BootSettingData'), flags);
  const link = d.instances('CIM_ElementSettingData').find((e) => {
    const s = e.SettingData as { kind?: string; resourceUri?: string } | undefined;
    return s?.kind === 'epr' && !!s.resourceUri?.endsWith('/CIM_BootConfigSetting');
  });
  if (!link) throw new Error('The device has no CIM_ElementSettingData for its boot configuration.');
  link.IsNext = 3;
  if (forcedSource) d.host.state.forcedSource = forcedSource;
  const r = d.requestPowerStateChange(d.powerState === POWER.On ? POWER.MasterBusReset : POWER.On);
  if (r !== 0) throw new Error(`RequestPowerStateChange returned ${r}.`);
}

type HostTest = (d: SimDevice, c: ConsoleReader) => Promise<void>;

/** Runs `fn` with a fresh device (console paced at 0 ms) and a reader of its console; disposes it after. */
export async function withHost(options: SimDeviceOptions | HostTest, fn?: HostTest): Promise<void> {
  const body = typeof options === 'function' ? options : fn;
  const d = device(typeof options === 'function' ? {} : options);
  try {
    await body?.(d, new ConsoleReader(d));
  } finally {
    d.dispose();
  }
}
