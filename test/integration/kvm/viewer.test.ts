/**
 * The editor's KVM viewer path without the editor, over real loopback sockets: a websocket client
 * (the `ws` package, as the webview's browser WebSocket would) connects to the one-time URL that
 * amt/kvm/openViewer's code mints, and the viewer's own protocol engine (features/kvm/viewer.ts,
 * the code the webview runs) logs on through the relay without any password, decodes a frame
 * equal to the simulator's framebuffer in each format and encoding, and types at the host.
 * Tokens are one-time; a client that breaks RFB mid-stream loses its session and the next works;
 * KVM switched off or consent missing are refused with the sentence that says which.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { AmtError } from '../../../server/src/errors';
import { registerKvmHandlers } from '../../../server/src/handlers/kvm';
import { KvmViewerRequests } from '../../../server/src/protocol';
import { setRedirectionFeatures } from '../../../server/src/features/redirection/features';
import { KvmViewerSession, type ViewerEncoding } from '../../../server/src/features/kvm/viewer';
import { KvmRelayServer, viewerUrl } from '../../../server/src/features/kvm/wsRelay';
import type { PixelFormatName } from '../../../server/src/features/kvm/tiles';
import type { Simulator } from '../../../server/src/sim';
import { framebufferOf } from '../../../server/src/sim/kvm/framebuffer';
import { redirectionTarget } from '../../../server/src/targets/redirection';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { mismatches } from './helpers';

interface Viewer { session: KvmViewerSession; ws: WebSocket; done: Promise<unknown>; frame(): Promise<void>; close(): Promise<void> }

async function connectViewer(url: string, format: PixelFormatName = 'rgb565', encoding: ViewerEncoding = 'rle'): Promise<Viewer> {
  const ws = new WebSocket(url);
  ws.binaryType = 'nodebuffer';
  const session = new KvmViewerSession((b) => ws.send(b), { format, encoding, label: 'Simulator' });
  ws.on('message', (d: Buffer) => session.push(new Uint8Array(d)));
  ws.on('close', () => session.end());
  ws.on('error', () => session.end());
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  let ended: unknown;
  const done = session.run().then(() => undefined, (err: unknown) => (ended = err ?? 'ended'));
  let frames = 0;
  let seen = 0;
  session.onFrame = () => void frames++;
  return {
    session, ws, done,
    /** Waits for a whole update not waited for before. */
    frame: async () => {
      const t = Date.now();
      while (frames === seen) {
        if (ended) throw new Error(`the session ended before a frame: ${String(ended)}`);
        if (Date.now() - t > 15000) throw new Error('no frame within 15 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      seen = frames;
    },
    close: async () => {
      ws.close();
      await done;
    },
  };
}

describe('KVM viewer over the websocket relay', () => {
  const registry = new TargetRegistry({ simulator: true });
  const relays = new KvmRelayServer();
  let sim: Simulator;
  const target = () => redirectionTarget(registry, 'sim');

  before(async () => {
    sim = await registry.simulator('sim');
    sim.device.instances('IPS_OptInService')[0]!.OptInRequired = 0;
  });
  after(async () => {
    await relays.close();
    await registry.dispose();
  });

  for (const [format, encoding] of [['rgb565', 'rle'], ['rgb565', 'raw'], ['rgb332', 'rle']] as const) {
    it(`a viewer with no password gets a frame equal to the simulator's framebuffer (${format}, ${encoding})`, async () => {
      const { url } = await viewerUrl(relays, target());
      assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/kvm\/[A-Za-z0-9_-]{32}$/);
      const v = await connectViewer(url, format, encoding);
      try {
        await v.frame();
        assert.equal(v.session.state, 'connected');
        assert.deepEqual([v.session.width, v.session.height], [1024, 768]);
        assert.equal(mismatches(sim, 1024, 768, v.session.rgba, format), 0);
        assert.ok(v.session.stats.decodeMs >= 0 && v.session.stats.rects >= 192, `${v.session.stats.rects} rects for the first frame`);
      } finally {
        await v.close();
      }
    });
  }

  it('keys typed in the viewer reach the host console and come back as an update', async () => {
    const v = await connectViewer((await viewerUrl(relays, target())).url);
    try {
      await v.frame();
      for (const ch of 'kvmviewer') {
        v.session.key(ch.charCodeAt(0), true);
        v.session.key(ch.charCodeAt(0), false);
      }
      const fb = framebufferOf(sim.device);
      const t = Date.now();
      // The host echoes the letters; the viewer's incremental update brings them; both agree.
      for (;;) {
        await v.frame();
        if (mismatches(sim, 1024, 768, v.session.rgba, 'rgb565') === 0 && fb.overlay === '' && v.session.stats.updates > 1) break;
        if (Date.now() - t > 10000) assert.fail('the viewer did not catch up with the typed text');
      }
      assert.ok(v.session.stats.updates > 1);
    } finally {
      await v.close();
    }
  });

  it('amt/kvm/openViewer answers a URL a viewer connects with; amt/kvm/revokeViewer makes an unused one useless', async () => {
    const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
    registerKvmHandlers({ handle: (type, fn) => void handlers.set(type.method, fn as never), notify: () => undefined, registry });
    const call = (method: string, p: unknown) => handlers.get(method)!(p, new AbortController().signal) as Promise<Record<string, string>>;
    const opened = await call(KvmViewerRequests.open.method, { targetId: 'sim' });
    assert.equal(opened['label'], 'Simulator');
    const v = await connectViewer(opened['url']!);
    try {
      await v.frame();
      assert.equal(mismatches(sim, 1024, 768, v.session.rgba, 'rgb565'), 0);
    } finally {
      await v.close();
    }
    const unused = await call(KvmViewerRequests.open.method, { targetId: 'sim' });
    await call(KvmViewerRequests.revoke.method, { token: unused['token'] });
    const refused = new WebSocket(unused['url']!);
    assert.equal(await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('error', () => resolve(-1))), 401);
  });

  it('a URL is accepted once, and a made-up one never', async () => {
    const { url } = await viewerUrl(relays, target());
    const v = await connectViewer(url);
    await v.frame();
    await v.close();
    const again = new WebSocket(url);
    const status = await new Promise<number>((resolve) => again.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('error', () => resolve(-1)));
    assert.equal(status, 401);
    const forged = new WebSocket(url.replace(/\/kvm\/.*/, `/kvm/${'A'.repeat(32)}`));
    assert.equal(await new Promise<number>((resolve) => forged.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('error', () => resolve(-1))), 401);
  });

  it('a client that breaks RFB mid-stream loses its session, and the next session works', async () => {
    const bad = await connectViewer((await viewerUrl(relays, target())).url);
    await bad.frame();
    // Message type 99 is not an RFB client message: the KVM server ends the session.
    bad.ws.send(Buffer.from([99, 1, 2, 3]));
    const err = await bad.done;
    assert.ok(err instanceof AmtError && err.code === 'redir.closed', `the session ended: ${String(err)}`);
    const good = await connectViewer((await viewerUrl(relays, target())).url);
    try {
      await good.frame();
      assert.equal(mismatches(sim, 1024, 768, good.session.rgba, 'rgb565'), 0);
    } finally {
      await good.close();
    }
  });

  it('Ctrl-Alt-Del from the viewer resets the host; the session stays and shows the new boot', async () => {
    const resets: number[] = [];
    const onPower = ({ requested }: { requested: number }) => resets.push(requested);
    sim.device.on('power', onPower);
    const boots = sim.device.host.state.boots.length;
    const v = await connectViewer((await viewerUrl(relays, target())).url);
    try {
      await v.frame();
      v.session.ctrlAltDel();
      const t = Date.now();
      while (resets.length === 0) {
        if (Date.now() - t > 10000) assert.fail('no reset within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(resets, [10], 'one master bus reset, asked for by the host');
      assert.equal(sim.device.host.state.boots.length, boots + 1);
      // AMT keeps KVM through a host reset (the point of it: POST and BIOS on screen).
      for (;;) {
        await v.frame();
        if (mismatches(sim, 1024, 768, v.session.rgba, 'rgb565') === 0) break;
        if (Date.now() - t > 15000) assert.fail('the viewer did not show the new boot');
      }
      assert.equal(v.session.state, 'connected');
    } finally {
      sim.device.off('power', onPower);
      await v.close();
    }
  });

  it('disabling KVM ends the viewer\'s session; once enabled again a new URL connects', async () => {
    const v = await connectViewer((await viewerUrl(relays, target())).url);
    await v.frame();
    const client = await registry.connect('sim');
    await setRedirectionFeatures(client, { kvm: false });
    const err = await v.done;
    assert.ok(err instanceof AmtError && err.code === 'redir.closed', `the session ended: ${String(err)}`);
    await assert.rejects(viewerUrl(relays, target()), (e: unknown) => e instanceof AmtError && e.code === 'kvm.disabled');
    await setRedirectionFeatures(client, { kvm: true });
    const again = await connectViewer((await viewerUrl(relays, target())).url);
    try {
      await again.frame();
      assert.equal(again.session.state, 'connected');
    } finally {
      await again.close();
    }
  });

  it('KVM switched off or consent missing: no URL, and the sentence says which and how to fix it', async () => {
    const sap = sim.device.instances('CIM_KVMRedirectionSAP')[0]!;
    const was = sap.EnabledState;
    sap.EnabledState = 3;
    try {
      await assert.rejects(viewerUrl(relays, target()), (e: unknown) => e instanceof AmtError && e.code === 'kvm.disabled' && /KVM is disabled on Simulator \(CIM_KVMRedirectionSAP\); enable it with/.test(e.message));
    } finally {
      sap.EnabledState = was;
    }
    const optIn = sim.device.instances('IPS_OptInService')[0]!;
    optIn.OptInRequired = 1;
    try {
      await assert.rejects(viewerUrl(relays, target()), (e: unknown) => e instanceof AmtError && e.code === 'kvm.consent' && /requires user consent before a KVM session/.test(e.message));
    } finally {
      optIn.OptInRequired = 0;
    }
  });
});
