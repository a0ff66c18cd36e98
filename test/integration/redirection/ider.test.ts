/**
 * The product's IDE-R client serving an ISO made by xorriso to the simulator's redirection service
 * over TCP, with the host's side played by a stand-in that sends the ATAPI packets a BIOS sends:
 * the drives enabled with the start mode asked for, UNIT ATTENTION once, READ CAPACITY, the
 * volume label read from the primary volume descriptor, a long read byte-identical to the file,
 * CHECK CONDITION out of range, and eject ending the session. Consent required is one sentence.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { openIder } from '../../../server/src/features/redirection/connect';
import { DiskImage } from '../../../server/src/features/redirection/image';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { IderStandIn } from '../sim/redirection/stand-ins';
import { LABEL, makeIso } from './helpers';

const cdb = (...b: number[]) => Buffer.concat([Buffer.from(b), Buffer.alloc(12 - b.length)]);

describe('IDE-R through the product client', () => {
  const registry = new TargetRegistry({ simulator: true });
  let dir: string;
  let iso: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'amtwb-ider-'));
    iso = makeIso(dir);
  });
  after(async () => {
    await registry.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the ISO to the host: capacity, label, bytes identical to the file, CHECK CONDITION out of range, eject', async () => {
    const sim = await registry.simulator('sim');
    const host = new IderStandIn();
    sim.redirection.setHostLinks({ ider: host });
    const cd = await DiskImage.open(iso, 'cd');
    try {
      const { session, route } = await openIder(redirectionTarget(registry, 'sim'), { cd, startMode: 'now' });
      assert.match(route, /^TCP /);
      const bus = await host.attached();
      assert.equal(host.startMode! & 0x18, 0x18);
      assert.deepEqual((await bus.packet('cd', cdb(0x00), 0)).sense, { key: 6, asc: 0x28, ascq: 0 });
      assert.equal((await bus.packet('cd', cdb(0x00), 0)).sense, undefined);
      const cap = (await bus.packet('cd', cdb(0x25), 8)).data;
      assert.equal(cap.readUInt32BE(0) + 1, cd.blocks);
      assert.equal(cap.readUInt32BE(4), 2048);
      const pvd = (await bus.packet('cd', cdb(0x28, 0, 0, 0, 0, 16, 0, 0, 1), 2048)).data;
      assert.equal(pvd.subarray(0, 6).toString('latin1'), '\x01CD001');
      assert.equal(pvd.subarray(40, 72).toString('latin1').trim(), LABEL);
      const file = readFileSync(iso);
      const count = Math.min(cd.blocks, 1000);
      const long = (await bus.packet('cd', cdb(0x28, 0, 0, 0, 0, 0, 0, count >> 8, count & 0xff), count * 2048)).data;
      assert.ok(long.equals(file.subarray(0, count * 2048)), `the first ${count} sectors as in the file`);
      assert.deepEqual((await bus.packet('cd', cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 0).fill(0xff, 2, 6).fill(1, 8, 9), 2048)).sense, { key: 5, asc: 0x21, ascq: 0 });
      assert.deepEqual((await bus.packet('floppy', cdb(0x00), 0)).sense, { key: 2, asc: 0x3a, ascq: 0 }, 'no floppy was served');
      assert.equal(session.counters.sectorsRead, 1 + count);
      const ended = once(session, 'ended');
      await bus.packet('cd', cdb(0x1b, 0, 0, 0, 0x02), 0);
      assert.deepEqual(await ended, ['ejected', undefined]);
    } finally {
      await cd.close();
      sim.redirection.setHostLinks(undefined);
    }
  });

  it('IDE-R without the user consent the device requires is one sentence saying how to get it', async () => {
    const sim = await registry.simulator('sim');
    const optIn = sim.device.instances('IPS_OptInService')[0]!;
    const was = optIn.OptInRequired;
    optIn.OptInRequired = 0xffffffff;
    const cd = await DiskImage.open(iso, 'cd');
    try {
      await assert.rejects(openIder(redirectionTarget(registry, 'sim'), { cd }), (e: unknown) => {
        assert.ok(e instanceof AmtError);
        assert.equal(e.code, 'redir.consent', e.message);
        assert.match(e.message, /user consent .*amtwb consent start.*amtwb consent code NNNNNN/);
        return true;
      });
    } finally {
      optIn.OptInRequired = was;
      await cd.close();
    }
  });
});
