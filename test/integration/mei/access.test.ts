/**
 * Permission errors, from a real non-root process: a child running as `nobody` opens the emulated
 * device with the product's openMei. As root we cannot see EACCES ourselves (root bypasses file
 * permissions), so the kernel's own checks on another user are what these tests exercise: the
 * node's mode bits (default_permissions, as on a real /dev/mei0) and FUSE's allow_other.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { closeTemp, echoClient, ECHO_GUID, meiSuite, mountTemp } from './helpers';

const NOBODY = 65534;

/**
 * The child runs as `nobody` from the project folder, so every folder above the project must let
 * other users through (o+x); a clone under `mktemp -d` (mode 0700) does not. Says so, instead of the
 * child's module-resolution stack.
 */
function assertOthersCanReach(dir: string): void {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The folder ${d} (mode 0${(mode & 0o777).toString(8)}) does not let other users through, so the child running as nobody cannot load the project's modules; run \`chmod o+rx ${d}\` and run the tests again.`,
      );
    }
    if (path.dirname(d) === d) return;
  }
}

/** Runs children/open-mei.ts as `nobody`, asynchronously (the firmware answers on this thread). */
async function openAsNobody(devicePath: string): Promise<{ ok: boolean; code?: string; message?: string; reply?: string }> {
  const child = path.join(__dirname, 'children', 'open-mei.ts');
  assertOthersCanReach(path.dirname(child));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, devicePath, ECHO_GUID], {
    uid: NOBODY,
    gid: NOBODY,
    env: { ...process.env, HOME: '/tmp' },
    cwd: path.resolve(__dirname, '../../..'),
    timeout: 20_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

meiSuite('opening the MEI device without permission', () => {
  it('a node with mode 0600 refuses other users with mei.eacces and the udev advice', async () => {
    const device = await mountTemp([echoClient()], { allowOther: true, mode: 0o600 });
    try {
      const result = await openAsNobody(device.path);
      assert.equal(result.code, 'mei.eacces', result.message);
      assert.match(result.message!, new RegExp(`Permission denied opening ${device.path}`));
      assert.match(result.message!, /run as root/);
      assert.match(result.message!, /KERNEL=="mei0", GROUP="mei", MODE="0660"/);
    } finally {
      await closeTemp(device);
    }
  });

  it('a mount without allow_other refuses other users with mei.eacces', async () => {
    const device = await mountTemp([echoClient()], { allowOther: false, mode: 0o666 });
    try {
      assert.equal((await openAsNobody(device.path)).code, 'mei.eacces');
    } finally {
      await closeTemp(device);
    }
  });

  it('with allow_other and mode 0666 another user connects and gets replies', async () => {
    const device = await mountTemp([echoClient()], { allowOther: true, mode: 0o666 });
    try {
      assert.deepEqual(await openAsNobody(device.path), { ok: true, reply: 'ping' });
    } finally {
      await closeTemp(device);
    }
  });
});
