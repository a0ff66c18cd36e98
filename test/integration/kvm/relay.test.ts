/**
 * The credential relay (spec redirection.md §7.3) between a viewer that does not know the AMT
 * password and the simulator, over real loopback sockets: a viewer logging on with a wrong
 * user and password gets a working SOL session and a KVM frame, because the relay answers the
 * device's challenge with the backend-held credentials.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openSol, type RedirectionTarget } from '../../../server/src/features/redirection/connect';
import { openKvm } from '../../../server/src/features/kvm/session';
import { listenRelay } from '../../../server/src/features/kvm/relay';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { loginAndRun } from '../redirection/helpers';

describe('redirection relay with the backend-held credentials', () => {
  const registry = new TargetRegistry({ simulator: true });
  let relay: Awaited<ReturnType<typeof listenRelay>>;
  /** The viewer's side: it reaches the relay only, with a password the device would refuse. */
  let viewer: RedirectionTarget;

  before(async () => {
    (await registry.simulator('sim')).device.instances('IPS_OptInService')[0]!.OptInRequired = 0;
    relay = await listenRelay(redirectionTarget(registry, 'sim'));
    viewer = {
      label: 'the relay',
      open: async () => {
        const stream = connect(relay.port, '127.0.0.1');
        await once(stream, 'connect');
        return { stream, route: `relay 127.0.0.1:${relay.port}`, credentials: { user: 'viewer', password: 'not-the-password' } };
      },
    };
  });
  after(async () => {
    await relay.close();
    await registry.dispose();
  });

  it('a SOL viewer with a wrong password logs on through the relay and runs a command on the host', async () => {
    const { session } = await openSol(viewer);
    try {
      await loginAndRun(session, 'uname -a', ' #1 SMP x86_64 ');
    } finally {
      await session.close();
    }
  });

  it('a KVM viewer with a wrong password gets the full frame through the relay (0x41 and RFB pass untouched)', async () => {
    const { rfb } = await openKvm(viewer);
    try {
      const fb = await rfb.fullFrame();
      assert.deepEqual([fb.width, fb.height], [1024, 768]);
    } finally {
      await rfb.close();
    }
  });

  it('without the relay the same viewer is refused (the test would pass for the wrong reason otherwise)', async () => {
    const direct = redirectionTarget(registry, 'sim', { user: 'viewer', password: 'not-the-password' });
    await assert.rejects(openSol(direct), /refused the password for viewer/);
  });
});
