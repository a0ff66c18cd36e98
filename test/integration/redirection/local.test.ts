/**
 * SOL through the product client on the local APF path: the `local` target's own APF session over
 * the FUSE-emulated MEI device opens a `forwarded-tcpip` channel to port 16994, where the
 * simulated firmware hands it to its redirection service. Needs root and /dev/fuse (meiSuite).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { openSol } from '../../../server/src/features/redirection/connect';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { localRegistry, localRig, meiSuite, type LocalRig } from '../local/helpers';
import { loginAndRun } from './helpers';

const ADMIN = { user: 'admin', password: 'P@ssw0rd' };

meiSuite('SOL over the local APF path', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig(); // the firmware forwards 16992–16995 as it does for LMS
  });
  after(() => rig?.close());

  const routes = [
    { what: 'a plain APF channel to 16994', spec: {}, route: 'local APF channel' },
    { what: 'an APF channel to 16995 with TLS inside it', spec: { tls: true, rejectUnauthorized: false }, route: 'local APF channel (TLS)' },
  ];
  for (const r of routes) {
    it(`logs in on the host through ${r.what} and runs a command`, async () => {
      const registry = localRegistry(rig.path, r.spec);
      try {
        await registry.connect('local', ADMIN);
        const { session, route } = await openSol(redirectionTarget(registry, 'local', ADMIN));
        try {
          assert.equal(route, r.route);
          await loginAndRun(session, 'uname -a', ' #1 SMP x86_64 ');
        } finally {
          await session.close();
        }
      } finally {
        await registry.dispose();
      }
    });
  }

  it('with the listener off the local path says so too', async () => {
    const registry = localRegistry(rig.path);
    try {
      const client = await registry.connect('local', ADMIN);
      const service = await client.get('AMT_RedirectionService');
      await client.put('AMT_RedirectionService', { ...service.properties, ListenerEnabled: false } as never);
      try {
        await assert.rejects(openSol(redirectionTarget(registry, 'local', ADMIN)), (e: unknown) => e instanceof AmtError && e.code === 'redir.listener-off' && /ListenerEnabled/.test(e.message));
      } finally {
        await client.put('AMT_RedirectionService', { ...service.properties, ListenerEnabled: true } as never);
      }
    } finally {
      await registry.dispose();
    }
  });

  it('without a forwarded redirection port the error says the listener is off', async () => {
    const plain = await localRig({ lme: { forwardPorts: [16992, 16993], channelPorts: [16992, 16993] } });
    const registry = localRegistry(plain.path);
    try {
      await registry.connect('local', ADMIN);
      await assert.rejects(openSol(redirectionTarget(registry, 'local', ADMIN)), (e: unknown) => e instanceof AmtError && e.code === 'redir.listener-off' && /amtwb redirection --listener on/.test(e.message));
    } finally {
      await registry.dispose();
      await plain.close();
    }
  });
});
