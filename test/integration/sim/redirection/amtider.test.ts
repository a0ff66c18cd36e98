/**
 * amtider 1.8 (amtterm's IDE-R console by Gerd Hoffmann, built from test/peers/amtterm-1.8; Debian's
 * amtterm 1.4 package has none) serves an ISO made by xorriso to the simulator over TLS with digest:
 * the simulated host, booting once from IDE-R CD, reads the image through amtider's answers, prints
 * the volume label, installs it and reboots into it — the remote OS install, with a console nobody
 * here wrote.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../../server/src/sim';
import { amtterm18 } from '../../../helpers/amtterm';
import { ConsoleReader, oneTimeBoot } from '../../../unit/sim/host/helpers';

const XORRISO = '/usr/bin/xorriso';
const peers = amtterm18();
const missing = 'missing' in peers ? peers.missing : existsSync(XORRISO) ? undefined : 'xorriso is not installed at /usr/bin/xorriso, so no ISO image can be made';
const skip = missing && process.env.CI !== 'true' ? missing : false;
const LABEL = 'AMTIDER_INSTALL_1';

describe('amtider 1.8 installs an OS on the simulated host over IDE-R', { skip }, () => {
  let sim: Simulator;
  let dir: string;
  let image: string;
  before(async () => {
    assert.ok(!missing, `${missing}; CI installs what this needs (.ci/run)`);
    dir = mkdtempSync(join(tmpdir(), 'amtider-'));
    mkdirSync(join(dir, 'cd'));
    writeFileSync(join(dir, 'cd', 'boot.img'), Buffer.alloc(2048, 0xeb));
    writeFileSync(join(dir, 'cd', 'packages.bin'), Buffer.alloc(1 << 20, 0x42));
    image = join(dir, 'os.iso');
    execFileSync(XORRISO, ['-as', 'mkisofs', '-quiet', '-V', LABEL, '-b', 'boot.img', '-no-emul-boot', '-o', image, join(dir, 'cd')], { stdio: 'ignore' });
    sim = await startSimulator({ port: 0, redirectionTlsPort: 0, hostLineDelayMs: 0, name: 'amtiderhost' });
  });
  after(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the host boots the served ISO, prints its label, installs it and reboots into it', async () => {
    const host = new ConsoleReader(sim.device);
    const binary = (peers as { amtider: string }).amtider;
    const child = spawn(binary, ['-u', DEFAULT_ACCOUNT.user, `127.0.0.1:${sim.redirectionTlsPort}`, image], { env: { ...process.env, AMT_PASSWORD: DEFAULT_ACCOUNT.password } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stderr += d));
    const exited = once(child, 'exit');
    try {
      // amtider logs on (digest over TLS), opens IDE-R and enables its drives; then the console boots the host from it.
      const deadline = Date.now() + 15_000;
      while (!sim.device.host.iderSession && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(sim.device.host.iderSession, `amtider never enabled its drives: ${stderr}`);
      oneTimeBoot(sim.device, { UseIDER: true, IDERBootDevice: 1 });
      await host.expect(`Booting from IDE-R CD: ${LABEL}`);
      await host.expect(`Installing ${LABEL}: 100%`);
      await host.expect(`${LABEL} amtiderhost ttyS1`);
      assert.equal(sim.device.host.state.installed, LABEL);
      assert.ok(!stderr.includes(DEFAULT_ACCOUNT.password), 'the password never appears in amtider\'s output');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
