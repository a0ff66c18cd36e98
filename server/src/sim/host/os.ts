/**
 * The simulated OS on the host's serial console (ttyS1): a short kernel banner, then a getty-like
 * login (`<hostname> login: `, `Password: ` without echo; an empty name re-prints the prompt as
 * getty does; a wrong account answers "Login incorrect") and the shell of shell.ts until `exit`.
 * Its output always goes to the serial port — the OS runs a serial console whatever the BIOS
 * redirection (UseSOL) was.
 */
import type { Run } from './console';
import { KERNEL_RELEASE, runCommand, type ShellContext } from './shell';

/** The OS the host runs until an installer replaced it. */
export const DEFAULT_OS = 'SimOS 1.0 (AMT Workbench simulator)';

export interface OsContext {
  readonly hostname: string;
  readonly osName: string;
  readonly user: string;
  readonly password: string;
  readonly bootedAt: number;
  readonly installLog?: string;
  now(): number;
  /** Host-initiated reboot and power-off, through the device's power path. */
  reboot(): void;
  shutdown(): void;
}

/** Boots the OS (`banner`: the kernel lines; false for the OS found running when the simulator starts). */
export async function runOs(run: Run, os: OsContext, banner = true): Promise<void> {
  if (banner) {
    await run.line(`Loading SimOS kernel ${KERNEL_RELEASE} ...`);
    await run.line(`[    0.000000] SimOS version ${KERNEL_RELEASE} (${os.osName})`);
    await run.line('[    0.120000] Serial: 8250/16550 driver, ttyS1 at I/O 0x2f8 is a 16550A (Intel AMT SOL)');
    await run.line('[    0.480000] EXT4-fs (sda1): mounted filesystem');
    await run.line('[    0.900000] Reached target Multi-User System.');
  }
  for (;;) await session(run, os);
}

function issue(os: OsContext): string {
  return `\r\n${os.osName} ${os.hostname} ttyS1\r\n\r\n`;
}

/** One login and shell session, back to `login:` when it ends. */
async function session(run: Run, os: OsContext): Promise<void> {
  run.print(issue(os));
  let user: string | undefined;
  for (;;) {
    run.print(`${os.hostname} login: `);
    user = await run.readLine(true);
    if (user === undefined || user.trim() === '') continue;
    run.print('Password: ');
    const password = await run.readLine(false);
    if (password === undefined) continue;
    if (user.trim() === os.user && password === os.password) break;
    run.print('\r\nLogin incorrect\r\n');
  }
  run.print(`Welcome to ${os.osName}\r\n\r\n`);
  await shell(run, os);
}

async function shell(run: Run, os: OsContext): Promise<void> {
  const ctx: ShellContext = {
    user: os.user, hostname: os.hostname, osName: os.osName, bootedAt: os.bootedAt, installLog: os.installLog,
    now: () => os.now(),
  };
  const prompt = `${os.user}@${os.hostname}:~${os.user === 'root' ? '#' : '$'} `;
  for (;;) {
    run.print(prompt);
    const line = await run.readLine(true);
    if (line === undefined) continue;
    const result = runCommand(line, ctx);
    if (result.output !== '') run.print(result.output.endsWith('\x1b[H') ? result.output : `${result.output}\r\n`);
    if (result.action === 'logout') return;
    if (result.action === 'reboot') {
      await run.line('[  OK  ] Stopped target Multi-User System.');
      await run.line('reboot: Restarting system');
      os.reboot();
      return;
    }
    if (result.action === 'shutdown') {
      await run.line('[  OK  ] Stopped target Multi-User System.');
      await run.line('reboot: Power down');
      os.shutdown();
      return;
    }
  }
}
