/**
 * Compatibility: Device Management Toolkit's ui-toolkit core (AMTDesktop with its DataProcessor and
 * RLEDecoder — the RFB decoder the toolkit's browser consoles use) decodes the simulator's KVM
 * stream in Node, and what it draws on its canvas equals the simulator's framebuffer.
 *
 * The redirection layer (KVMR log-on and the 0x40/0x41 hand-off) is done by the test's own console:
 * ui-toolkit's AMTRedirector cannot log on to real firmware by itself (its digest uses an empty URI
 * and a stray space, redirection.md §2.5 — it only works behind an MPS/Console relay that replaces
 * its auth messages), so the test plays that relay's part and hands AMTDesktop the RFB bytes, as
 * AMTRedirector does after 0x41 (`onStart`, then `onProcessData`).
 *
 * Needs the devDependency @device-management-toolkit/ui-toolkit; without it the test is skipped
 * with that sentence. The bundle expects a browser: `self`, a 2D canvas context (shimmed here:
 * createImageData/putImageData into an RGBA buffer) and `document` for key handlers (not used).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator } from '../../server/src/sim';
import { HEIGHT, WIDTH, framebufferOf } from '../../server/src/sim/kvm/framebuffer';
import { Console } from '../integration/sim/redirection/console';

const require = createRequire(import.meta.url);

function loadCore(): Record<string, any> | undefined {
  (globalThis as any).self ??= globalThis;
  try {
    return require(process.env.UI_TOOLKIT_CORE ?? '@device-management-toolkit/ui-toolkit/core');
  } catch {
    return undefined;
  }
}

/** A 2D context that keeps what is drawn as RGBA. */
function canvas(width: number, height: number) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const el = { width, height, offsetWidth: width, offsetHeight: height, getBoundingClientRect: () => ({ left: 0, top: 0, width, height }), parentElement: null };
  const ctx = {
    canvas: el,
    fillStyle: '',
    createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
    putImageData(img: { width: number; height: number; data: Uint8ClampedArray }, x: number, y: number) {
      for (let r = 0; r < img.height; r++) {
        if (y + r >= el.height) break;
        const row = img.data.subarray(r * img.width * 4, (r * img.width + Math.min(img.width, el.width - x)) * 4);
        rgba.set(row, ((y + r) * el.width + x) * 4);
      }
    },
    fillRect() {}, drawImage() {}, setTransform() {}, rotate() {},
  };
  return { ctx, rgba, el };
}

const core = loadCore();

test('ui-toolkit AMTDesktop decodes the simulated KVM (encoding 16, in the toolkit\'s own pixel format) to the simulator\'s framebuffer', { timeout: 60_000, skip: core ? false : 'the devDependency @device-management-toolkit/ui-toolkit is not installed (npm install adds it)' }, async () => {
  const sim = await startSimulator({ port: 0, redirectionPort: 0, hostLineDelayMs: 0, name: 'uitk' });
  try {
    sim.device.instances('IPS_OptInService')[0].OptInRequired = 0;
    sim.device.host.print('ui-toolkit sees this line\r\n');
    const c = await Console.tcp(sim.redirectionPort!);
    assert.deepEqual(await c.logOn('KVMR', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
    const { ctx, rgba, el } = canvas(WIDTH, HEIGHT);
    const desktop = new core!.AMTDesktop(ctx);
    const comm = {
      send: (s: string) => c.stream.write(Buffer.from(s, 'latin1')),
      socketSend: (s: string) => c.stream.write(Buffer.from(s, 'latin1')),
      stop() {}, onError() {}, onStart() {}, onNewState() {}, onStateChanged() {}, onProcessData() {}, start() {},
    };
    const processor = new core!.DataProcessor(comm, desktop);
    desktop.onSend = comm.send;
    desktop.onProcessData = (d: string) => processor.processData(d);
    desktop.onScreenResize = (w: number, h: number) => { el.width = w; el.height = h; };
    desktop.onScreenSizeChange = () => {};
    desktop.updateScreenDimensions = () => {};
    c.stream.removeAllListeners('data');
    let handedOff = false;
    let rest = Buffer.alloc(0);
    c.stream.on('data', (d: Buffer) => {
      if (!handedOff) {
        rest = Buffer.concat([rest, d]);
        if (rest.length < 8) return;
        assert.equal(rest[0], 0x41);
        handedOff = true;
        desktop.start();
        d = rest.subarray(8);
        if (d.length === 0) return;
      }
      desktop.processData(d.toString('latin1'));
    });
    c.send(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]));
    const fb = framebufferOf(sim.device);
    /** What a console shows for the simulator's colour in the toolkit's pixel format (decode formulas of redirection.md §5.4). */
    const shown = ([r, g, b]: readonly [number, number, number]): number[] => {
      const q = (v: number, max: number) => Math.round((v * max) / 255);
      if (desktop.bpp === 2) {
        const v = (q(r, 31) << 11) | (q(g, 63) << 5) | q(b, 31);
        return [(v >> 8) & 0xf8, (v >> 3) & 0xfc, (v & 0x1f) << 3];
      }
      const v = (q(r, 7) << 5) | (q(g, 7) << 2) | q(b, 3);
      return [v & 0xe0, (v & 0x1c) << 3, ((v & 3) << 6) + ((v & 3) << 6 > 127 ? 32 : 0)];
    };
    const differs = () => {
      let bad = 0;
      for (let i = 0; i < WIDTH * HEIGHT; i++) {
        const want = shown(fb.rgbAt(i % WIDTH, Math.floor(i / WIDTH)));
        if (rgba[i * 4] !== want[0] || rgba[i * 4 + 1] !== want[1] || rgba[i * 4 + 2] !== want[2]) bad++;
      }
      return bad;
    };
    // The toolkit requests incremental updates after each frame; wait until its canvas matches.
    while (desktop.width !== WIDTH || differs() !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(desktop.height, HEIGHT);
    let ink = 0;
    for (let i = 0; i < WIDTH * HEIGHT; i++) if (rgba[i * 4] !== 0) ink++;
    assert.ok(ink > 100, 'the printed line is on the toolkit\'s canvas');
    c.close();
  } finally {
    await sim.close();
  }
});
