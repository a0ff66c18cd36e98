/**
 * A firmware reset in the middle of a request (the simulator resets its MEI device from inside the
 * request, before answering): requests that only read are sent once more on a fresh APF session;
 * requests that change something are not repeated, and the caller is told the reset happened.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, afterEach, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { managedSystemEpr } from '../../../server/src/features/power';
import type { TargetRegistry } from '../../../server/src/targets/registry';
import type { WsmanClient } from '../../../server/src/wsman';
import { countRequests, localRegistry, localRig, meiSuite, type LocalRig } from './helpers';

const GET = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get';
const PULL = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull';
const NOT_REPEATED = /was not repeated: the firmware reset during the request, so the (Put|Invoke) may have been applied and was not sent again: .+\.$/;

meiSuite('a firmware reset during a request', () => {
  let rig: LocalRig;
  let registry: TargetRegistry;
  let client: WsmanClient;
  let counts: Map<string, number>;
  let handshakes: number;

  let serveChannels: LocalRig['sim']['mei']['lme'] extends infer L ? (L extends { options: { handleConnection: infer H } } ? H : never) : never;

  before(async () => {
    rig = await localRig();
    serveChannels = rig.sim.mei.lme!.options.handleConnection;
  });
  after(() => rig?.close());
  beforeEach(async () => {
    handshakes = 0;
    registry = localRegistry(rig.path, {}, {
      trace: (_id, _direction, text) => {
        if (text.startsWith('APF send PROTOCOL_VERSION')) handshakes++;
      },
    });
    client = await registry.connect('local');
    await client.get('AMT_GeneralSettings'); // session and Digest established before the reset
    counts = countRequests(rig.sim);
  });
  afterEach(async () => {
    rig.sim.mei.lme!.options.handleConnection = serveChannels;
    for (const r of extra.splice(0)) await r.dispose();
    rig.sim.device.removeAllListeners('request');
    rig.sim.device.removeAllListeners('put');
    rig.sim.device.removeAllListeners('power');
    await registry.dispose();
  });

  /** Resets the firmware the first `times` times `event` fires (with `match` true). */
  const resetOn = (event: string, match: (e: { action?: string }) => boolean = () => true, times = 1) => {
    let left = times;
    rig.sim.device.on(event, (e: { action?: string }) => {
      if (left > 0 && match(e)) {
        left--;
        rig.sim.mei.reset();
      }
    });
  };

  /**
   * Resets the firmware when the host opens the next `times` APF channels: the firmware has sent
   * CHANNEL_OPEN_CONFIRMATION, the reset drops it before the host reads it. Returns a client on a
   * new registry whose APF session is up but has no channel yet, so its next request opens one.
   */
  const resetOnChannelOpen = async (times = 1): Promise<WsmanClient> => {
    const lme = rig.sim.mei.lme!;
    const serve = lme.options.handleConnection;
    let left = times;
    lme.options.handleConnection = (stream, port) => {
      if (left-- > 0) return rig.sim.mei.reset();
      lme.options.handleConnection = serve;
      serve(stream, port);
    };
    const fresh = localRegistry(rig.path, {}, {
      trace: (_id, _direction, text) => {
        if (text.startsWith('APF send PROTOCOL_VERSION')) handshakes++;
      },
    });
    extra.push(fresh);
    handshakes = 0;
    return fresh.connect('local');
  };
  const extra: TargetRegistry[] = [];

  /** Process-level errors while `fn` runs (an 'error' nobody listens for is an uncaught exception). */
  const processErrors = async (fn: () => Promise<void>): Promise<unknown[]> => {
    const seen: unknown[] = [];
    const record = (e: unknown) => seen.push(e);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    try {
      await fn();
      await new Promise((r) => setTimeout(r, 50)); // an error emitted on a later tick still counts
    } finally {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    }
    return seen;
  };

  it('a reset while a channel opens: the process survives and the Get is sent once more and succeeds', async () => {
    const fresh = await resetOnChannelOpen();
    const errors = await processErrors(async () => {
      const gs = await fresh.get('AMT_GeneralSettings');
      assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
    });
    assert.deepEqual(errors, []);
    assert.equal(counts.get('Get'), 1, 'the first attempt never reached the device, the retry did');
    assert.equal(handshakes, 2, 'the retry ran on a second APF session');
  });

  it('a reset while a channel opens twice in a row: the Get fails once with the retry message', async () => {
    const fresh = await resetOnChannelOpen(2);
    const errors = await processErrors(async () => {
      await assert.rejects(fresh.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'local.reset' && /again during its retry/.test(e.message));
    });
    assert.deepEqual(errors, []);
    assert.ok(await fresh.get('AMT_GeneralSettings'), 'the ME settled: the next Get works');
  });

  it('a reset while a channel opens: a Put is not sent again and says it may have been applied', async () => {
    const gs = await client.get('AMT_GeneralSettings');
    const fresh = await resetOnChannelOpen();
    const errors = await processErrors(async () => {
      const err = await fresh.put('AMT_GeneralSettings', { ...gs.properties, HostName: 'put-during-open' }).then(
        () => assert.fail('the Put should report the reset'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof AmtError, String(err));
      assert.equal(err.code, 'local.reset');
      assert.match(err.message, /^Put AMT_GeneralSettings was not repeated/);
      assert.match(err.message, NOT_REPEATED);
    });
    assert.deepEqual(errors, []);
    assert.equal(counts.get('Put') ?? 0, 0, 'no Put reached the device, and none was sent again');
    assert.equal((await client.get('AMT_GeneralSettings')).properties.HostName, gs.properties.HostName);
  });

  it('a reset while a channel opens: an Invoke is not sent again', async () => {
    const fresh = await resetOnChannelOpen();
    const errors = await processErrors(async () => {
      await assert.rejects(
        fresh.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 8, ManagedElement: managedSystemEpr() }),
        (e: unknown) => e instanceof AmtError && e.code === 'local.reset' && NOT_REPEATED.test(e.message),
      );
    });
    assert.deepEqual(errors, []);
    assert.equal(counts.get('RequestPowerStateChange') ?? 0, 0);
  });

  it('a Get is sent once more on a new session and succeeds', async () => {
    resetOn('request', (e) => e.action === GET);
    const gs = await client.get('AMT_GeneralSettings');
    assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
    assert.equal(counts.get('Get'), 2);
    assert.equal(handshakes, 2, 'the retry ran on a second APF session');
  });

  it('an enumeration whose Pull is interrupted is walked again and returns everything', async () => {
    resetOn('request', (e) => e.action === PULL);
    const items = await client.enumerateAll('CIM_SoftwareIdentity');
    assert.equal(items.length, rig.sim.device.instances('CIM_SoftwareIdentity').length);
    assert.equal(counts.get('Pull'), 2);
  });

  it('a Put is not repeated and the caller learns of the reset; the device did apply it once', async () => {
    const gs = await client.get('AMT_GeneralSettings');
    resetOn('put');
    const err = await client.put('AMT_GeneralSettings', { ...gs.properties, HostName: 'renamed-during-reset' }).then(
      () => assert.fail('the Put should report the reset'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AmtError, String(err));
    assert.equal(err.code, 'local.reset');
    assert.match(err.message, /^Put AMT_GeneralSettings was not repeated/);
    assert.match(err.message, NOT_REPEATED);
    assert.equal(counts.get('Put'), 1, 'the simulator saw exactly one Put');
    // As the message says: check with Get (on a new session).
    assert.equal((await client.get('AMT_GeneralSettings')).properties.HostName, 'renamed-during-reset');
    assert.equal(counts.get('Put'), 1);
  });

  it('an Invoke is not repeated: the host is powered off once, not twice', async () => {
    resetOn('power');
    const changes: number[] = [];
    rig.sim.device.on('power', (p: { state: number }) => changes.push(p.state));
    await assert.rejects(
      client.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 8, ManagedElement: managedSystemEpr() }),
      (e: unknown) => e instanceof AmtError && e.code === 'local.reset' && /^Invoke CIM_PowerManagementService\.RequestPowerStateChange was not repeated/.test(e.message) && NOT_REPEATED.test(e.message),
    );
    assert.equal(counts.get('RequestPowerStateChange'), 1);
    assert.deepEqual(changes, [8]);
    assert.equal(rig.sim.device.requestPowerStateChange(2), 0);
  });

  it('a reset while idle goes unnoticed: the next request opens a new session', async () => {
    rig.sim.mei.reset();
    assert.equal((await client.get('AMT_GeneralSettings')).properties.HostName !== undefined, true);
    assert.equal(counts.get('Get'), 1);
    assert.equal(handshakes, 2);
  });

  it('a Get interrupted again during its retry fails, saying the ME keeps resetting', async () => {
    resetOn('request', (e) => e.action === GET, 2);
    await assert.rejects(client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'local.reset' && /again during its retry/.test(e.message));
    assert.equal(counts.get('Get'), 2);
    // The ME settled: the next Get works.
    assert.ok(await client.get('AMT_GeneralSettings'));
  });
});
