/**
 * `auto` picks the way to AMT on this machine in a fixed order (docs/local-access.md): an LMS
 * already listening on 127.0.0.1:16992 first, else our own APF over the MEI device, else one error
 * naming both attempts. The LMS port is a parameter here so the tests need not own 16992.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { TargetRegistry, type LocalTargetSpec } from '../../../server/src/targets/registry';
import { localRig, meiSuite, tempDir, type LocalRig } from './helpers';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function autoRegistry(spec: Partial<LocalTargetSpec>, lines: string[] = []): TargetRegistry {
  const registry = new TargetRegistry({ simulator: false, trace: (_id, _d, text, layer) => layer !== 'http' && lines.push(text) });
  registry.add({ kind: 'auto', ...spec });
  return registry;
}

meiSuite('auto-detection of local access', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig();
  });
  after(() => rig?.close());

  it('1. something listening on the LMS port wins, even with a usable MEI device', async () => {
    const lines: string[] = [];
    const registry = autoRegistry({ meiPath: rig.path, lmsPort: rig.sim.port }, lines);
    try {
      const gs = await (await registry.connect('auto')).get('AMT_GeneralSettings');
      assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      const info = registry.info('auto');
      assert.equal(info.kind, 'lms');
      assert.equal(info.url, `http://127.0.0.1:${rig.sim.port}`);
      // The local account came over MEI (AMTHI), but no APF session was started.
      assert.ok(lines.some((l) => l.startsWith('MEI read AMTHI')));
      assert.ok(!lines.some((l) => l.startsWith('APF ')), lines.find((l) => l.startsWith('APF ')));
      assert.equal(rig.sim.mei.lme?.channelCount, 0);
    } finally {
      await registry.dispose();
    }
  });

  it('2. with nothing on the LMS port, our own APF session over MEI is used', async () => {
    const lines: string[] = [];
    const registry = autoRegistry({ meiPath: rig.path, lmsPort: await closedPort() }, lines);
    try {
      const gs = await (await registry.connect('auto')).get('AMT_GeneralSettings');
      assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      assert.equal(registry.info('auto').kind, 'local');
      assert.ok(lines.some((l) => /^APF send CHANNEL_OPEN .* port=16992/.test(l)));
    } finally {
      await registry.dispose();
    }
  });

  it('3. with neither, one error lists what was tried and why each failed', async () => {
    const port = await closedPort();
    const dir = tempDir();
    const missing = path.join(dir, 'mei0');
    const registry = autoRegistry({ meiPath: missing, lmsPort: port });
    try {
      const err = await registry.connect('auto').then(() => assert.fail('expected no local access'), (e: unknown) => e);
      assert.ok(err instanceof AmtError);
      assert.equal(err.code, 'target.unavailable');
      assert.match(err.message, new RegExp(`\\(1\\) an installed LMS at 127\\.0\\.0\\.1:${port}: nothing listens there \\(connection refused\\)`));
      assert.match(err.message, new RegExp(`\\(2\\) our own port forwarding over the MEI device ${missing}: No MEI device at ${missing}`));
      assert.match(err.message, /Start Intel LMS, or give this program access to the MEI device/);
      assert.equal(registry.info('auto').state, 'error');
    } finally {
      await registry.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the lms target talks plain TCP to the LMS port, with given credentials or the local account', async () => {
    const registry = new TargetRegistry({ simulator: false });
    try {
      registry.add({ kind: 'lms', id: 'given', lmsPort: rig.sim.port });
      registry.add({ kind: 'lms', id: 'account', lmsPort: rig.sim.port, meiPath: rig.path });
      const given = await (await registry.connect('given', { user: 'admin', password: 'P@ssw0rd' })).get('AMT_GeneralSettings');
      const account = await (await registry.connect('account')).get('AMT_GeneralSettings');
      assert.equal(given.properties.InstanceID, account.properties.InstanceID);
    } finally {
      await registry.dispose();
    }
  });
});
