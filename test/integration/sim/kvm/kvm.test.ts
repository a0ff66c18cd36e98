/**
 * The simulated KVM over real sockets (127.0.0.1): KVMR log-on and 0x40/0x41 hand-off, RFB 3.8
 * with security None, full frames in raw and encoding 16 in the pixel formats AMT offers
 * (reconstructed pixels equal the simulator's framebuffer), keys typed in KVM reaching the host
 * console (seen on SOL and in the next incremental update, changed region only), the consent code
 * drawn on the screen, a console that breaks RFB losing its session, enabling and logging.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../../server/src/sim';
import { auditLog } from '../../../../server/src/sim/audit/log';
import { redirectionHistory } from '../../../../server/src/sim/redirection/logs';
import { HEIGHT, OVERLAY, TEXT_Y, WIDTH, framebufferOf, type Framebuffer } from '../../../../server/src/sim/kvm/framebuffer';
import { simSession } from '../sim-session';
import { Console, SOL_START, header, sessionEnd } from '../redirection/console';
import { oneTimeBoot } from '../../../unit/sim/host/helpers';
import { GREY8, RGB332, RfbClient } from './rfb-client';

const s = simSession({ redirectionPort: 0, hostLineDelayMs: 0, name: 'kvmhost' });
const fb = (): Framebuffer => framebufferOf(s.sim.device);

/** Pixels where the client's reconstruction differs from the simulator's framebuffer. */
function mismatches(k: RfbClient, frame: Framebuffer): number {
  let bad = 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const [r, g, b] = frame.rgbAt(x, y);
      const got = k.levels(k.pixels[y * WIDTH + x]);
      const f = k.format;
      const want = f.max[1] === 0
        ? [Math.round(0.299 * r + 0.587 * g + 0.114 * b), 0, 0]
        : [r, g, b].map((c, i) => Math.round((c * f.max[i]) / 255));
      if (got[0] !== want[0] || got[1] !== want[1] || got[2] !== want[2]) bad++;
    }
  }
  return bad;
}

/** Pixels of the text area that are not background in the client's reconstruction. */
function inkInRows(k: RfbClient, y0: number, y1: number): number {
  let n = 0;
  for (let i = y0 * WIDTH; i < y1 * WIDTH; i++) if (k.pixels[i] !== 0) n++;
  return n;
}

/** Resolves once the host's screen text matches (checked now and after every screen change). */
function screenShows(re: RegExp): Promise<void> {
  const serial = s.sim.device.host.serial;
  return new Promise((resolve) => {
    const check = () => {
      if (!re.test(serial.screen.text())) return;
      serial.off('screen', check);
      resolve();
    };
    serial.on('screen', check);
    check();
  });
}

/** Reads incremental updates until the client's picture equals the framebuffer (a request is pending on entry). */
async function catchUp(k: RfbClient): Promise<void> {
  for (;;) {
    await k.update();
    if (mismatches(k, fb()) === 0) return;
    k.request(true);
  }
}

function solData(text: string): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16LE(Buffer.byteLength(text));
  return Buffer.concat([header(0x28, 0, len), Buffer.from(text)]);
}

async function solUntil(c: Console, want: string): Promise<string> {
  let text = '';
  while (!text.includes(want)) {
    const m = await c.expect(0x2a);
    text += m.subarray(10, 10 + m.readUInt16LE(8)).toString('utf8');
  }
  return text;
}

async function withKvm<T>(run: (k: RfbClient) => Promise<T>): Promise<T> {
  const k = await RfbClient.open(s.sim.redirectionPort!);
  try {
    return await run(k);
  } finally {
    const end = sessionEnd(s.sim.device);
    k.close();
    await end;
  }
}

describe('simulated KVM (RFB over the redirection port)', () => {
  it('hands off to RFB 3.8 and sends a raw RGB565 full frame equal to the host screen, in tiles of at most 64×64', async () => {
    s.sim.device.instances('IPS_OptInService')[0].OptInRequired = 0;
    // The OS sits at its login prompt once something is typed (SOL), so the screen has text.
    const sol = await Console.tcp(s.sim.redirectionPort!);
    await sol.logOn('SOL ', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    sol.send(SOL_START);
    await sol.expect(0x21);
    sol.send(solData('\r'));
    await solUntil(sol, 'kvmhost login: ');
    await withKvm(async (k) => {
      assert.deepEqual([k.width, k.height], [1024, 768]);
      assert.ok(k.name.length > 0);
      k.setEncodings([0]);
      k.request(false);
      const rects = await k.update();
      assert.equal(rects.length, (1024 / 64) * (768 / 64));
      assert.ok(rects.every((r) => r.encoding === 0 && r.w <= 64 && r.h <= 64));
      assert.equal(mismatches(k, fb()), 0);
      assert.ok(inkInRows(k, TEXT_Y, HEIGHT) > 100, 'the login prompt is drawn');
    });
    await closeSol(sol);
  });

  it('sends encoding 16 (stored deflate blocks) in RGB565 and RGB332, and raw 8-bit grey, each equal to the framebuffer', async () => {
    for (const [encodings, format] of [[[16, 0, 1092, -223], undefined], [[16, 0], RGB332], [[0], GREY8]] as const) {
      await withKvm(async (k) => {
        k.setEncodings([...encodings]);
        if (format) k.setPixelFormat(format);
        k.request(true); // the first request of a session gets everything, as MeshCommander expects
        const rects = await k.update();
        assert.ok(rects.every((r) => r.encoding === encodings[0]));
        assert.equal(mismatches(k, fb()), 0, `format ${format ? format.bpp : 16} bpp, encodings ${encodings.join(',')}`);
      });
    }
  });

  it('types "root\\r" from KeyEvents into the host console: SOL shows it, and the next update carries only the changed rows', async () => {
    const sol = await Console.tcp(s.sim.redirectionPort!);
    await sol.logOn('SOL ', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    sol.send(SOL_START);
    await sol.expect(0x21);
    await withKvm(async (k) => {
      k.setEncodings([16, 0]);
      k.request(false);
      await k.update();
      k.request(true);
      k.type('root\r');
      assert.match(await solUntil(sol, 'Password: '), /root/);
      const seen: { x: number; y: number; w: number; h: number }[] = [];
      while (mismatches(k, fb()) !== 0) {
        seen.push(...(await k.update()));
        k.request(true);
      }
      assert.ok(seen.length > 0 && seen.length < 48, `${seen.length} rectangles for a few changed lines`);
      assert.ok(seen.every((r) => r.y + r.h > TEXT_Y), 'nothing above the text area was resent');
      assert.match(s.sim.device.host.serial.screen.text(), /login: root\s*\n.*Password:/);
    });
    sol.send(solData('amt\r'));
    await solUntil(sol, 'root@kvmhost');
    await closeSol(sol);
  });

  it('draws the user-consent code on the screen while IPS_OptInService displays it, and removes it on cancel', async () => {
    await withKvm(async (k) => {
      k.setEncodings([16, 0]);
      k.request(false);
      await k.update();
      k.request(true);
      assert.equal((await s.call('IPS_OptInService', 'StartOptIn')).ReturnValue, '0');
      const code = s.sim.device.optIn.code!;
      assert.ok(fb().overlay.includes(`${code.slice(0, 3)} ${code.slice(3)}`));
      const rects = await k.update();
      const inBand = (r: { y: number }) => r.y >= OVERLAY.y && r.y < OVERLAY.y + OVERLAY.h;
      // The band, and the host console's own line about the code (host/host.ts prints it too).
      assert.ok(rects.some(inBand), 'the overlay band was sent');
      assert.ok(rects.every((r) => inBand(r) || r.y + r.h > TEXT_Y), 'nothing else changed');
      assert.equal(mismatches(k, fb()), 0);
      assert.ok(inkInRows(k, OVERLAY.y, OVERLAY.y + OVERLAY.h) > WIDTH * 32, 'the band is drawn');
      k.request(true);
      assert.equal((await s.call('IPS_OptInService', 'CancelOptIn')).ReturnValue, '0');
      await k.update();
      assert.equal(inkInRows(k, OVERLAY.y, OVERLAY.y + OVERLAY.h), 0, 'the band is gone');
    });
  });

  it('answers Intel KvmExtCmd 4 (zlib off) with a compression report and acknowledges a data-channel message', async () => {
    await withKvm(async (k) => {
      k.setEncodings([16, 0, 1092]);
      k.clientCutText(Buffer.concat([Buffer.from('\0KvmExtCmd\0', 'latin1'), Buffer.from([4, 0])]));
      k.clientCutText(Buffer.from('\0KvmDataChannel\0{"action":"present","ver":1}', 'latin1'));
      k.clientCutText(Buffer.from('clipboard text', 'latin1'));
      k.request(false);
      await k.update();
      assert.deepEqual(k.cutTexts.map((t) => t.toString('latin1')), ['\0KvmExtCmd\0\x03\x00', '\0KvmDataChannel\0']);
    });
  });

  it('compresses encoding 16 with one raw deflate stream when KvmExtCmd 4 turns zlib on, and the frames still equal the framebuffer', async () => {
    await withKvm(async (k) => {
      k.setEncodings([16, 0, 1092]);
      k.clientCutText(Buffer.concat([Buffer.from('\0KvmExtCmd\0', 'latin1'), Buffer.from([4, 1])]));
      k.request(false);
      const rects = await k.update();
      assert.deepEqual(k.cutTexts.map((t) => t.toString('latin1')), ['\0KvmExtCmd\0\x03\x01'], 'compression reported on');
      assert.equal(k.compressed, rects.length, 'every tile came through the inflater');
      assert.equal(mismatches(k, fb()), 0);
      s.sim.device.host.print('a line drawn after compression began\r\n');
      k.request(true);
      await catchUp(k);
      // Turning it off after the first rectangle changes nothing: the report says it stays on.
      k.clientCutText(Buffer.concat([Buffer.from('\0KvmExtCmd\0', 'latin1'), Buffer.from([4, 0])]));
      k.request(false);
      await k.update();
      assert.equal(k.cutTexts.at(-1)!.toString('latin1'), '\0KvmExtCmd\0\x03\x01');
      assert.equal(mismatches(k, fb()), 0);
    });
  });

  it('ends the session of a console that breaks RFB mid-stream, logs why, and the next session works', async () => {
    const k = await RfbClient.open(s.sim.redirectionPort!);
    k.setEncodings([0]);
    k.request(false);
    await k.update();
    const end = sessionEnd(s.sim.device);
    k.send(Buffer.from([0x99, 1, 2, 3]));
    const e = await end;
    assert.equal(e.event, 'ended-by-error');
    assert.match(e.reason!, /broke RFB: message type 153/);
    await k.closedByFirmware();
    await withKvm(async (next) => {
      next.request(false);
      await next.update();
      assert.equal(mismatches(next, fb()), 0);
    });
  });

  it('ends a session on a wrong ProtocolVersion or a 32-bpp pixel format, each with its reason; pointer events are taken', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await c.logOn('KVMR', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
    c.stream.removeAllListeners('data');
    const first = sessionEnd(s.sim.device);
    c.send(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]));
    c.send(Buffer.from('RFB 004.001\n', 'latin1'));
    assert.match((await first).reason!, /ProtocolVersion "RFB 004\.001\\n"/);
    const k = await RfbClient.open(s.sim.redirectionPort!);
    k.send(Buffer.from([5, 1, 0, 10, 0, 20])); // PointerEvent: button 1 at 10,20
    k.request(false);
    await k.update();
    const second = sessionEnd(s.sim.device);
    const fmt = Buffer.alloc(20);
    fmt[4] = 32;
    fmt[5] = 24;
    fmt[7] = 1;
    fmt.writeUInt16BE(255, 8);
    k.send(fmt);
    const e = await second;
    assert.equal(e.event, 'ended-by-error');
    assert.match(e.reason!, /SetPixelFormat asked for 32 bits per pixel/);
  });

  it('logs KVM sessions (audit 1808/1809), refuses KVMR while CIM_KVMRedirectionSAP is disabled, and disabling ends an open session', async () => {
    const audits = () => auditLog(s.sim.device).records.filter((r) => r.appId === 18 && (r.eventId === 8 || r.eventId === 9)).length;
    const before = audits();
    const k = await RfbClient.open(s.sim.redirectionPort!);
    const end = sessionEnd(s.sim.device);
    assert.equal((await s.call('CIM_KVMRedirectionSAP', 'RequestStateChange', { RequestedState: 3 })).ReturnValue, '0');
    assert.match((await end).reason!, /KVM was disabled/);
    await k.closedByFirmware();
    assert.equal(audits(), before + 2);
    const c = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await c.logOn('KVMR', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 3 });
    await c.closedByFirmware();
    assert.equal((await s.call('CIM_KVMRedirectionSAP', 'RequestStateChange', { RequestedState: 2 })).ReturnValue, '0');
    assert.ok(redirectionHistory(s.sim.device).some((h) => h.kind === 'KVMR' && h.event === 'opened'));
  });

  it('shows BIOS setup when the host boots into it, and F10 typed in KVM leaves it', async () => {
    await withKvm(async (k) => {
      k.setEncodings([16, 0]);
      k.request(false);
      await k.update();
      oneTimeBoot(s.sim.device, { BIOSSetup: true });
      await screenShows(/BIOS Setup Utility/);
      k.request(true);
      await catchUp(k);
      k.key(0xffc7, true); // F10
      k.key(0xffc7, false);
      await screenShows(/Saving changes and exiting BIOS setup\./);
      k.request(true);
      await catchUp(k);
      assert.ok(s.sim.device.host.state.boots.at(-1), 'the boot was recorded');
    });
  });

  it('resets the host on Ctrl-Alt-Del (RequestPowerStateChange 10 as the host OS), and the screen shows the new boot', async () => {
    const boots = s.sim.device.host.state.boots.length;
    await withKvm(async (k) => {
      k.request(false);
      await k.update();
      const power = new Promise<{ requested: number; origin?: string }>((resolve) => s.sim.device.once('power', resolve));
      for (const [sym, down] of [[0xffe3, true], [0xffe9, true], [0xffff, true], [0xffff, false], [0xffe9, false], [0xffe3, false]] as const) k.key(sym, down);
      const change = await power;
      assert.deepEqual([change.requested, change.origin], [10, 'host']);
      assert.equal(s.sim.device.host.state.boots.length, boots + 1);
      k.request(true);
      await k.update();
    });
  });
});

async function closeSol(c: Console): Promise<void> {
  const end = sessionEnd(s.sim.device);
  c.close();
  await end;
}
