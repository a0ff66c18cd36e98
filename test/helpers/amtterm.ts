/**
 * amtterm and amtider 1.8, built from the copy in test/peers/amtterm-1.8 (README there: source,
 * licence, why not Debian's 1.4) into .cache/amtterm-1.8 on first use; rebuilt when a source
 * changes. Tests call `amtterm18()`: it returns the binaries, or why they cannot be built here.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SOURCE = join(ROOT, 'test/peers/amtterm-1.8');
const COMMON = ['redir.c', 'tcp.c', 'auth.c', 'ssl.c', 'ider.c'];

export type Amtterm18 = { amtterm: string; amtider: string } | { missing: string };

let built: Amtterm18 | undefined;

export function amtterm18(): Amtterm18 {
  return (built ??= build());
}

function build(): Amtterm18 {
  if (!existsSync(SOURCE)) return { missing: `the amtterm 1.8 sources are missing from ${SOURCE}` };
  const hash = createHash('sha256');
  for (const f of readdirSync(SOURCE).sort()) hash.update(f).update(readFileSync(join(SOURCE, f)));
  const out = join(ROOT, '.cache/amtterm-1.8', hash.digest('hex').slice(0, 12));
  const result = { amtterm: join(out, 'amtterm'), amtider: join(out, 'amtider') };
  if (existsSync(result.amtterm) && existsSync(result.amtider)) return result;
  const gnutls = spawnSync('pkg-config', ['--cflags', '--libs', 'gnutls'], { encoding: 'utf8' });
  if (gnutls.error || gnutls.status !== 0) {
    return { missing: 'pkg-config or the GnuTLS development files are missing, which building amtterm 1.8 needs; install the Debian packages pkg-config and libgnutls28-dev' };
  }
  mkdirSync(out, { recursive: true });
  const config = join(out, 'config.h');
  writeFileSync(config, `#define VERSION "${readFileSync(join(SOURCE, 'VERSION'), 'utf8').trim()}"\n#define USE_GNUTLS 1\n`);
  for (const program of ['amtterm', 'amtider'] as const) {
    const cc = spawnSync('gcc', [
      '-std=c99', '-w', '-D_DEFAULT_SOURCE=1', '-D_POSIX_C_SOURCE=200809L', '-DHAVE_SIGNALFD', '-include', config,
      '-o', result[program], ...[`${program}.c`, ...COMMON].map((f) => join(SOURCE, f)),
      ...gnutls.stdout.trim().split(/\s+/).filter(Boolean),
    ], { encoding: 'utf8' });
    if (cc.error) return { missing: 'gcc is missing, which building amtterm 1.8 needs; install the Debian package build-essential' };
    if (cc.status !== 0) return { missing: `gcc could not build ${program} 1.8 (${cc.stderr.trim().split('\n')[0]}); check the Debian packages build-essential and libgnutls28-dev` };
  }
  return result;
}
