/**
 * The Watchdog view in the real workbench, against the embedded simulator and its emulated iAMT
 * watchdog (mounted by the backend through FUSE: root and /dev/fuse). The simulator's firmware
 * clock runs 10× faster (amt.simulator.timeScale), so a 120 s timeout fires after 12 s: the view
 * counts down after arming, and once no heartbeat came the OS-hang event arrives in the view and
 * the firmware's event log shows the record. While a debug session is paused, the status bar
 * counts down to the expiry (amt.watchdog.whilePaused: warn). Screenshots of each step land in
 * test-results/e2e/.
 *
 * AMT_E2E_VSIX may name another .vsix to install (default: dist/amt-workbench.vsix, packaged when stale).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { waitUntil, waitForMessage, dialogButton, startWorkbench, TIMEOUTS, type Workbench } from './harness';

const VIEW = 'Watchdog';
const TIME_SCALE = 10;

describe('Watchdog view in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      settings: { 'amt.simulator.timeScale': TIME_SCALE, 'amt.power.pollSeconds': 0, 'debug.internalConsoleOptions': 'neverOpen' },
      workspaceFiles: {
        // A program to pause in the debugger (js-debug ships with code-server).
        'app.js': 'setTimeout(() => console.log("done"), 120000);\n',
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'app', program: '${workspaceFolder}/app.js', stopOnEntry: true }] }, null, 2),
      },
      viewport: { width: 1400, height: 1000 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView('Devices');
    await wb.waitForRow('Simulator', 'Devices', 60_000);
    // The Watchdog view gets the side bar: rows outside the viewport are not rendered.
    for (const view of ['Devices', 'Classes', 'Power']) {
      const header = paneHeader(view);
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    const header = paneHeader(VIEW);
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await wb.waitForView(VIEW);
  });

  after(async () => {
    await wb?.close();
  });

  function paneHeader(view: string): Locator {
    return wb.page.locator('.pane-header').filter({ has: wb.page.locator('.title', { hasText: new RegExp(`^\\s*${view}\\s*$`, 'i') }) }).first();
  }

  function row(text: string | RegExp): Locator {
    const pane = wb.page.locator('.pane').filter({ has: wb.page.locator('.pane-header .title', { hasText: new RegExp(`^\\s*${VIEW}\\s*$`, 'i') }) });
    return pane.locator('.monaco-list-row').filter({ hasText: text }).first();
  }

  /**
   * Clicks a row that runs a command and waits until `opened` (its input, dialog, or a row it
   * brings) shows; clicks again when a re-render of the tree (the countdown redraws it every
   * second) swallowed the click.
   */
  async function clickRow(text: string | RegExp, opened: Locator): Promise<void> {
    await waitUntil(async () => {
      if (await opened.isVisible()) return true;
      await row(text).click();
      await opened.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      return opened.isVisible();
    }, `the row "${String(text)}" to open its input or dialog`);
  }

  /** The whole-number seconds of the "Fires in N s" row. */
  async function secondsLeft(): Promise<number> {
    const text = await row(/^\s*Fires in/).innerText();
    const m = /Fires in (\d+) s/.exec(text);
    assert.ok(m, `a countdown in seconds, not ${JSON.stringify(text)}`);
    return Number(m[1]);
  }

  test("the simulator's emulated OS watchdog is shown, not armed", async () => {
    await wb.step('watchdog-01-idle', async () => {
      await wb.waitForRow('OS watchdog', VIEW, 60_000);
      // The backend mounts the emulated device on first use: give it time.
      await wb.waitForRow(/^\s*Not armed/, VIEW, 60_000);
      const device = await wb.waitForRow(/^\s*Device/, VIEW);
      assert.match(device, /watchdog0 · emulated by the simulator · firmware clock 10× faster/);
      const rows = await wb.treeRows(VIEW);
      assert.ok(rows.some((r) => /^OS watchdog\s*not armed/.test(r)), JSON.stringify(rows));
      await wb.screenshot('watchdog-01-idle');
    });
  });

  test('subscribing to events, then arming shows a countdown that runs', async () => {
    await wb.step('watchdog-02-armed', async () => {
      await clickRow(/^\s*Subscribe to events/, row(/^\s*Events\s*subscribed/));
      const input = wb.page.locator('.quick-input-widget input');
      await clickRow(/^\s*Arm…/, input);
      assert.equal(await input.inputValue(), '120');
      // The box refuses a timeout outside 120..65535.
      await input.fill('60');
      await wb.page.locator('.quick-input-widget').filter({ hasText: /120 to 65535 seconds; 60 is outside/ }).waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await input.fill('120');
      await wb.page.keyboard.press('Enter');
      const dialog = await dialogButton(wb.page, 'Arm');
      assert.match(dialog, /Arm the OS watchdog of Simulator with a 2 min timeout\?/);
      assert.match(dialog, /fires in 2 min \(12 s of wall time/);

      await wb.waitForRow(/^\s*Fires in \d+ s/, VIEW);
      const first = await secondsLeft();
      assert.ok(first <= 12 && first >= 5, `12 s of wall time at most, read ${first}`);
      const armed = await wb.waitForRow(/^\s*Armed/, VIEW);
      assert.match(armed, /timeout 2 min \(12 s of wall time, firmware clock 10× faster\)/);
      await wb.screenshot('watchdog-02-armed');
      await waitUntil(async () => (await secondsLeft()) <= first - 2, 'the countdown to go down');
      await wb.screenshot('watchdog-03-counting-down');
    });
  });

  test('without heartbeats the watchdog fires: a notification, the OS-hang event and the log record appear', async () => {
    await wb.step('watchdog-04-fired', async () => {
      const note = await waitForMessage(wb, /The OS watchdog of Simulator expired/);
      assert.match(note, /no heartbeat came within 2 min, so AMT logged an OS hang/);
      const event = await wb.waitForRow(/Run-time critical stop on system/, VIEW, 45_000);
      assert.match(event, /Critical · PLAT0322/);
      const fired = await wb.waitForRow(/^\s*Expired \d+ s ago — heartbeats stopped/, VIEW);
      assert.match(fired, /AMT logged an OS hang/);
      assert.match(await row(/^\s*OS watchdog/).innerText(), /expired \d+ s ago — heartbeats stopped/);
      await wb.screenshot('watchdog-04-fired');
      await wb.expand(/^\s*Event log/, VIEW);
      const record = await wb.waitForRow('Operating system lockup or power interrupt', VIEW, 30_000);
      assert.match(record, /Critical/);
      await wb.screenshot('watchdog-05-event-log');
      // A click opens the record with every decoded field.
      const editor = wb.page.locator('.editor-group-container .monaco-editor .view-lines').first();
      await clickRow('Operating system lockup or power interrupt', editor);
      // Monaco renders spaces as no-break spaces.
      const shown = async () => (await editor.innerText()).replace(/\u00a0/g, ' ');
      await waitUntil(async () => /Severity \| Critical \(16\)/.test(await shown()), 'the record document to show its fields');
      const text = await shown();
      for (const field of ['# Operating system lockup or power interrupt', '| Event | OS critical stop (sensor type 0x20) |', '| Source |', '| Entity |', '| Event data |', 'Record bytes (base64)']) {
        assert.ok(text.includes(field), `${field} in ${JSON.stringify(text)}`);
      }
      await wb.screenshot('watchdog-05b-event-record');
      await wb.collapse(/^\s*Event log/, VIEW);
    });
  });

  test('keeping it alive, then stopping asks first and can disarm', async () => {
    await wb.step('watchdog-06-keepalive', async () => {
      await clickRow(/^\s*Keep heartbeating/, row(/^\s*Keepalive on/));
      const keepalive = await wb.waitForRow(/^\s*Keepalive on/, VIEW);
      assert.match(keepalive, /heartbeat every 6 s/);
      // Starting the keepalive heartbeats at once: the fired watchdog counts down again.
      await wb.waitForRow(/^\s*Fires in \d+ s/, VIEW);
      await waitUntil(async () => /kept alive — next deadline in \d+ s/.test(await row(/^\s*OS watchdog/).innerText()), 'the OS watchdog row to say "kept alive"');
      await wb.screenshot('watchdog-06-keepalive');
      await clickRow(/^\s*Stop heartbeating/, wb.page.locator('.monaco-dialog-box'));
      const dialog = await dialogButton(wb.page, 'Stop and Disarm');
      assert.match(dialog, /Stop heartbeating the OS watchdog of Simulator\?/);
      assert.match(dialog, /leaves it armed: it fires in \d+ s/);
      await wb.waitForRow(/^\s*Not armed/, VIEW);
      await wb.screenshot('watchdog-07-disarmed');
    });
  });

  test('while the debugger is paused, the status bar counts down to the expiry', async () => {
    await wb.step('watchdog-08-debug-paused', async () => {
      const input = wb.page.locator('.quick-input-widget input');
      await clickRow(/^\s*Arm…/, input);
      await input.fill('600');
      await wb.page.keyboard.press('Enter');
      await dialogButton(wb.page, 'Arm');
      await wb.waitForRow(/^\s*Fires in/, VIEW);

      const status = wb.page.locator('.statusbar-item').filter({ hasText: 'AMT watchdog' }).first();
      assert.equal(await status.isVisible(), false, 'nothing to say while nothing is paused');
      // F5 starts the launch configuration (the palette's "Start Debugging" may match the picker first).
      await wb.page.locator('.monaco-workbench').focus();
      await wb.page.keyboard.press('F5');
      // stopOnEntry: the debuggee stops at once.
      await status.waitFor({ state: 'visible', timeout: 60_000 });
      await waitUntil(async () => /AMT watchdog fires in \d+ s/.test(await status.innerText()), 'the status bar countdown');
      const first = Number(/fires in (\d+) s/.exec(await status.innerText())![1]);
      await waitUntil(async () => Number(/fires in (\d+) s/.exec(await status.innerText())?.[1] ?? first) < first, 'the status bar countdown to go down');
      // The warning of the pause: a toast, or (once the toast timed out) in the notification center.
      const warned = (texts: string[]) => texts.some((m) => /Debugger paused: the AMT watchdog fires in \d+ (s|min)/.test(m));
      if (!warned(await wb.messages())) {
        await wb.runCommand('Notifications: Show Notifications');
        const center = wb.page.locator('.notifications-center .notification-list-item-message');
        await waitUntil(async () => warned(await center.allInnerTexts()), 'the warning of the pause in the notification center');
        await wb.runCommand('Notifications: Hide Notifications');
      }
      await wb.screenshot('watchdog-08-debug-paused');

      await wb.page.keyboard.press('F5'); // continue
      await status.waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
      await wb.screenshot('watchdog-09-debug-running');
      await wb.page.keyboard.press('Shift+F5'); // stop
      // Debugging opened the Run and Debug side bar: back to the Watchdog view.
      await wb.openActivity('AMT Workbench');
      await clickRow(/^\s*Disarm/, row(/^\s*Not armed/));
    });
  });
});
