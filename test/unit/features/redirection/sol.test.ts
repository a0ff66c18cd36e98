/**
 * The SOL client against a minimal stand-in firmware over a real socket: log-on, keystrokes out
 * and the host's output back, a clean end, and each refusal as one sentence — BUSY, UNSUPPORTED,
 * a wrong password (sent once, never retried) and a closed listener.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { openSol, type RedirectionTarget } from '../../../../server/src/features/redirection/connect';
import { openRedirection } from '../../../../server/src/targets/redirection';
import { fakeFirmware } from './fake-firmware';

function target(port: number, password = 'P@ssw0rd'): RedirectionTarget {
  return {
    label: 'the test device',
    open: (signal) => openRedirection({ via: 'tcp', host: '127.0.0.1', port, label: 'the test device', credentials: { user: 'admin', password } }, signal),
  };
}

test('SOL logs on with digest, carries keystrokes and output, and ends with 0x22 then 0x12', async () => {
  const fw = await fakeFirmware();
  try {
    const { session, route } = await openSol(target(fw.port));
    assert.equal(route, `TCP 127.0.0.1:${fw.port}`);
    const output = once(session, 'data');
    session.write(Buffer.from('dir\r'));
    assert.equal(((await output)[0] as Buffer).toString(), 'DIR\r');
    const ended = once(session, 'ended');
    await session.close();
    assert.deepEqual(await ended, [undefined]);
    await fw.disconnected;
    assert.deepEqual(fw.received.filter((t) => t !== 0x2b), [0x10, 0x13, 0x13, 0x13, 0x20, 0x27, 0x28, 0x22, 0x12]);
    assert.equal(fw.failedLogOns, 0);
  } finally {
    await fw.close();
  }
});

test('digest type 3 is used when the device offers only it', async () => {
  const fw = await fakeFirmware({ authTypes: [3] });
  try {
    const { session } = await openSol(target(fw.port));
    await session.close();
    assert.equal(fw.failedLogOns, 0);
  } finally {
    await fw.close();
  }
});

test('a wrong password is one sentence naming it, and is sent exactly once', async () => {
  const fw = await fakeFirmware();
  try {
    await assert.rejects(openSol(target(fw.port, 'wrong')), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'auth.failed');
      assert.match(e.message, /refused the password for admin .*not sent again/);
      assert.doesNotMatch(e.message, /wrong/);
      return true;
    });
    assert.equal(fw.failedLogOns, 1);
  } finally {
    await fw.close();
  }
});

test('BUSY and UNSUPPORTED each reach the user as one sentence with the fix', async () => {
  for (const [status, code, text] of [[2, 'redir.busy', /already open .*TerminateSession/], [3, 'redir.unsupported', /SOL is disabled .*amtwb redirection --sol on/]] as const) {
    const fw = await fakeFirmware({ status });
    try {
      await assert.rejects(openSol(target(fw.port)), (e: Error & { code?: string }) => e.code === code && text.test(e.message) && !e.message.includes('\n'));
      assert.deepEqual(fw.received, [0x10]);
    } finally {
      await fw.close();
    }
  }
});

test('a closed redirection port says the listener is off and how to turn it on', async () => {
  const fw = await fakeFirmware();
  const port = fw.port;
  await fw.close();
  await assert.rejects(openSol(target(port)), (e: Error & { code?: string }) => e.code === 'redir.listener-off' && /ListenerEnabled.*amtwb redirection --listener on/.test(e.message));
});

test('the host powered off (0x29 without the power bit) is a power event and shows in hostPowered', async () => {
  const fw = await fakeFirmware({ hostOff: true });
  try {
    const { session } = await openSol(target(fw.port));
    if (session.hostPowered) assert.deepEqual(await once(session, 'power'), [false]);
    assert.equal(session.hostPowered, false);
    await session.close();
  } finally {
    await fw.close();
  }
});

test('the device closing the connection ends the session with a reason', async () => {
  const fw = await fakeFirmware();
  try {
    const { session } = await openSol(target(fw.port));
    const ended = once(session, 'ended');
    await fw.close();
    const [reason] = (await ended) as [string | undefined];
    assert.match(reason ?? '', /closed the SOL session/);
  } finally {
    await fw.close();
  }
});

test('a device that sent heartbeats and then falls silent ends the session with a reason', async () => {
  const fw = await fakeFirmware({ beatOnce: true });
  try {
    const { session } = await openSol(target(fw.port), { heartbeatMs: 20, silenceMs: 100 });
    const [reason] = (await once(session, 'ended')) as [string | undefined];
    assert.match(reason ?? '', /stopped answering for 100 ms, so the SOL session was ended/);
  } finally {
    await fw.close();
  }
});
