/**
 * The reset policy of the local path, with fake sessions: a request that fails because its APF
 * session ended by itself is repeated once when it only reads, and never when it changes something.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ApfSession } from '../../../../server/src/apf';
import { AmtError } from '../../../../server/src/errors';
import { resetTolerantClient } from '../../../../server/src/targets/local/retry';
import { buildGet, buildPut, buildIdentify, type WsmanClient } from '../../../../server/src/wsman';

/** Sessions are tokens; `resets` sessions in a row end during their first call. */
function rig(resets: number) {
  const lost = new Set<object>();
  const calls: string[] = [];
  let sessions = 0;
  let current: object = {};
  const client = (session: object) =>
    new Proxy({}, {
      get: (_t, method: string) => method === 'then' ? undefined : method === 'close' ? () => {} : async (...args: unknown[]) => {
        calls.push(method);
        if (resets > 0) {
          resets--;
          lost.add(session);
          throw new AmtError('connection', 'The connection failed during the request (apf.connection-lost).');
        }
        return { method, args };
      },
    }) as unknown as WsmanClient;
  const wrapped = resetTolerantClient({
    session: async () => {
      if (lost.has(current) || sessions === 0) {
        current = {};
        sessions++;
      }
      return current as ApfSession;
    },
    client: async (session) => client(session),
    lost: (session) => lost.has(session),
  });
  return { client: wrapped, calls, sessions: () => sessions };
}

describe('reset policy of the local target', () => {
  test('Get, Enumerate, Pull, Identify and enumerateAll are sent once more on a new session', async () => {
    for (const method of ['get', 'enumerate', 'pull', 'identify', 'enumerateAll'] as const) {
      const r = rig(1);
      await (r.client[method] as (...a: unknown[]) => Promise<unknown>)('AMT_GeneralSettings', 'ctx');
      assert.deepEqual(r.calls, [method, method], method);
      assert.equal(r.sessions(), 2);
    }
  });

  test('Put, Invoke, Create, Delete are not repeated; the error says so and how to check whether it was applied', async () => {
    for (const method of ['put', 'invoke', 'create', 'delete', 'subscribe'] as const) {
      const r = rig(1);
      const err = await (r.client[method] as (...a: unknown[]) => Promise<unknown>)('AMT_GeneralSettings', 'X', {}).catch((e: unknown) => e);
      assert.ok(err instanceof AmtError && err.code === 'local.reset', method);
      assert.match(err.message, /was not repeated: the firmware reset during the request, so the \w+ may have been applied and was not sent again: .*\b(Get|enumerate)\b.*\.$/);
      assert.deepEqual(r.calls, [method]);
    }
  });

  test('raw envelopes are judged by their Action', async () => {
    const get = rig(1);
    await get.client.sendRaw(buildGet('AMT_GeneralSettings'));
    assert.deepEqual(get.calls, ['sendRaw', 'sendRaw']);
    const identify = rig(1);
    await identify.client.sendRaw(buildIdentify());
    assert.equal(identify.calls.length, 2);
    const put = rig(1);
    await assert.rejects(put.client.sendRaw(buildPut('AMT_GeneralSettings', { HostName: 'x' })), (e: unknown) => e instanceof AmtError && e.code === 'local.reset');
    assert.deepEqual(put.calls, ['sendRaw']);
  });

  test('a failure of a live session (no reset) is passed on untouched and not retried', async () => {
    const failing = resetTolerantClient({
      session: async () => ({}) as ApfSession,
      client: async () => ({ get: async () => Promise.reject(new AmtError('auth.failed', 'wrong password')) }) as unknown as WsmanClient,
      lost: () => false,
    });
    await assert.rejects(failing.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'auth.failed');
  });

  test('two resets in a row fail the read with a sentence of its own', async () => {
    const r = rig(2);
    await assert.rejects(r.client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && /again during its retry/.test(e.message));
  });
});
