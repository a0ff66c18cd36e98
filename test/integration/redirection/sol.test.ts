/**
 * The product's SOL client against the simulator's redirection service and its simulated host,
 * over real sockets: a login and a command over TCP (the embedded simulator target) and over TLS
 * (a remote https target pinned to the device certificate), and each refusal as the one sentence
 * the user sees — a wrong password (one failed log-on in the audit log, never retried), BUSY,
 * SOL disabled, and the listener off.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { openSol } from '../../../server/src/features/redirection/connect';
import { startSimulator, type Simulator } from '../../../server/src/sim';
import { auditLog } from '../../../server/src/sim/audit/log';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { isError, loginAndRun } from './helpers';


describe('SOL through the product client, embedded simulator target (TCP)', () => {
  const registry = new TargetRegistry({ simulator: true });
  after(() => registry.dispose());

  it('logs in on the host and runs a command', async () => {
    const { session, route } = await openSol(redirectionTarget(registry, 'sim'));
    try {
      assert.match(route, /^TCP 127\.0\.0\.1:\d+$/);
      assert.equal(session.hostPowered, true);
      // Only the command's output has the kernel's build line (the typed echo and the prompt do not).
      await loginAndRun(session, 'uname -a', ' #1 SMP x86_64 ');
    } finally {
      await session.close();
    }
  });

  it('a second console gets BUSY with the way to end the first session', async () => {
    const first = await openSol(redirectionTarget(registry, 'sim'));
    try {
      await assert.rejects(openSol(redirectionTarget(registry, 'sim')), isError('redir.busy', /already open .*TerminateSession/));
    } finally {
      await first.session.close();
    }
  });

  it('a session another console ends (TerminateSession) ends here with a reason, once', async () => {
    const { session } = await openSol(redirectionTarget(registry, 'sim'));
    const ended = once(session, 'ended');
    const client = await registry.connect('sim');
    await client.invoke('AMT_RedirectionService', 'TerminateSession', { SessionType: 1 });
    const [reason] = (await ended) as [string | undefined];
    assert.match(reason ?? '', /closed the SOL session \(another console may have ended it with TerminateSession, or AMT was reset\)/);
    assert.equal(session.open, false);
  });

  it('a wrong password is one sentence and one failed log-on, not retried', async () => {
    const sim = await registry.simulator('sim');
    const failed: string[] = [];
    const onFailed = ({ user }: { user: string }) => failed.push(user);
    sim.device.on('login-failed', onFailed);
    try {
      await assert.rejects(openSol(redirectionTarget(registry, 'sim', { user: 'admin', password: 'not-the-password' })), isError('auth.failed', /refused the password for admin .*not sent again/));
    } finally {
      sim.device.off('login-failed', onFailed);
    }
    assert.deepEqual(failed, ['admin'], 'exactly one failed log-on');
    // Asked again with the same password: refused here, not sent to the device again.
    sim.device.on('login-failed', onFailed);
    try {
      await assert.rejects(openSol(redirectionTarget(registry, 'sim', { user: 'admin', password: 'not-the-password' })), isError('auth.rejected', /before, so it was not sent again/));
    } finally {
      sim.device.off('login-failed', onFailed);
    }
    assert.deepEqual(failed, ['admin'], 'still one failed log-on');
    const right = await openSol(redirectionTarget(registry, 'sim'));
    await right.session.close();
    assert.doesNotMatch(JSON.stringify(auditLog(sim.device).records), /not-the-password/);
  });

  it('SOL disabled on the device is UNSUPPORTED, told as "SOL is disabled" with the command that enables it', async () => {
    const client = await registry.connect('sim');
    await client.invoke('AMT_RedirectionService', 'RequestStateChange', { RequestedState: 32769 }); // IDE-R only
    try {
      await assert.rejects(openSol(redirectionTarget(registry, 'sim')), isError('redir.unsupported', /SOL is disabled .*amtwb redirection --sol on/));
    } finally {
      await client.invoke('AMT_RedirectionService', 'RequestStateChange', { RequestedState: 32771 });
    }
  });

  it('the listener off is "connection refused" told as the listener and the command that turns it on', async () => {
    const client = await registry.connect('sim');
    const service = await client.get('AMT_RedirectionService');
    await client.put('AMT_RedirectionService', { ...service.properties, ListenerEnabled: false } as never);
    try {
      await assert.rejects(openSol(redirectionTarget(registry, 'sim')), isError('redir.listener-off', /ListenerEnabled.*amtwb redirection --listener on/));
    } finally {
      await client.put('AMT_RedirectionService', { ...service.properties, ListenerEnabled: true } as never);
    }
    const again = await openSol(redirectionTarget(registry, 'sim'));
    await again.session.close();
  });
});

describe('SOL through the product client, remote https target (TLS, pinned certificate)', () => {
  let sim: Simulator;
  let registry: TargetRegistry;
  before(async () => {
    sim = await startSimulator({ port: 0, tlsPort: 0, redirectionPort: 0, redirectionTlsPort: 0 });
    const probe = tls.connect({ host: '127.0.0.1', port: sim.redirectionTlsPort!, rejectUnauthorized: false });
    await once(probe, 'secureConnect');
    const fingerprint = probe.getPeerCertificate().fingerprint256;
    probe.destroy();
    registry = new TargetRegistry({ simulator: false });
    registry.add({ kind: 'remote', id: 'dev', url: `https://127.0.0.1:${sim.tlsPort}`, user: 'admin', trustedFingerprint256: fingerprint, redirectionPort: sim.redirectionTlsPort! });
  });
  after(async () => {
    await registry?.dispose();
    await sim?.close();
  });

  it('logs in on the host over TLS and runs a command', async () => {
    const { session, route } = await openSol(redirectionTarget(registry, 'dev', { password: 'P@ssw0rd' }));
    try {
      assert.match(route, /^TLS 127\.0\.0\.1:\d+$/);
      await loginAndRun(session, 'help', 'Commands: ');
    } finally {
      await session.close();
    }
  });

  it('TLS to a port that does not speak it is a handshake failure naming the redirection port', async () => {
    const plain = new TargetRegistry({ simulator: false });
    plain.add({ kind: 'remote', id: 'dev', url: `https://127.0.0.1:${sim.tlsPort}`, user: 'admin', rejectUnauthorized: false, redirectionPort: sim.redirectionPort! });
    try {
      await assert.rejects(openSol(redirectionTarget(plain, 'dev', { password: 'P@ssw0rd' })), isError('tls.handshake', /redirection port \d+ failed .*16995/));
    } finally {
      await plain.dispose();
    }
  });

  it('a certificate other than the pinned one is refused before any byte of the log-on is sent', async () => {
    const other = new TargetRegistry({ simulator: false });
    other.add({ kind: 'remote', id: 'dev', url: `https://127.0.0.1:${sim.tlsPort}`, user: 'admin', trustedFingerprint256: '00'.repeat(32), redirectionPort: sim.redirectionTlsPort! });
    try {
      await assert.rejects(openSol(redirectionTarget(other, 'dev', { password: 'P@ssw0rd' })), isError('tls.pin-mismatch', /fingerprint/));
    } finally {
      await other.dispose();
    }
  });
});
