/**
 * The editor UI in the real workbench, against the embedded simulator: browse a class in the
 * Devices view and read a property value, power the host off through the tree (confirming the
 * modal) and see the state in the tree and the status bar, edit an instance document and save it
 * (Put), and invoke a method through its form. Screenshots of each step land in test-results/e2e/.
 *
 * AMT_E2E_VSIX may name another .vsix to install (default: dist/amt-workbench.vsix, packaged when stale).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { clickRowUntil, placeCursorAfter, runContextMenu } from './editorHelpers';
import { waitUntil, waitForMessage, dialogButton, startWorkbench, TIMEOUTS, type Workbench } from './harness';

const DEVICES = 'Devices';

describe('AMT editor UI in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      // Polling would race the assertions on the power state; the tests read it on purpose.
      settings: { 'amt.power.pollSeconds': 0, 'files.autoSave': 'off' },
      viewport: { width: 1400, height: 1000 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView(DEVICES);
    await wb.waitForRow('Simulator', DEVICES, 60_000);
    // The Devices view gets the whole side bar: tree rows outside the viewport are not rendered.
    for (const view of ['Classes', 'Power']) {
      const header = wb.page.locator('.pane-header').filter({ has: wb.page.locator('.title', { hasText: new RegExp(`^\\s*${view}\\s*$`, 'i') }) }).first();
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
  });

  after(async () => {
    await wb?.close();
  });

  /** F1, runs the command, then answers the input box it opens with `answer`. */
  async function runCommandWithInput(title: string, answer: string): Promise<void> {
    const p = wb.page;
    await p.keyboard.press('F1');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await input.fill(`>${title}`);
    await p.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await p.keyboard.press('Enter');
    // The same widget comes back as the command's input box: wait until the palette text is gone.
    await waitUntil(async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), `the input box of "${title}"`);
    await input.fill(answer);
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
  }

  /** Picks the quick-pick row containing `text` (typing it first narrows the list). */
  async function pickQuick(text: string, type = text): Promise<void> {
    const p = wb.page;
    const input = p.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await input.fill(type);
    const row = p.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await row.click();
  }

  function devicesPane(): Locator {
    return wb.page.locator('.pane').filter({ has: wb.page.locator('.pane-header .title', { hasText: /^\s*Devices\s*$/i }) });
  }

  function row(text: string | RegExp): Locator {
    return devicesPane().locator('.monaco-list-row').filter({ hasText: text }).first();
  }

  /** The row whose label is exactly `label` (its description aside). */
  function rowLabelled(label: string): Locator {
    return devicesPane().locator('.monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) }).first();
  }

  async function contextMenu(rowText: string | RegExp, item: string): Promise<void> {
    await runContextMenu(wb.page, row(rowText), item);
  }

  async function statusBarText(): Promise<string> {
    const item = wb.page.locator('.statusbar-item').filter({ hasText: 'Simulator' }).first();
    await item.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    return (await item.innerText()).trim();
  }

  test('the simulator expands to Overview, Power, Classes and Event log', async () => {
    await wb.step('editor-01-device', async () => {
      await wb.expand('Simulator', DEVICES);
      const children = await wb.waitForChildRows('Simulator', DEVICES, { timeoutMs: 60_000 });
      for (const label of ['Overview', 'Power', 'Classes', 'Event log']) assert.ok(children.some((c) => c.startsWith(label)), `${label} in ${JSON.stringify(children)}`);
      // Connecting happens on first use: the device row then says it is connected.
      await waitUntil(async () => /connected/.test(await row('Simulator').innerText()), 'the simulator to say connected', 60_000);
      await wb.screenshot('editor-01-device');
    });
  });

  test('Classes → AMT → AMT_GeneralSettings shows the instance and its property values', async () => {
    await wb.step('editor-02-class', async () => {
      await runCommandWithInput('AMT: Filter Classes', 'GeneralSettings');
      await wb.expand(/^\s*Classes/, DEVICES);
      await wb.waitForRow(/^AMT\s*1 of \d+ classes/, DEVICES);
      // VS Code drops the children of a row redrawn while they load (a class row's count arriving
      // from the probe can be that redraw); a user then expands it again, and so does this step.
      for (let attempt = 1; ; attempt++) {
        try {
          await wb.expand('AMT_GeneralSettings', DEVICES);
          await wb.waitForRow('Intel(r) AMT: General Settings', DEVICES, 60_000);
          await wb.expand('Intel(r) AMT: General Settings', DEVICES);
          await wb.waitForRow('DDNSTTL: 900', DEVICES, 15_000);
          break;
        } catch (err) {
          if (attempt === 3) throw err;
          await wb.collapse('AMT_GeneralSettings', DEVICES).catch(() => undefined);
        }
      }
      // Every property is a row "Name: value", keys and strings alike.
      const props = await wb.childRows('Intel(r) AMT: General Settings', DEVICES);
      assert.ok(props.some((r) => /^DigestRealm: Digest:[0-9A-F]+$/.test(r)), `DigestRealm in ${JSON.stringify(props)}`);
      assert.ok(props.some((r) => /^NetworkInterfaceEnabled: (true|false)$/.test(r)), `NetworkInterfaceEnabled in ${JSON.stringify(props)}`);
      await wb.screenshot('editor-02-general-settings');
    });
  });

  test('Power → Power off asks in a modal naming the device, then the tree and status bar show the new state', async () => {
    await wb.step('editor-03-power', async () => {
      await wb.expand(/^\s*Power\s*On \(2\)/, DEVICES);
      assert.match(await statusBarText(), /Simulator · On/);
      await row(/^\s*Power off\s*$/).click();
      const dialog = await dialogButton(wb.page, 'Power off');
      assert.match(dialog, /Power off: Simulator\?/);
      await waitForMessage(wb, /Power off on Simulator: Completed with No Error/);
      const powerRow = rowLabelled('Power');
      await waitUntil(async () => !/On \(2\)/.test(await powerRow.innerText()), 'the Power row to leave On (2)');
      const power = (await powerRow.innerText()).replace(/\s+/g, ' ');
      assert.match(power, /^Power\s*Off/i);
      await waitUntil(async () => /Simulator · Off/i.test(await statusBarText()), 'the status bar to show Off');
      await wb.screenshot('editor-03-powered-off');
    });
  });

  test('an instance opens as an XML document; saving an edit sends Put and the tree shows the new value', async () => {
    await wb.step('editor-04-instance-document', async () => {
      const p = wb.page;
      await contextMenu('Intel(r) AMT: General Settings', 'Open Instance');
      const editor = p.locator('.editor-instance .monaco-editor').first();
      await editor.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await waitUntil(async () => (await editor.innerText()).includes('<h:HostName>'), 'the instance XML in the editor');
      await wb.screenshot('editor-04-document');

      await placeCursorAfter(p, '<h:HostName>');
      await p.keyboard.type('e2e-');
      // "Compare with Device" shows the edit against the instance on the device, before any Put.
      await wb.runCommand('AMT: Compare with Device');
      const diff = p.locator('.editor-instance .monaco-diff-editor').first();
      await diff.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await waitUntil(async () => (await p.locator('.tabs-container .tab.active').innerText()).includes('device ↔ editor'), 'the diff tab');
      await waitUntil(async () => (await diff.locator('.modified-in-monaco-diff-editor, .editor.modified').first().innerText()).includes('e2e-'), 'the edit on the right side');
      await wb.screenshot('editor-05-compare');
      await diff.locator('.editor.modified .view-lines').first().click();
      await p.keyboard.press('Control+S');
      const dialog = await dialogButton(wb.page, 'Put');
      assert.match(dialog, /Send Put to Simulator\?/);
      const change = /HostName: (\S*) → (e2e-\S*)/.exec(dialog);
      assert.ok(change, `the dialog names the HostName change: ${dialog}`);
      assert.equal(change[2], `e2e-${change[1]}`);
      await waitForMessage(wb, /Put AMT_GeneralSettings to Simulator: HostName/);
      // The tree re-reads the class after the Put: the row shows exactly the value typed.
      const host = await wb.waitForRow(/HostName: e2e-/, DEVICES, 30_000);
      assert.equal(host, `HostName: ${change[2]}`);
      // Saved: no tab is left dirty (the save marks the documents clean once the Put's answer is in,
      // which can come a moment after the tree re-read).
      await waitUntil(async () => (await p.locator('.tabs-container .tab.dirty').count()) === 0, 'every tab to be saved (none dirty)');
      await wb.screenshot('editor-06-after-put');
    });
  });

  test('Invoke Method… builds a form from the catalog and shows the ReturnValue with its meaning', async () => {
    await wb.step('editor-07-invoke', async () => {
      await runCommandWithInput('AMT: Filter Classes', 'CIM_PowerManagementService');
      await wb.waitForRow(/^CIM\s*1 of \d+ classes/, DEVICES);
      await contextMenu(/^\s*CIM_PowerManagementService/, 'Invoke Method');
      await pickQuick('RequestPowerStateChange');
      // The form: set PowerState from its value map, ManagedElement from the device's computer systems.
      await pickQuick('PowerState', 'PowerState');
      await pickQuick('2 (Power On)');
      await pickQuick('ManagedElement', 'ManagedElement');
      await pickQuick('Managed System');
      await wb.screenshot('editor-07-form');
      await pickQuick('Invoke RequestPowerStateChange', 'Invoke');
      await waitForMessage(wb, /RequestPowerStateChange on Simulator: ReturnValue 0 \(Completed with No Error\)/);
      // The report opens read-only in the editor group already open, not in a new one beside it.
      const report = wb.page.locator('.editor-instance .monaco-editor').filter({ hasText: 'ReturnValue: 0' }).first();
      await report.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      assert.equal(await wb.page.locator('.editor-group-container').count(), 1, 'one editor group');
      // Nothing run by hand: the Power row and the status bar read the new state by themselves.
      await waitUntil(async () => /Simulator · On/.test(await statusBarText()), 'the status bar to show On again');
      await waitUntil(async () => /^Power\s*On \(2\)/.test((await rowLabelled('Power').innerText()).replace(/\s+/g, ' ')), 'the Power row to show On (2)');
      await wb.screenshot('editor-08-invoked');
      // Power on again: the host is on, and the refusal says so in the editor's words.
      // The Power view redraws its rows after the method (power, boot and redirection re-read); a
      // click that lands during a redraw only selects the row, so click until the dialog shows.
      await clickRowUntil(rowLabelled('Power on'), () => wb.page.locator('.monaco-dialog-box').isVisible(), 'the Power on dialog');
      await dialogButton(wb.page, 'Power on');
      const refused = await waitForMessage(wb, /refused to/);
      assert.match(refused, /the host is On \(2\) now\./);
      assert.doesNotMatch(refused, /power status/);
    });
  });

  test('saving a change to a read-only property is refused before anything is sent, in one sentence', async () => {
    await wb.step('editor-09-read-only', async () => {
      const p = wb.page;
      await runCommandWithInput('AMT: Filter Classes', 'GeneralSettings');
      await wb.waitForRow(/^AMT\s*1 of \d+ classes/, DEVICES);
      await wb.expand('AMT_GeneralSettings', DEVICES);
      await wb.waitForRow('Intel(r) AMT: General Settings', DEVICES, 60_000);
      await wb.expand('Intel(r) AMT: General Settings', DEVICES);
      const realm = await wb.waitForRow(/^DigestRealm: Digest:/, DEVICES, 60_000);
      await contextMenu('Intel(r) AMT: General Settings', 'Open Instance');
      const editor = p.locator('.editor-instance .monaco-editor').first();
      await waitUntil(async () => (await editor.innerText()).includes('<h:DigestRealm>'), 'the instance XML in the editor');
      // The document names its read-only properties.
      assert.match((await editor.innerText()).replace(/\s+/g, ' '), /Read-only \(saving a change to them is refused\): [^>]*DigestRealm/);
      await placeCursorAfter(p, '<h:DigestRealm>');
      await p.keyboard.type('X');
      await p.keyboard.press('Control+S');
      const message = await waitForMessage(wb, /DigestRealm of AMT_GeneralSettings is read-only/);
      // One toast, one sentence: no VS Code "Failed to save … Unable to write file amt:/…" beside it.
      assert.match(message, /^DigestRealm of AMT_GeneralSettings is read-only, so nothing was sent; set it back to Digest:[0-9A-F]+ and save again\.$/);
      assert.equal((await wb.messages()).filter((m) => /DigestRealm|Failed to save/.test(m)).length, 1);
      // No Put dialog was shown and the device kept its value.
      assert.equal(await p.locator('.monaco-dialog-box').count(), 0);
      await wb.screenshot('editor-09-read-only-refused');
      assert.equal(await wb.waitForRow(/^DigestRealm: Digest:/, DEVICES), realm);
      await wb.runCommand('File: Revert File');
    });
  });

  test('a Put the device refuses is one toast, and the edit stays in the editor', async () => {
    await wb.step('editor-10-device-refused', async () => {
      const p = wb.page;
      // The document from the previous test is still open (reverted). ElementName is not writable, but
      // not one the editor knows to refuse: the device refuses the Put (WS-Management InvalidRepresentation).
      const editor = p.locator('.editor-instance .monaco-editor').first();
      await waitUntil(async () => (await editor.innerText()).includes('<h:ElementName>'), 'the instance XML in the editor');
      await placeCursorAfter(p, '<h:ElementName>');
      await p.keyboard.type('X');
      await p.keyboard.press('Control+S');
      assert.match(await dialogButton(p, 'Put'), /ElementName: Intel\(r\) AMT: General Settings → XIntel\(r\) AMT: General Settings/);
      const refused = await waitForMessage(wb, /refused the Put/);
      assert.match(refused, /^Simulator refused the Put: /);
      const shown = await wb.messages();
      assert.equal(shown.filter((m) => /refused the Put|Failed to save|Unable to write/.test(m)).length, 1, shown.join(' | '));
      // Nothing lost: the document's tab is still dirty (unsaved) with the edit in it.
      assert.equal(await p.locator('.tabs-container .tab.active.dirty').count(), 1);
      assert.match((await editor.innerText()).replace(/\s+/g, ' '), /<h:ElementName>XIntel\(r\) AMT: General Settings<\/h:ElementName>/);
      await wb.screenshot('editor-10-device-refused');
      await wb.runCommand('File: Revert File');
    });
  });
});
