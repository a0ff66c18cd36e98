/**
 * The simulated OS's shell: a handful of commands over a small fixed disk tree. Output is plain
 * text; the caller (os.ts) prints it with \r\n line ends. `reboot` and `shutdown` hand an action
 * back so the OS goes through the device's power path.
 */
export interface ShellContext {
  readonly user: string;
  readonly hostname: string;
  /** The operating system's name: the installed label, or the simulator's own OS. */
  readonly osName: string;
  /** Device-clock time of this boot and now (ms since the epoch). */
  readonly bootedAt: number;
  now(): number;
  /** Where the last installer run came from, if one ran (shown in /root/install.log). */
  readonly installLog?: string;
}

export type ShellAction = 'logout' | 'reboot' | 'shutdown';

export interface ShellResult {
  output: string;
  action?: ShellAction;
}

export const KERNEL_RELEASE = '1.0.0-amt';

const COMMANDS = [
  'help', 'uname [-a]', 'uptime', 'ls [path]', 'cat FILE', 'hostname', 'whoami', 'date', 'echo TEXT', 'clear',
  'exit / logout', 'reboot', 'shutdown / poweroff',
];

/** The fixed disk tree: directories list their entries; files are produced from the context. */
function tree(c: ShellContext): Map<string, string[] | (() => string)> {
  const files: [string, string[] | (() => string)][] = [
    ['/', ['bin', 'boot', 'etc', 'home', 'root', 'tmp', 'usr', 'var']],
    ['/bin', ['cat', 'date', 'echo', 'ls', 'sh', 'uname']],
    ['/boot', [`initrd.img-${KERNEL_RELEASE}`, `vmlinuz-${KERNEL_RELEASE}`]],
    ['/boot/initrd.img-' + KERNEL_RELEASE, () => '(binary file)'],
    ['/boot/vmlinuz-' + KERNEL_RELEASE, () => '(binary file)'],
    ['/etc', ['hostname', 'os-release', 'passwd']],
    ['/etc/hostname', () => c.hostname],
    ['/etc/os-release', () => osRelease(c.osName)],
    ['/etc/passwd', () => `${c.user}:x:0:0:${c.user}:/root:/bin/sh`],
    ['/home', []],
    ['/root', c.installLog ? ['README', 'install.log'] : ['README']],
    ['/root/README', () => 'This is the simulated host of AMT Workbench. Type help for the commands it knows.'],
    ['/tmp', []],
    ['/usr', ['bin', 'lib', 'share']],
    ['/usr/bin', []],
    ['/usr/lib', []],
    ['/usr/share', []],
    ['/var', ['log']],
    ['/var/log', ['boot.log']],
    ['/var/log/boot.log', () => `Booted ${new Date(c.bootedAt).toUTCString()}`],
  ];
  if (c.installLog) files.push(['/root/install.log', () => c.installLog ?? '']);
  return new Map(files);
}

function osRelease(name: string): string {
  return [`NAME="${name}"`, `PRETTY_NAME="${name}"`, 'ID=simos', `VERSION_ID="${KERNEL_RELEASE}"`, 'HOME_URL="https://github.com/"'].join('\n');
}

function resolvePath(arg: string | undefined): string {
  const p = arg === undefined || arg === '~' ? '/root' : arg.startsWith('~/') ? `/root/${arg.slice(2)}` : arg.startsWith('/') ? arg : `/root/${arg}`;
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

/** `date`'s default format in UTC, e.g. `Thu Dec  3 14:00:30 UTC 2026`. */
export function dateText(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const time = d.toISOString().slice(11, 19);
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} UTC ${d.getUTCFullYear()}`;
}

function uptime(c: ShellContext): string {
  const now = c.now();
  const up = Math.max(0, Math.floor((now - c.bootedAt) / 1000));
  const days = Math.floor(up / 86400);
  const h = Math.floor((up % 86400) / 3600);
  const m = Math.floor((up % 3600) / 60);
  const span = up < 60 ? `${up} sec` : h === 0 ? `${m} min` : `${h}:${String(m).padStart(2, '0')}`;
  const dayPart = days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  return ` ${new Date(now).toISOString().slice(11, 19)} up ${dayPart}${span},  1 user,  load average: 0.00, 0.00, 0.00`;
}

/** Runs one command line; returns what it prints and any action for the OS. */
export function runCommand(line: string, c: ShellContext): ShellResult {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const [cmd, ...args] = words;
  if (cmd === undefined) return { output: '' };
  switch (cmd) {
    case 'help':
      return { output: `Commands: ${COMMANDS.join(', ')}` };
    case 'uname':
      if (args.includes('-a')) return { output: `SimOS ${c.hostname} ${KERNEL_RELEASE} #1 SMP x86_64 ${c.osName}` };
      return { output: 'SimOS' };
    case 'uptime':
      return { output: uptime(c) };
    case 'hostname':
      return { output: c.hostname };
    case 'whoami':
      return { output: c.user };
    case 'date':
      return { output: dateText(c.now()) };
    case 'echo':
      return { output: args.join(' ') };
    case 'clear':
      return { output: '\x1b[2J\x1b[H' };
    case 'exit':
    case 'logout':
      return { output: '', action: 'logout' };
    case 'reboot':
      return { output: 'The system is going down for reboot NOW!', action: 'reboot' };
    case 'shutdown':
    case 'poweroff':
    case 'halt':
      return { output: 'The system is going down for power-off NOW!', action: 'shutdown' };
    case 'ls':
      return { output: ls(args.filter((a) => !a.startsWith('-')), c) };
    case 'cat':
      return { output: cat(args, c) };
    default:
      return { output: `${cmd}: command not found` };
  }
}

function ls(args: string[], c: ShellContext): string {
  const t = tree(c);
  const paths = args.length > 0 ? args : [undefined];
  const out: string[] = [];
  for (const arg of paths) {
    const p = resolvePath(arg);
    const node = t.get(p);
    if (node === undefined) out.push(`ls: cannot access '${arg}': No such file or directory`);
    else if (Array.isArray(node)) {
      if (paths.length > 1) out.push(`${arg}:`);
      if (node.length > 0) out.push(node.join('  '));
    } else out.push(arg ?? p);
  }
  return out.join('\n');
}

function cat(args: string[], c: ShellContext): string {
  const t = tree(c);
  return args
    .map((arg) => {
      const node = t.get(resolvePath(arg));
      if (node === undefined) return `cat: ${arg}: No such file or directory`;
      if (Array.isArray(node)) return `cat: ${arg}: Is a directory`;
      return node();
    })
    .join('\n');
}
