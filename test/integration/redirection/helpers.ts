/**
 * What the redirection integration tests share: the host's SOL output gathered as text with a
 * wait for a piece of it, a login on the simulated host's serial console (root / amt), and an ISO made
 * by xorriso.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOST_ACCOUNT } from '../../../server/src/sim/host/host';
import type { SolSession } from '../../../server/src/features/redirection/sol';
import { AmtError } from '../../../server/src/errors';

export class Screen {
  text = '';
  constructor(readonly session: SolSession) {
    session.on('data', (b: Buffer) => (this.text += b.toString('latin1')));
  }

  /** Resolves once the output since `from` contains `piece`; returns the index after it. */
  async waitFor(piece: string, from = 0): Promise<number> {
    return (await this.waitForAny([piece], from)).at;
  }

  /** Resolves once the output since `from` contains one of `pieces`: which one, and the index after it. */
  async waitForAny(pieces: string[], from = 0): Promise<{ piece: string; at: number }> {
    const wanted = pieces.join('" or "');
    for (;;) {
      const found = pieces.map((p) => ({ piece: p, i: this.text.indexOf(p, from) })).filter((f) => f.i >= 0).sort((a, b) => a.i - b.i)[0];
      if (found) return { piece: found.piece, at: found.i + found.piece.length };
      if (!this.session.open) throw new Error(`the SOL session ended before "${wanted}" appeared; the host printed: ${JSON.stringify(this.text.slice(-400))}`);
      await Promise.race([once(this.session, 'data'), once(this.session, 'ended')]);
    }
  }
}

/** Logs in, runs `command`, and waits for `expect` in what follows (only the command's output has it). */
export async function loginAndRun(session: SolSession, command: string, expect: string): Promise<void> {
  const screen = new Screen(session);
  const at = await login(screen);
  session.write(Buffer.from(`${command}\r`));
  await screen.waitFor(expect, at);
}

/** Logs in on the host's getty (unless an earlier session left the shell logged in) and returns the shell prompt's end. */
export async function login(screen: Screen): Promise<number> {
  const start = screen.text.length;
  screen.session.write(Buffer.from('\r'));
  const first = await screen.waitForAny(['login: ', '# '], start);
  if (first.piece === '# ') return first.at;
  let at = first.at;
  screen.session.write(Buffer.from(`${DEFAULT_HOST_ACCOUNT.user}\r`));
  at = await screen.waitFor('Password: ', at);
  screen.session.write(Buffer.from(`${DEFAULT_HOST_ACCOUNT.password}\r`));
  return screen.waitFor('# ', at);
}

export const LABEL = 'AMTWB_TEST_CD';

/** An ISO 9660 image with a label and one 3 MB file, made by xorriso; `bootable` adds an El Torito boot image. */
export function makeIso(dir: string, options: { bootable?: boolean; name?: string } = {}): string {
  const content = join(dir, `${options.name ?? 'test'}-content`);
  mkdirSync(content);
  writeFileSync(join(content, 'README.TXT'), 'served over IDE-R\n');
  writeFileSync(join(content, 'BIG.BIN'), Buffer.alloc(3 << 20, 0x5a));
  const boot = options.bootable ? ['-b', 'BOOT.IMG', '-no-emul-boot', '-boot-load-size', '4'] : [];
  if (options.bootable) writeFileSync(join(content, 'BOOT.IMG'), Buffer.alloc(2048, 0x90));
  const iso = join(dir, `${options.name ?? 'test'}.iso`);
  execFileSync('/usr/bin/xorriso', ['-as', 'mkisofs', '-quiet', '-V', LABEL, ...boot, '-o', iso, content], { stdio: 'ignore' });
  return iso;
}

/** For assert.rejects: an AmtError with `code` whose one-line message matches `text`. */
export const isError = (code: string, text: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AmtError, String(e));
  assert.equal(e.code, code, e.message);
  assert.match(e.message, text);
  assert.doesNotMatch(e.message, /\n/);
  return true;
};
