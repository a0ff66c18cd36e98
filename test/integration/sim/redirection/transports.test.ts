/**
 * The redirection service on its other paths — TLS, and APF channels through the simulated LME as
 * LMS forwards them — and the consent and KVM rules of its session manager.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { ApfSession } from '../../../../server/src/apf/session';
import { LME_GUID } from '../../../../server/src/apf/constants';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../../server/src/sim';
import { LmeFirmware } from '../../../../server/src/sim/firmware/lme';
import { memoryMei } from '../../../helpers/mei-pair';
import { simSession } from '../sim-session';
import { Console, SOL_START, closeAndWait, sessionEnd, startSession } from './console';

const { user, password } = DEFAULT_ACCOUNT;

describe('redirection over TLS and over APF channels', () => {
  let sim: Simulator;
  let apf: ApfSession;
  before(async () => {
    sim = await startSimulator({ port: 0, redirectionPort: 0, redirectionTlsPort: 0 });
    const lme = new LmeFirmware({ handleConnection: (s, port) => sim.handleConnection(s, port) });
    apf = await ApfSession.start(await memoryMei([lme]).open(LME_GUID));
  });
  after(async () => {
    await apf?.close();
    await sim?.close();
  });

  it('serves SOL on the TLS port with the device certificate', async () => {
    const c = await Console.tls(sim.redirectionTlsPort!);
    assert.deepEqual(await c.logOn('SOL ', user, password), { start: 0, auth: 0 });
    c.send(SOL_START);
    assert.equal((await c.expect(0x21))[1], 0);
    const end = sessionEnd(sim.device);
    c.close();
    await end;
  });

  it('serves an APF channel to 16994 as a local connection', async () => {
    const channel = await apf.openChannel({ port: 16994 });
    const c = new Console(channel);
    assert.deepEqual(await c.logOn('SOL ', user, password), { start: 0, auth: 0 });
    const seen = new Promise<{ local: boolean }>((resolve) => sim.device.once('redirection', resolve));
    c.send(SOL_START);
    await c.expect(0x21);
    assert.equal((await seen).local, true);
    const end = sessionEnd(sim.device);
    c.send(Buffer.from([0x12, 0, 0, 0]));
    await end;
  });

  it('serves TLS inside an APF channel to 16995', async () => {
    const channel = await apf.openChannel({ port: 16995 });
    const socket = tls.connect({ socket: channel as never, rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    const c = new Console(socket);
    assert.deepEqual(await c.logOn('IDER', user, password), { start: 0, auth: 0 });
    const end = sessionEnd(sim.device);
    c.send(Buffer.from([0x12, 0, 0, 0]));
    await end;
  });
});

describe('user consent and KVM at the session manager', () => {
  const s = simSession({ redirectionPort: 0 });

  it('refuses IDE-R with ERROR while consent is required for all and not given, opens SOL anyway, and holds OptInState 4 during a consented session', async () => {
    const optIn = s.sim.device.singleton('IPS_OptInService');
    optIn.OptInRequired = 0xffffffff;
    const refused = await Console.tcp(s.sim.redirectionPort!);
    refused.send(startSession('IDER'));
    assert.equal((await refused.expect(0x11))[1], 0xff);
    await refused.closedByFirmware();

    const sol = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await sol.logOn('SOL ', user, password), { start: 0, auth: 0 });
    const solEnd = sessionEnd(s.sim.device);
    sol.close();
    await solEnd;

    assert.equal((await s.call('IPS_OptInService', 'StartOptIn')).ReturnValue, '0');
    assert.equal((await s.call('IPS_OptInService', 'SendOptInCode', { OptInCode: Number(s.sim.device.optIn.code) })).ReturnValue, '0');
    const ider = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await ider.logOn('IDER', user, password), { start: 0, auth: 0 });
    assert.equal(optIn.OptInState, 4, 'in session');
    const end = sessionEnd(s.sim.device);
    ider.close();
    await end;
    assert.equal(optIn.OptInState, 0, 'the consent ended with the session');
    optIn.OptInRequired = 0;
  });

  it('logs KVM on and answers its 0x40 with the 8-byte 0x41, then RFB takes the stream (test/integration/sim/kvm/)', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await c.logOn('KVMR', user, password), { start: 0, auth: 0 });
    c.stream.removeAllListeners('data');
    let got = Buffer.alloc(0);
    const handOff = new Promise<void>((resolve) => c.stream.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 20) resolve();
    }));
    c.send(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]));
    await handOff;
    assert.deepEqual([...got.subarray(0, 8)], [0x41, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(got.subarray(8, 20).toString('latin1'), 'RFB 003.008\n');
    await closeAndWait(c, s.sim.device);
  });

  it('answers UNSUPPORTED for KVM while CIM_KVMRedirectionSAP is disabled', async () => {
    assert.equal((await s.call('CIM_KVMRedirectionSAP', 'RequestStateChange', { RequestedState: 3 })).ReturnValue, '0');
    const c = await Console.tcp(s.sim.redirectionPort!);
    c.send(startSession('KVMR'));
    assert.equal((await c.expect(0x11))[1], 3);
    await c.closedByFirmware();
  });
});

describe('a device in client control mode (host-based setup)', () => {
  const s = simSession({ redirectionPort: 0 });
  const CCM_PASSWORD = 'Ccm#Admin1';

  it('refuses IDE-R with ERROR until the user consented, and opens SOL', async () => {
    assert.equal((await s.call('AMT_SetupAndConfigurationService', 'Unprovision', { ProvisioningMode: 1 })).ReturnValue, '0');
    const hex = createHash('md5').update(`admin:${s.sim.device.identity.realm}:${CCM_PASSWORD}`).digest('hex');
    assert.equal((await s.call('IPS_HostBasedSetupService', 'Setup', { NetAdminPassEncryptionType: 2, NetworkAdminPassword: hex })).ReturnValue, '0');
    const ider = await Console.tcp(s.sim.redirectionPort!);
    ider.send(startSession('IDER'));
    assert.equal((await ider.expect(0x11))[1], 0xff, 'consent required in CCM');
    await ider.closedByFirmware();
    const sol = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await sol.logOn('SOL ', user, CCM_PASSWORD), { start: 0, auth: 0 });
    await closeAndWait(sol, s.sim.device);
  });
});
