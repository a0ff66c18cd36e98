/**
 * The KVM viewer in the real workbench. The test runs its own simulator on a loopback address of
 * its own (127.x.y.z, WS-Man on 16992, redirection on 16994) and adds it with "AMT: Add Device",
 * so it can read the simulator's own framebuffer and host console while the editor shows them:
 *
 * - "Open KVM Viewer" on the device: the device wants user consent for KVM, so the consent box
 *   asks for the code the host shows; then the canvas shows the console, and its pixels equal
 *   the simulator's framebuffer for the text area (read with getImageData in the webview frame);
 * - typing at the login prompt through the viewer shows in the simulator's screen (KVM) and in
 *   the SOL terminal the test opened beside it;
 * - the Ctrl-Alt-Del button resets the host, and the viewer (AMT keeps KVM through a reset) shows
 *   the new boot; switching KVM off in the Power view ends the session and the viewer says which
 *   switch is off; switching it on again, the viewer reconnects by itself;
 * - "Save Screenshot" writes a 1024×768 PNG into the workspace.
 * Screenshots of each step land in test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Locator } from 'playwright-core';
import { decodePng } from '../../server/src/features/kvm/png';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../server/src/sim';
import { framebufferOf, TEXT_X, TEXT_Y } from '../../server/src/sim/kvm/framebuffer';
import { clickRowUntil, runContextMenu } from './editorHelpers';
import { startWorkbench, TIMEOUTS, waitUntil, type Workbench } from './harness';

const DEVICES = 'Devices';
/** A loopback address of this run's own, so 16992/16994 are free whatever else runs. */
const HOST = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
/** The text area of the simulated console (80×25 cells of 8×16 in a 1024×768 screen). */
const TEXT = { x: TEXT_X, y: TEXT_Y, w: 640, h: 400 };

describe('KVM viewer in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;
  let sim: Simulator;
  let viewer: Frame;

  before(async () => {
    sim = await startSimulator({ host: HOST, port: 16992, redirectionPort: 16994 });
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      settings: { 'amt.power.pollSeconds': 0, 'terminal.integrated.gpuAcceleration': 'off', 'terminal.integrated.showTerminalConfigPrompt': false },
      viewport: { width: 1500, height: 1100 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView(DEVICES);
    await wb.waitForRow('Simulator', DEVICES, 60_000);
    // Devices and Power share the side bar (the Power view's Redirection rows are used below).
    const header = (view: string) => wb.page.locator('.pane-header').filter({ has: wb.page.locator('.title', { hasText: new RegExp(`^\\s*${view}\\s*$`, 'i') }) }).first();
    if ((await header('Classes').getAttribute('aria-expanded')) === 'true') await header('Classes').click();
    if ((await header('Power').getAttribute('aria-expanded')) !== 'true') await header('Power').click();
    await wb.waitForView('Power');
  });

  after(async () => {
    await wb?.close();
    await sim?.close();
  });

  function deviceRow(): Locator {
    return wb.page.locator('.pane').filter({ has: wb.page.locator('.pane-header .title', { hasText: /^\s*Devices\s*$/i }) }).locator('.monaco-list-row').filter({ hasText: HOST }).first();
  }

  /** The viewer's webview frame once its state is one of `states`. */
  async function viewerFrame(states: RegExp, timeoutMs = 60_000): Promise<Frame> {
    let found: Frame | undefined;
    let last = '';
    await waitUntil(async () => {
      for (const frame of wb.page.frames()) {
        const state = await frame.evaluate(`document.body && document.body.dataset.page === 'kvm' ? document.body.dataset.state + ' ' + document.getElementById('state').textContent : ''`).catch(() => '') as string;
        if (state) last = state;
        if (state && states.test(state.split(' ')[0]!)) {
          found = frame;
          return true;
        }
      }
      return false;
    }, `the KVM viewer to be ${states} (last: ${last})`, timeoutMs);
    return found!;
  }

  /** Pixels of the canvas region whose colour level (RGB565) differs from the simulator's framebuffer. */
  async function mismatches(frame: Frame, r = TEXT): Promise<{ bad: number; ink: number; size: string }> {
    const got = await frame.evaluate(([x, y, w, h]) => {
      const doc = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
      const c = doc.getElementById('screen') as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      return { size: `${c.width}x${c.height}`, data: Array.from(c.getContext('2d').getImageData(x, y, w, h).data) };
    }, [r.x, r.y, r.w, r.h] as const);
    const fb = framebufferOf(sim.device);
    const level = (v: number, max: number) => Math.round((v * max) / 255);
    let bad = 0;
    let ink = 0;
    for (let y = 0; y < r.h; y++) {
      for (let x = 0; x < r.w; x++) {
        const want = fb.rgbAt(r.x + x, r.y + y);
        const o = (y * r.w + x) * 4;
        const max = [31, 63, 31];
        if ([0, 1, 2].some((i) => level(got.data[o + i]!, max[i]!) !== level(want[i]!, max[i]!))) bad++;
        if (want[0]! > 0) ink++;
      }
    }
    return { bad, ink, size: got.size };
  }

  /** Waits until the canvas equals the simulator's framebuffer in the text area (the screen may still be changing). */
  async function waitForSameScreen(frame: Frame, what: string): Promise<void> {
    let last = { bad: -1, ink: 0, size: '' };
    await waitUntil(async () => ((last = await mismatches(frame)).bad === 0), `${what} (last: ${JSON.stringify(last)})`, 30_000);
    assert.equal(last.size, '1024x768');
    assert.ok(last.ink > 200, `text is on the screen (${last.ink} lit pixels)`);
  }

  const hostText = () => sim.device.host.serial.screen.lines().join('\n');

  test('Add Device, then Open KVM Viewer: consent, then the canvas equals the simulator framebuffer', async () => {
    await wb.step('kvm-01-open', async () => {
      const p = wb.page;
      await wb.runCommand('AMT: Add Device');
      const input = p.locator('.quick-input-widget input');
      const title = p.locator('.quick-input-widget .quick-input-title');
      const answer = async (step: number, value: string) => {
        await waitUntil(async () => (await title.innerText()).includes(`(${step}/5)`), `step ${step} of Add Device`);
        await input.fill(value);
        await p.keyboard.press('Enter');
      };
      await answer(1, HOST);
      await waitUntil(async () => (await title.innerText()).includes('(2/5)'), 'step 2 of Add Device');
      await p.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'port 16992, no TLS' }).first().click();
      await answer(3, '16992');
      await answer(4, DEFAULT_ACCOUNT.user);
      await answer(5, DEFAULT_ACCOUNT.password);
      await deviceRow().waitFor({ state: 'visible', timeout: 30_000 });

      await runContextMenu(p, deviceRow(), 'Open KVM Viewer');
      // The device requires consent for KVM: the host shows a code (the simulator knows it), the editor asks for it.
      const box = p.locator('.quick-input-widget');
      await box.filter({ hasText: /Type the six-digit code shown on/ }).waitFor({ state: 'visible', timeout: 60_000 });
      await waitUntil(async () => Boolean(sim.device.optIn.code), 'the host to show a consent code');
      assert.match(framebufferOf(sim.device).overlay.replace(/\s/g, ''), new RegExp(sim.device.optIn.code!));
      await wb.screenshot('kvm-01-consent');
      await box.locator('input').fill(sim.device.optIn.code!);
      await p.keyboard.press('Enter');
      viewer = await viewerFrame(/^connected$/);
      assert.match(await viewer.locator('#state').innerText(), /^Connected to .*: 1024×768, rgb565, rle\.$/);
      await waitForSameScreen(viewer, 'the canvas to equal the simulator framebuffer');
      await wb.screenshot('kvm-02-viewer');
    });
  });

  test('typing at the login prompt through the viewer shows in KVM and in SOL', async () => {
    await wb.step('kvm-03-type', async () => {
      const p = wb.page;
      // The SOL terminal beside the viewer (the same host console over SOL).
      await runContextMenu(p, deviceRow(), 'Open SOL Terminal');
      const rows = p.locator('.xterm-rows').first();
      await rows.waitFor({ state: 'attached', timeout: TIMEOUTS.ui });
      const solText = async () => (await rows.evaluate((el) => (el as unknown as { textContent: string | null }).textContent ?? '')).replace(/\u00a0/g, ' ');
      await waitUntil(async () => /SOL connected/.test(await solText()), 'the SOL terminal to connect', 60_000);
      viewer = await viewerFrame(/^connected$/);
      const word = `kvm${Date.now() % 10000}`;
      await viewer.locator('#screen').click();
      await p.keyboard.type(word, { delay: 30 });
      await waitUntil(async () => hostText().includes(word), `the host console to show ${word}`);
      await waitForSameScreen(viewer, `the canvas to show ${word} as the framebuffer does`);
      await waitUntil(async () => (await solText()).includes(word), `the SOL terminal to show ${word}`);
      // Backspace (a special key) takes the last letter away again on the host.
      await viewer.locator('#screen').click();
      await p.keyboard.press('Backspace');
      await waitUntil(async () => !hostText().includes(word) && hostText().includes(word.slice(0, -1)), 'Backspace to reach the host');
      await waitForSameScreen(viewer, 'the canvas to follow the Backspace');
      await wb.screenshot('kvm-03-typed');
    });
  });

  test('Ctrl-Alt-Del resets the host and the viewer shows the new boot; KVM switched off and on: the viewer says which switch, then reconnects by itself', async () => {
    await wb.step('kvm-04-cad', async () => {
      // Consent off from here (an ACM-like policy), so reconnecting needs no one to type a code.
      sim.device.instances('IPS_OptInService')[0]!.OptInRequired = 0;
      const changes: { requested: number; origin?: string }[] = [];
      sim.device.on('power', (c: { requested: number; origin?: string }) => changes.push(c));
      const boots = sim.device.host.state.boots.length;
      await viewer.locator('#cad').click();
      // The host itself asked for the reset (a master bus reset, 10), as an OS does on Ctrl-Alt-Del.
      await waitUntil(async () => changes.some((c) => c.requested === 10 && c.origin === 'host'), 'the host to reset');
      assert.equal(sim.device.host.state.boots.length, boots + 1);
      // AMT keeps KVM through the reset: the viewer shows the POST and the new boot as they come.
      await waitUntil(async () => /Memory Test/.test(hostText()), 'the host to show its POST again', 60_000);
      await waitForSameScreen(viewer, 'the canvas to show the new boot as the framebuffer does');
      await wb.screenshot('kvm-04-rebooted');
    });
    await wb.step('kvm-05-reconnect', async () => {
      const flip = async (to: 'on' | 'off') => {
        const from = to === 'on' ? 'off' : 'on';
        const row = wb.page.locator('.pane').filter({ has: wb.page.locator('.pane-header .title', { hasText: /^\s*Power\s*$/i }) }).locator('.monaco-list-row').filter({ hasText: new RegExp(`^\\s*KVM: ${from}`) }).first();
        await clickRowUntil(row, async () => (await wb.messages()).some((m) => new RegExp(`^KVM on ${HOST.replace(/\./g, '\\.')}.* is ${to} now\\.$`).test(m)), `KVM to turn ${to}`);
      };
      // The viewer's canvas has the keyboard (it sends every key to the host): give it back to the workbench.
      await wb.page.locator('.part.sidebar').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
      await wb.collapse(/^\s*Boot\b/, 'Power').catch(() => undefined);
      await flip('off');
      viewer = await viewerFrame(/^reconnecting$/, 60_000);
      await waitUntil(async () => /KVM is disabled on .*CIM_KVMRedirectionSAP.*"KVM" switch in the Power view's Redirection rows/.test(await viewer.locator('#state').innerText()), 'the viewer to say which switch is off', 60_000);
      await wb.screenshot('kvm-05-disabled');
      await flip('on');
      viewer = await viewerFrame(/^connected$/, 90_000);
      await waitForSameScreen(viewer, 'the reconnected canvas to equal the framebuffer');
      await wb.screenshot('kvm-06-reconnected');
    });
    await wb.step('kvm-07-screenshot', async () => {
      await viewer.locator('#shot').click();
      let saved = '';
      await waitUntil(async () => Boolean((saved = (await viewer.evaluate('document.body.dataset.saved || ""')) as string)), 'the screenshot to be saved');
      const file = path.join(wb.workspace, saved);
      assert.ok(existsSync(file), `${file} exists`);
      const png = decodePng(readFileSync(file));
      assert.deepEqual([png.width, png.height], [1024, 768]);
      await wb.screenshot('kvm-07-saved');
    });
  });
});
