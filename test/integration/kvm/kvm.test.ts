/**
 * The product's KVM client against the simulator's KVM over real sockets (127.0.0.1): `amtwb kvm
 * screenshot` writes a PNG equal to the simulator's own framebuffer (in each pixel format, RLE and
 * raw), `amtwb kvm type` reaches the host's console (seen on SOL), and each refusal is the one
 * sentence the user sees — KVM disabled, consent required, and another viewer holding the session.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKvmCli } from '../../../server/src/cli/kvm';
import { registerKvmHandlers } from '../../../server/src/handlers/kvm';
import { KvmRequests } from '../../../server/src/protocol';
import type { CliIo } from '../../../server/src/cli/feature-commands';
import { AmtError } from '../../../server/src/errors';
import { sendConsentCode, startConsent } from '../../../server/src/features/consent';
import { openSol } from '../../../server/src/features/redirection/connect';
import { decodePng } from '../../../server/src/features/kvm/png';
import { openKvm } from '../../../server/src/features/kvm/session';
import { KVM_EXT_CMD } from '../../../server/src/features/kvm/rfb';
import type { Simulator } from '../../../server/src/sim';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { isError, Screen } from '../redirection/helpers';
import { mismatches } from './helpers';


describe('amtwb kvm against the simulator', () => {
  const registry = new TargetRegistry({ simulator: true });
  let sim: Simulator;
  let dir: string;
  const lines: string[] = [];
  const io = (): CliIo => ({
    out: async (t) => void lines.push(t),
    err: async (t) => void lines.push(t),
    connect: () => registry.connect('sim'),
    target: 'sim',
    signal: new AbortController().signal,
    redirection: redirectionTarget(registry, 'sim'),
  });

  before(async () => {
    sim = await registry.simulator('sim');
    sim.device.instances('IPS_OptInService')[0]!.OptInRequired = 0;
    dir = mkdtempSync(join(tmpdir(), 'amtwb-kvm-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    return registry.dispose();
  });

  it('screenshot writes a PNG at the host resolution equal to the simulator framebuffer (RLE stored and zlib, raw, RGB565, RGB332, grey)', async () => {
    // Put text on the screen first (the host's login prompt), so the frame is not all background.
    const { session } = await openSol(redirectionTarget(registry, 'sim'));
    const screen = new Screen(session);
    session.write(Buffer.from('\r'));
    await screen.waitForAny(['login: ', '# ']);
    await session.close();
    for (const [format, extra] of [['rgb565', []], ['rgb565', ['--raw']], ['rgb565', ['--zlib']], ['rgb332', ['--zlib']], ['grey8', []]] as const) {
      const out = join(dir, `${format}${extra.join('')}.png`);
      assert.equal(await runKvmCli(['screenshot', '--out', out, '--format', format, ...extra], io()), 0);
      const png = decodePng(readFileSync(out));
      assert.deepEqual([png.width, png.height], [1024, 768]);
      assert.equal(mismatches(sim, png.width, png.height, png.rgba, format), 0, `${format} ${extra.join(' ')}`);
      let ink = 0;
      for (let i = 0; i < png.rgba.length; i += 4) if (png.rgba[i]! > 0) ink++;
      assert.ok(ink > 100, 'the login prompt is in the picture');
    }
    assert.match(lines.at(-1)!, /^Wrote .*grey8\.png: 1024×768 from .* over TCP 127\.0\.0\.1:\d+\.$/);
    // With zlib the device reports compression on (KvmExtCmd report 3, value 1) and the tiles are deflated.
    const { rfb } = await openKvm(redirectionTarget(registry, 'sim'), { zlib: true });
    try {
      const reports: string[] = [];
      rfb.on('cuttext', (t: string) => reports.push(Buffer.from(t, 'latin1').toString('hex')));
      await rfb.fullFrame();
      assert.deepEqual(reports, [Buffer.concat([KVM_EXT_CMD, Buffer.from([3, 1])]).toString('hex')]);
    } finally {
      await rfb.close();
    }
  });

  it('type sends keystrokes the host console receives: SOL shows them', async () => {
    const { session } = await openSol(redirectionTarget(registry, 'sim'));
    try {
      const screen = new Screen(session);
      session.write(Buffer.from('\r'));
      const at = (await screen.waitForAny(['login: ', '# '])).at;
      assert.equal(await runKvmCli(['type', 'root', '--enter'], io()), 0);
      assert.match(lines.at(-1)!, /^Typed 5 keys on /);
      const seen = await screen.waitForAny(['Password: ', '# '], at);
      assert.match(screen.text.slice(at, seen.at), /root/);
    } finally {
      await session.close();
    }
  });

  it('KVM disabled is told as "KVM is disabled" with the command that enables it', async () => {
    const client = await registry.connect('sim');
    await client.invoke('CIM_KVMRedirectionSAP', 'RequestStateChange', { RequestedState: 3 });
    try {
      await assert.rejects(openKvm(redirectionTarget(registry, 'sim')), isError('kvm.disabled', /KVM is disabled on .*amtwb redirection --kvm on/));
      await assert.rejects(runKvmCli(['screenshot', '--out', join(dir, 'no.png')], io()), isError('kvm.disabled', /amtwb redirection --kvm on/));
    } finally {
      await client.invoke('CIM_KVMRedirectionSAP', 'RequestStateChange', { RequestedState: 2 });
    }
  });

  it('consent required and not given is told with amtwb consent start / code', async () => {
    const optIn = sim.device.instances('IPS_OptInService')[0]!;
    optIn.OptInRequired = 1; // KVM only
    try {
      await assert.rejects(openKvm(redirectionTarget(registry, 'sim')), isError('kvm.consent', /requires user consent before a KVM session; start it with `amtwb consent start`.*`amtwb consent code NNNNNN`/));
      // The fix the sentence names works: start consent, send the code the host shows, then KVM opens.
      const client = await registry.connect('sim');
      await startConsent(client);
      await sendConsentCode(client, sim.device.optIn.code!);
      const { rfb } = await openKvm(redirectionTarget(registry, 'sim'));
      assert.equal((await rfb.fullFrame()).width, 1024);
      await rfb.close();
    } finally {
      optIn.OptInRequired = 0;
    }
  });

  it('a second viewer gets BUSY as one sentence; the first one keeps working', async () => {
    const first = await openKvm(redirectionTarget(registry, 'sim'));
    try {
      await assert.rejects(openKvm(redirectionTarget(registry, 'sim')), isError('redir.busy', /KVM session is already open .*close that viewer/));
      const fb = await first.rfb.fullFrame();
      assert.equal(fb.width, 1024);
    } finally {
      await first.rfb.close();
    }
  });

  it('amt/kvm/screenshot gives the same PNG base64 and amt/kvm/type reports the keys (the extension\'s requests)', async () => {
    const handlers = new Map<string, (p: unknown, s: AbortSignal) => Promise<unknown>>();
    registerKvmHandlers({ handle: (type, fn) => void handlers.set(type.method, fn as never), notify: () => undefined, registry });
    const call = (method: string, p: unknown) => handlers.get(method)!(p, new AbortController().signal) as Promise<Record<string, unknown>>;
    const shot = await call(KvmRequests.screenshot.method, { targetId: 'sim', format: 'rgb332' });
    const png = decodePng(Buffer.from(shot['png'] as string, 'base64'));
    assert.deepEqual([shot['width'], shot['height'], png.width], [1024, 768, 1024]);
    assert.equal(mismatches(sim, png.width, png.height, png.rgba, 'rgb332'), 0);
    assert.deepEqual((await call(KvmRequests.type.method, { targetId: 'sim', text: 'ab', enter: true }))['keys'], 3);
    await assert.rejects(call(KvmRequests.type.method, { targetId: 'sim' }), isError('args.invalid', /Nothing to type was given/));
  });

  it('command-line mistakes are one sentence each', async () => {
    await assert.rejects(runKvmCli([], io()), isError('usage', /"kvm" needs a subcommand/));
    await assert.rejects(runKvmCli(['screenshot'], io()), isError('usage', /needs the file to write/));
    await assert.rejects(runKvmCli(['screenshot', '--out', 'x.png', '--format', 'rgb888'], io()), isError('usage', /rgb565 .*rgb332 or grey8/));
    await assert.rejects(runKvmCli(['type'], io()), isError('usage', /needs the text to type/));
    await assert.rejects(runKvmCli(['paint'], io()), isError('usage', /"kvm paint" is not a KVM command/));
    await assert.rejects(runKvmCli(['type', '€'], io()), isError('args.invalid', /no key in AMT's KVM keyboard/));
  });
});
