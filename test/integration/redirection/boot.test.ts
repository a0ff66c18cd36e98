/**
 * The whole IDE-R story against the simulator: the product serves a bootable ISO made by xorriso,
 * boots the host once from it (features/boot through serveImages' reboot), and the simulated host's
 * BIOS reads it through the redirection service — its SOL console, watched with the product's SOL
 * client, prints the volume label — then its installer copies the image and ejects it, which ends
 * the IDE-R session as "ejected". A floppy image with a boot signature boots from the IDE-R floppy.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSol, serveImages } from '../../../server/src/features/redirection/connect';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { LABEL, makeIso, Screen } from './helpers';

describe('booting the simulated host from an ISO served by the product', { timeout: 120_000 }, () => {
  const registry = new TargetRegistry({ simulator: true });
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'amtwb-ider-boot-'));
  });
  after(async () => {
    await registry.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host boots from the IDE-R CD, prints its label, installs from it and ejects it', async () => {
    const iso = makeIso(dir, { bootable: true, name: 'boot' });
    const sol = await openSol(redirectionTarget(registry, 'sim'));
    const screen = new Screen(sol.session);
    try {
      const served = await serveImages(redirectionTarget(registry, 'sim'), { cd: iso, reboot: true });
      assert.match(served.nextBoot ?? '', /IDE-R CD/);
      const ended = once(served.session, 'ended');
      await screen.waitFor(`Booting from IDE-R CD: ${LABEL}`);
      assert.deepEqual(await ended, ['ejected', undefined]);
      assert.ok(served.session.counters.sectorsRead > 16, `the BIOS and the installer read the image (${served.session.counters.sectorsRead} sectors)`);
    } finally {
      await sol.session.close();
    }
  });

  it('a floppy image with a boot signature is booted from the IDE-R floppy', async () => {
    const img = join(dir, 'boot.img');
    const bytes = Buffer.alloc(2880 * 512);
    bytes[510] = 0x55;
    bytes[511] = 0xaa;
    writeFileSync(img, bytes);
    const sol = await openSol(redirectionTarget(registry, 'sim'));
    const screen = new Screen(sol.session);
    try {
      const served = await serveImages(redirectionTarget(registry, 'sim'), { floppy: img, reboot: true });
      try {
        assert.match(served.nextBoot ?? '', /IDE-R floppy/);
        await screen.waitFor('Booting from IDE-R floppy');
        assert.ok(served.session.counters.sectorsRead >= 1);
      } finally {
        await served.session.close();
      }
    } finally {
      await sol.session.close();
    }
  });
});
