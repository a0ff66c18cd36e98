/**
 * Our APF session as a drop-in LMS (what `amtwb lms` runs): TCP connections accepted on 127.0.0.1
 * and forwarded, each over its own APF channel, so an unmodified HTTP client reaches AMT.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { LocalApf } from '../../../server/src/targets/local/apf';
import { serveAsLms, type LmsServer } from '../../../server/src/targets/local/forward';
import { tcpTransport, WsmanClient } from '../../../server/src/wsman';
import { eventually, localRig, meiSuite, type LocalRig } from './helpers';

meiSuite('the LMS stand-in', () => {
  let rig: LocalRig;
  let apf: LocalApf;
  let lms: LmsServer;
  const client = () => new WsmanClient({ transport: tcpTransport('127.0.0.1', lms.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });

  before(async () => {
    rig = await localRig();
    apf = new LocalApf({ meiPath: rig.path });
    lms = await serveAsLms({ apf, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await lms?.close();
    await apf?.close();
    await rig?.close();
  });

  it('a WS-Man client on plain TCP reaches AMT through it; each connection is its own channel', async () => {
    const clients = Array.from({ length: 5 }, client);
    try {
      const results = await Promise.all(clients.map((c) => c.get('AMT_GeneralSettings')));
      for (const gs of results) assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      assert.equal(rig.sim.mei.lme?.channelCount, 5);
    } finally {
      for (const c of clients) c.close();
    }
    // Closing a TCP connection closes its channel.
    await eventually(() => rig.sim.mei.lme?.channelCount === 0);
    assert.deepEqual(rig.sim.mei.lme?.violations, []);
  });

  it('after a firmware reset, new connections are forwarded over a new session', async () => {
    const c = client();
    try {
      await c.get('AMT_GeneralSettings');
      rig.sim.mei.reset();
      await eventually(() => lms.active === 0); // the open connection was closed, as LMS does
      const again = client();
      assert.ok(await again.get('AMT_GeneralSettings'));
      again.close();
      assert.equal(apf.sessionsStarted, 2);
    } finally {
      c.close();
    }
  });
});
