/**
 * AMT's standard RFB port (5900's role) on the simulator over real sockets: closed until
 * IPS_KVMRedirectionSettingData has Is5900PortEnabled and an RFBPassword (written by a WS-Man Put,
 * read back empty); then VNC authentication with that password gives a frame equal to the
 * simulator's framebuffer, from the library and from `amtwb kvm screenshot --rfb-port`; a wrong
 * password is refused once with the fix named, and the next viewer with the right one gets in.
 * The DES response is checked against OpenSSL's own DES (its legacy provider), an implementation
 * neither side of ours shares.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKvmCli } from '../../../server/src/cli/kvm';
import type { CliIo } from '../../../server/src/cli/feature-commands';
import { AmtError } from '../../../server/src/errors';
import { decodePng } from '../../../server/src/features/kvm/png';
import { screenshotRfbPort } from '../../../server/src/features/kvm/session';
import { vncAuthResponse } from '../../../server/src/features/kvm/vnc-auth';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { vncResponse } from '../../../server/src/sim/kvm/vnc-auth';
import { tcpTransport, WsmanClient } from '../../../server/src/wsman';
import { mismatches } from './helpers';

const RFB_PASSWORD = 'Kvm-5900!';

/** OpenSSL's DES-ECB of `data` with the VNC key made from `password` (bits of each byte reversed). */
function opensslVncResponse(challenge: Buffer, password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  const reversed = [...key].map((b) => parseInt(b.toString(2).padStart(8, '0').split('').reverse().join(''), 2));
  return execFileSync('openssl', ['enc', '-des-ecb', '-nopad', '-K', Buffer.from(reversed).toString('hex'), '-provider', 'legacy', '-provider', 'default'], { input: challenge });
}

describe('the simulator\'s standard RFB port (5900) with VNC authentication', () => {
  let sim: Simulator;
  let client: WsmanClient;
  let dir: string;
  const target = (password: string) => ({ host: '127.0.0.1', port: sim.rfb!.port!, label: 'the simulator', password, timeoutMs: 10_000 });

  before(async () => {
    sim = await startSimulator({ port: 0, rfbPort: 0 });
    sim.device.instances('IPS_OptInService')[0]!.OptInRequired = 0;
    client = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), ...DEFAULT_ACCOUNT });
    dir = mkdtempSync(join(tmpdir(), 'amtwb-rfb-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  });

  it('answers VNC authentication as OpenSSL\'s DES does, in the product and in the simulator', () => {
    for (const password of [RFB_PASSWORD, 'short', 'longer-than-8-chars']) {
      const challenge = randomBytes(16);
      const expected = opensslVncResponse(challenge, password);
      assert.equal(vncAuthResponse(challenge, password).toString('hex'), expected.toString('hex'));
      assert.equal(vncResponse(challenge, password).toString('hex'), expected.toString('hex'));
    }
  });

  it('is closed while Is5900PortEnabled is false, and the error says what to enable', async () => {
    await assert.rejects(screenshotRfbPort(target(RFB_PASSWORD)), (err: unknown) => {
      assert.ok(err instanceof AmtError);
      assert.equal(err.code, 'kvm.disabled');
      assert.match(err.message, /port 5900 is off, no RFB password is set/);
      return true;
    });
    assert.match(sim.rfb!.lastRefusal ?? '', /Is5900PortEnabled is false/);
  });

  it('after a Put of Is5900PortEnabled and RFBPassword (read back empty), gives a frame equal to the framebuffer', async () => {
    const settings = (await client.get('IPS_KVMRedirectionSettingData')).properties;
    await client.put('IPS_KVMRedirectionSettingData', { ...settings, Is5900PortEnabled: 'true', RFBPassword: RFB_PASSWORD } as never);
    const after = (await client.get('IPS_KVMRedirectionSettingData')).properties;
    assert.equal(after['RFBPassword'], '');
    assert.equal(String(after['Is5900PortEnabled']), 'true');
    const shot = await screenshotRfbPort(target(RFB_PASSWORD));
    assert.equal(shot.route, `RFB 127.0.0.1:${sim.rfb!.port}`);
    const png = decodePng(shot.png);
    assert.deepEqual([png.width, png.height], [1024, 768]);
    assert.equal(mismatches(sim, png.width, png.height, png.rgba, 'rgb565'), 0);
  });

  it('refuses a wrong password once with the fix named; the next viewer with the right one gets in', async () => {
    await assert.rejects(screenshotRfbPort(target('Wrong-pw1')), (err: unknown) => {
      assert.ok(err instanceof AmtError);
      assert.equal(err.code, 'kvm.auth');
      assert.match(err.message, /refused the RFB password on its port 5900; set the password you wrote to IPS_KVMRedirectionSettingData\.RFBPassword in AMT_RFB_PASSWORD/);
      assert.doesNotMatch(err.message, /Wrong-pw1/);
      return true;
    });
    const shot = await screenshotRfbPort(target(RFB_PASSWORD));
    assert.equal(decodePng(shot.png).width, 1024);
  });

  it('amtwb kvm screenshot --rfb-port writes the PNG with the password from AMT_RFB_PASSWORD, and without it says where it goes', async () => {
    const lines: string[] = [];
    const io: CliIo = {
      out: async (t) => void lines.push(t),
      err: async (t) => void lines.push(t),
      connect: async () => client,
      target: `http://127.0.0.1:${sim.port}`,
      targetUrl: `http://127.0.0.1:${sim.port}`,
      signal: new AbortController().signal,
    };
    const out = join(dir, 'rfb.png');
    const saved = process.env.AMT_RFB_PASSWORD;
    try {
      delete process.env.AMT_RFB_PASSWORD;
      await assert.rejects(runKvmCli(['screenshot', '--out', out, '--rfb-port', String(sim.rfb!.port)], io), /needs the RFB password in AMT_RFB_PASSWORD/);
      process.env.AMT_RFB_PASSWORD = RFB_PASSWORD;
      assert.equal(await runKvmCli(['screenshot', '--out', out, '--rfb-port', String(sim.rfb!.port)], io), 0);
    } finally {
      if (saved === undefined) delete process.env.AMT_RFB_PASSWORD;
      else process.env.AMT_RFB_PASSWORD = saved;
    }
    const png = decodePng(readFileSync(out));
    assert.equal(mismatches(sim, png.width, png.height, png.rgba, 'rgb565'), 0);
    assert.match(lines.join('\n'), new RegExp(`Wrote .*rfb\\.png: 1024×768 from 127\\.0\\.0\\.1:${sim.rfb!.port} over RFB`));
    assert.doesNotMatch(lines.join('\n'), new RegExp(RFB_PASSWORD));
  });

  it('closes at once when KVM is disabled, even with 5900 enabled', async () => {
    const sap = sim.device.instances('CIM_KVMRedirectionSAP')[0]!;
    const before = sap.EnabledState;
    sap.EnabledState = 3;
    try {
      await assert.rejects(screenshotRfbPort(target(RFB_PASSWORD)), /closed its RFB port .* at once/);
      assert.match(sim.rfb!.lastRefusal ?? '', /KVM is disabled \(CIM_KVMRedirectionSAP\)/);
    } finally {
      sap.EnabledState = before;
    }
  });
});
