/**
 * The one-time boot sequence (features/boot) against the simulator over a real socket: each
 * target leaves the next boot as asked, the host's next boot shows the medium, the default power
 * change, and refusals that come before any write.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';
import { bootOnce, BootError } from '../../../server/src/features/boot';
import type { BootTarget } from '../../../server/src/protocol';

/** Actions of the requests the simulator read, for counting writes. */
function recordRequests(sim: Simulator): { actions: string[]; writes(): string[] } {
  const actions: string[] = [];
  sim.device.on('request', (r: { action?: string }) => actions.push(r.action ?? ''));
  return { actions, writes: () => actions.filter((a) => !/\/(Get|Enumerate|Pull|Release)$/.test(a) && !a.endsWith('/transfer/Get')) };
}

describe('bootOnce against the simulator', () => {
  let sim: Simulator;
  let client: WsmanClient;
  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), ...DEFAULT_ACCOUNT });
  });
  after(async () => {
    client?.close();
    await sim?.close();
  });

  const expected: Record<BootTarget, string> = {
    pxe: 'pxe', hdd: 'hard-drive', cd: 'cd-dvd', 'ider-cd': 'ider-cd', 'ider-floppy': 'ider-floppy', 'bios-setup': 'bios-setup',
  };
  for (const [target, medium] of Object.entries(expected) as [BootTarget, string][]) {
    test(`${target}: the full console sequence, then the host boots from ${medium}`, async () => {
      const before = sim.device.host.state.boots.length;
      const r = await bootOnce(client, { target });
      const writes = r.steps.map((s) => s.step).filter((s) => !s.startsWith('Get ') && !s.startsWith('Enumerate '));
      const forced = target === 'pxe' || target === 'hdd' || target === 'cd';
      assert.deepEqual(writes.map((s) => s.replace(/ Intel\(r\) AMT: .*/, ' <source>')), [
        'ChangeBootOrder (clear the forced device)',
        'Put AMT_BootSettingData',
        'SetBootConfigRole 1 (next boot only)',
        ...(forced ? ['ChangeBootOrder <source>'] : []),
        'RequestPowerStateChange 10 (reset)',
      ]);
      assert.ok(r.steps.every((s) => s.ok));
      assert.equal(sim.device.host.state.boots.length, before + 1);
      assert.equal(sim.device.host.lastBoot?.medium, medium);
      assert.equal(sim.device.host.lastBoot?.reason, 'Reset');
      assert.match(r.message, /^Next boot: once .* The host was reset into it\.$/);
      assert.equal(r.powerState?.powerState, 2);
    });
  }

  test('the boot consumed the options: the following boot uses the host\'s own order', async () => {
    await bootOnce(client, { target: 'pxe' });
    await client.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 10, ManagedElement: { kind: 'epr', address: '', resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem', selectors: { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' } } });
    assert.equal(sim.device.host.lastBoot?.medium, 'hard-drive');
    assert.equal(sim.device.host.lastBoot?.oneTime, false);
  });

  test('power default: on when the host is off', async () => {
    sim.device.requestPowerStateChange(8);
    const r = await bootOnce(client, { target: 'bios-setup', useSol: true });
    assert.equal(r.steps.at(-1)?.step, 'RequestPowerStateChange 2 (on)');
    assert.equal(sim.device.host.lastBoot?.reason, 'Power Up');
    assert.equal(sim.device.host.lastBoot?.options.UseSOL, true);
    assert.match(r.message, /BIOS output to SOL/);
  });

  test('--power none leaves the host alone and the options armed', async () => {
    const before = sim.device.host.state.boots.length;
    const r = await bootOnce(client, { target: 'cd', power: 'none' });
    assert.equal(sim.device.host.state.boots.length, before);
    assert.ok(!r.steps.some((s) => s.step.startsWith('RequestPowerStateChange')));
    assert.match(r.message, /not powered on or reset/);
    sim.device.requestPowerStateChange(10);
    assert.equal(sim.device.host.lastBoot?.medium, 'cd-dvd');
  });

  test('a capability the device lacks is refused before any write', async () => {
    const log = recordRequests(sim);
    const caps = sim.device.singleton('AMT_BootCapabilities');
    caps.IDER = false;
    try {
      await assert.rejects(bootOnce(client, { target: 'ider-cd' }), (e: unknown) =>
        e instanceof BootError && e.code === 'boot.unsupported' && /AMT_BootCapabilities\.IDER is false, so nothing was sent/.test(e.message));
      await assert.rejects(bootOnce(client, { target: 'pxe', biosPause: true }), /BIOSPause is false/);
    } finally {
      caps.IDER = true;
    }
    assert.ok(log.actions.length > 0);
    assert.deepEqual(log.writes(), []);
  });

  test('power on while the host is on is refused before any write', async () => {
    const log = recordRequests(sim);
    await assert.rejects(bootOnce(client, { target: 'pxe', power: 'on' }), /already on/);
    assert.deepEqual(log.writes(), []);
  });
});
