/**
 * amtider (amtterm's IDE-R console, 1.8 and later; Debian's amtterm 1.4 package has none) serving a
 * small CD image to the simulator over TLS with digest, while a host stand-in reads it through the
 * IderBus. Runs when AMTIDER names an amtider binary (e.g. built from kraxel/amtterm).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../../server/src/sim';
import { IderStandIn } from './stand-ins';

const AMTIDER = process.env.AMTIDER;
const skip = AMTIDER ? false : 'set AMTIDER to an amtider binary (amtterm 1.8 or later) to run this test';

describe('amtider serves an image to the simulated host', { skip }, () => {
  let sim: Simulator;
  let dir: string;
  let image: string;
  const host = new IderStandIn();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amtider-'));
    image = join(dir, 'small.iso');
    const iso = Buffer.alloc(2048 * 40);
    iso.write('\x01CD001', 16 * 2048, 'latin1');
    writeFileSync(image, iso);
    sim = await startSimulator({ port: 0, redirectionTlsPort: 0 });
    sim.redirection.setHostLinks({ ider: host });
  });
  after(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers READ CAPACITY, READ(10) of the volume descriptor, and CHECK CONDITION for an unknown command', async () => {
    const child = spawn(AMTIDER!, ['-u', DEFAULT_ACCOUNT.user, `127.0.0.1:${sim.redirectionTlsPort}`, image], { env: { ...process.env, AMT_PASSWORD: DEFAULT_ACCOUNT.password } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const bus = await host.attached();
      const capacity = await bus.packet('cd', Buffer.from([0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 8);
      assert.deepEqual([capacity.data.readUInt32BE(0), capacity.data.readUInt32BE(4)], [39, 2048], stderr);
      const pvd = await bus.packet('cd', Buffer.from([0x28, 0, 0, 0, 0, 16, 0, 0, 1, 0, 0, 0]), 2048);
      assert.equal(pvd.data.subarray(0, 6).toString('latin1'), '\x01CD001');
      const bad = await bus.packet('cd', Buffer.from([0xee, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 0);
      assert.deepEqual(bad.sense, { key: 5, asc: 0x20, ascq: 0 });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
