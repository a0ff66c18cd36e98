/**
 * WS-Man over our own APF channels through the `local` target: the product's koffi MEI path, its
 * APF session in the LMS role, and its WS-Man client, against the simulator's firmware side
 * behind the emulated /dev/mei0.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { managedSystemEpr } from '../../../server/src/features/power';
import { localSystemAccount } from '../../../server/src/sim/firmware/device-facts';
import { LocalApf } from '../../../server/src/targets/local/apf';
import { localClient } from '../../../server/src/targets/local/clients';
import { TEST_CERT, TEST_CERT_SHA256, TEST_KEY } from '../../unit/wsman/tlsTestCert';
import { countRequests, localRegistry, localRig, meiSuite, type LocalRig } from './helpers';

const ADMIN = { user: 'admin', password: 'P@ssw0rd' };

meiSuite('WS-Man over APF through the local target', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig({}, { extraSoftwareIdentities: 4000 });
  });
  after(() => rig?.close());

  it('Get works with no password: the local system account comes from AMTHI', async () => {
    const registry = localRegistry(rig.path);
    try {
      const client = await registry.connect('local');
      const gs = await client.get('AMT_GeneralSettings');
      assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      assert.equal(registry.info('local').state, 'connected');
      assert.equal(registry.info('local').user, '(local system account)');
    } finally {
      await registry.dispose();
    }
  });

  it('Enumerate and Invoke work over APF, with given credentials too', async () => {
    const registry = localRegistry(rig.path);
    try {
      const client = await registry.connect('local', ADMIN);
      const items = await client.enumerateAll('CIM_ComputerSystem');
      assert.ok(items.some((i) => i.instance?.properties.Name === 'ManagedSystem'));
      const result = await client.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 8, ManagedElement: managedSystemEpr() });
      assert.equal(result.returnValue, 0);
      assert.equal(rig.sim.device.powerState, 8);
      assert.equal(rig.sim.device.requestPowerStateChange(2), 0); // back on for the other tests
    } finally {
      await registry.dispose();
    }
  });

  it('a wrong password is refused by the device, not by the transport', async () => {
    const registry = localRegistry(rig.path);
    try {
      const client = await registry.connect('local', { user: 'admin', password: 'wrong' });
      await assert.rejects(client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'auth.failed');
    } finally {
      await registry.dispose();
    }
  });

  it('20 clients run 20 Gets at once, each on its own APF channel of one session', async () => {
    const apf = new LocalApf({ meiPath: rig.path });
    const clients = Array.from({ length: 20 }, () => localClient(apf));
    try {
      const results = await Promise.all(clients.map((c) => c.get('AMT_GeneralSettings')));
      assert.equal(results.length, 20);
      for (const gs of results) assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      assert.equal(rig.sim.mei.lme?.channelCount, 20, 'every client keeps its own channel open (keep-alive)');
      assert.equal(apf.sessionsStarted, 1);
      assert.deepEqual(rig.sim.mei.lme?.violations, []);
    } finally {
      for (const c of clients) c.close();
      await apf.close();
    }
  });

  it('a Pull of more than 1 MB arrives whole, across many window adjusts', async () => {
    const sizes: number[] = [];
    let adjusts = 0;
    const registry = localRegistry(rig.path, {}, {
      trace: (_id, direction, text, layer) => {
        if (layer === 'http' && direction === 'response') sizes.push(Buffer.byteLength(text));
        if (layer === 'apf' && direction === 'request' && text.startsWith('APF send CHANNEL_WINDOW_ADJUST')) adjusts++;
      },
    });
    try {
      const client = await registry.connect('local');
      const first = await client.enumerate('CIM_SoftwareIdentity');
      const page = await client.pull('CIM_SoftwareIdentity', first.context!, { maxElements: 100_000 });
      assert.equal(page.items.length, rig.sim.device.instances('CIM_SoftwareIdentity').length);
      assert.equal(page.items.at(-1)?.instance?.properties.InstanceID, 'Simulated Component 004000');
      assert.ok(Math.max(...sizes) >= 1024 * 1024, `largest response ${Math.max(...sizes)} bytes`);
      assert.ok(adjusts >= 32, `only ${adjusts} window adjusts`);
      assert.deepEqual(rig.sim.mei.lme?.violations, []);
    } finally {
      await registry.dispose();
    }
  });

  it('the trace shows MEI messages in hex, APF messages decoded and HTTP with Authorization redacted — never the local password', async () => {
    const lines: { direction: string; layer: string; text: string }[] = [];
    const registry = localRegistry(rig.path, {}, { trace: (_id, direction, text, layer = 'http') => lines.push({ direction, layer, text }) });
    try {
      await (await registry.connect('local')).get('AMT_GeneralSettings');
    } finally {
      await registry.dispose();
    }
    const mei = lines.filter((l) => l.layer === 'mei');
    const apf = lines.filter((l) => l.layer === 'apf');
    const http = lines.filter((l) => l.layer === 'http');
    assert.match(mei[0]!.text, /^MEI write LME \(93 bytes\) c0000000010000000000000/); // our PROTOCOLVERSION
    assert.ok(mei.some((l) => /^MEI read AMTHI .*\(password bytes zeroed\)$/.test(l.text)));
    assert.ok(apf.some((l) => l.text === 'APF receive SERVICE_REQUEST service="pfwd@amt.intel.com"'));
    assert.ok(apf.some((l) => /^APF send CHANNEL_OPEN channelType="forwarded-tcpip" .* port=16992/.test(l.text)));
    assert.ok(http.some((l) => /^Authorization: \[redacted\]$/m.test(l.text)), 'an authorized request is traced, redacted');
    // The same request in the MEI hex: the Authorization value is zeroed there too.
    assert.ok(mei.some((l) => /^MEI write LME .* \(secrets zeroed\)$/.test(l.text)));
    const digestHex = Buffer.from('Digest username=').toString('hex');
    assert.ok(!lines.some((l) => l.text.includes(digestHex) || l.text.includes('Digest username=')));
    const password = localSystemAccount(rig.sim.device).password;
    const passwordHex = Buffer.from(password, 'latin1').toString('hex');
    for (const l of lines) {
      assert.ok(!l.text.includes(password) && !l.text.includes(passwordHex), `the local password leaked into: ${l.text.slice(0, 120)}`);
    }
  });

  it('requests reach the simulator as they were sent: one Get is one request', async () => {
    const counts = countRequests(rig.sim);
    const registry = localRegistry(rig.path);
    try {
      await (await registry.connect('local')).get('AMT_GeneralSettings');
      assert.equal(counts.get('Get'), 1);
    } finally {
      await registry.dispose();
    }
  });
});

meiSuite('TLS over APF (port 16993)', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig({}, { tls: { key: TEST_KEY, cert: TEST_CERT } });
  });
  after(() => rig?.close());

  it('Get works through a channel to 16993 with the certificate pinned', async () => {
    const lines: string[] = [];
    const registry = localRegistry(rig.path, { tls: true, trustedFingerprint256: TEST_CERT_SHA256 }, { trace: (_id, _d, text) => lines.push(text) });
    try {
      const gs = await (await registry.connect('local')).get('AMT_GeneralSettings');
      assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      assert.ok(lines.some((l) => /^APF send CHANNEL_OPEN .* port=16993/.test(l)));
    } finally {
      await registry.dispose();
    }
  });

  it('an untrusted certificate is refused with its fingerprint in the message', async () => {
    const registry = localRegistry(rig.path, { tls: true });
    try {
      const client = await registry.connect('local');
      await assert.rejects(client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'tls.untrusted' && e.message.includes(TEST_CERT_SHA256));
    } finally {
      await registry.dispose();
    }
  });
});
