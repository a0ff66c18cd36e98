/**
 * Device snapshots in the real workbench, against the embedded simulator: save a snapshot from the
 * simulator's context menu in the Devices view (it lands in the workspace's snapshots/ folder),
 * change the device through an instance document (Put), then "AMT: Compare Snapshots…" against
 * the device now: the diff editor shows the HostName change, the notification counts exactly one
 * change, and clocks and counters read «volatile» on both sides. Screenshots in test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { placeCursorAfter, runContextMenu } from './editorHelpers';
import { dialogButton, startWorkbench, TIMEOUTS, waitForMessage, waitUntil, type Workbench } from './harness';

const DEVICES = 'Devices';

describe('device snapshots in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;
  let hostName = '';

  before(async () => {
    wb = await startWorkbench({ settings: { 'amt.power.pollSeconds': 0, 'files.autoSave': 'off' }, viewport: { width: 1400, height: 1000 } });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView(DEVICES);
    await wb.waitForRow('Simulator', DEVICES, 60_000);
    // Only the Devices view stays open, so the rows below the simulator are in view (and rendered).
    const open = wb.page.locator('.part.sidebar .pane-header[aria-expanded="true"]').filter({ hasNot: wb.page.locator('.title', { hasText: /^\s*Devices\s*$/i }) });
    for (let i = 0; i < 5 && (await open.count()) > 0; i++) await open.first().click();
  });

  after(async () => {
    await wb?.close();
  });

  const devicesPane = () => wb.page.locator('.pane').filter({ has: wb.page.locator('.pane-header .title', { hasText: /^\s*Devices\s*$/i }) });
  const row = (text: string | RegExp) => devicesPane().locator('.monaco-list-row').filter({ hasText: text }).first();

  async function pickQuick(text: string | RegExp): Promise<void> {
    const item = wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
    await item.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await item.click();
  }

  test('Save Device Snapshot from the simulator row writes snapshots/Simulator-….amt-snapshot.json', async () => {
    await wb.step('snapshot-01-save', async () => {
      await runContextMenu(wb.page, row(/^\s*Simulator/), 'Save Device Snapshot');
      const saved = await waitForMessage(wb, /Saved snapshots\/Simulator-\d{8}-\d{6}\.amt-snapshot\.json: \d+ instances of \d+ classes from Simulator\./);
      await wb.screenshot('snapshot-01-saved');
      const dir = path.join(wb.workspace, 'snapshots');
      const files = readdirSync(dir);
      assert.equal(files.length, 1, files.join(', '));
      assert.ok(saved.includes(files[0]!), `${saved} names ${files[0]}`);
      const snap = JSON.parse(readFileSync(path.join(dir, files[0]!), 'utf8'));
      hostName = snap.classes.AMT_GeneralSettings.instances[0].properties.HostName;
      assert.match(hostName, /^amt-sim-/);
      assert.match(snap.classes.AMT_GeneralSettings.instances[0].xml, /^<h:AMT_GeneralSettings xmlns:h=/);
      // Dismiss the toast (its buttons are for later).
      await wb.page.keyboard.press('Escape');
    });
  });

  test('a Put through an instance document changes the device', async () => {
    await wb.step('snapshot-02-put', async () => {
      const p = wb.page;
      await wb.runCommand('AMT: Filter Classes');
      const input = p.locator('.quick-input-widget input');
      await waitUntil(async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), 'the filter input box');
      await input.fill('GeneralSettings');
      await p.keyboard.press('Enter');
      await wb.expand('Simulator', DEVICES).catch(() => undefined);
      await wb.waitForChildRows('Simulator', DEVICES, { timeoutMs: 60_000 });
      await wb.expand(/^\s*Classes/, DEVICES);
      await wb.waitForRow(/^AMT\s*1 of \d+ classes/, DEVICES);
      await wb.expand('AMT_GeneralSettings', DEVICES);
      await wb.waitForRow('Intel(r) AMT: General Settings', DEVICES, 60_000);
      await runContextMenu(p, row('Intel(r) AMT: General Settings'), 'Open Instance');
      const editor = p.locator('.editor-instance .monaco-editor').first();
      await waitUntil(async () => (await editor.innerText()).includes('<h:HostName>'), 'the instance XML in the editor');
      await placeCursorAfter(p, '<h:HostName>');
      await p.keyboard.type('e2e-');
      await p.keyboard.press('Control+S');
      assert.match(await dialogButton(p, 'Put'), new RegExp(`HostName: ${hostName} → e2e-${hostName}`));
      await waitForMessage(wb, /Put AMT_GeneralSettings to Simulator: HostName/);
      await wb.screenshot('snapshot-02-put');
      await wb.runCommand('View: Close All Editors');
    });
  });

  test('Compare Snapshots… against the device now opens the diff editor showing exactly that change', async () => {
    await wb.step('snapshot-03-compare', async () => {
      const p = wb.page;
      await wb.runCommand('AMT: Compare Snapshots…');
      await pickQuick(/snapshots\/Simulator-\d{8}-\d{6}\.amt-snapshot\.json/);
      await wb.screenshot('snapshot-03-pick-device');
      await pickQuick(/Simulator now/);
      const drift = await waitForMessage(wb, /^Drift: 1 change from snapshots\/Simulator-\S+ \(Simulator, [^)]+\) to Simulator now \(Simulator, [^)]+\):/);
      assert.doesNotMatch(drift, /No drift/);
      const diff = p.locator('.editor-instance .monaco-diff-editor').first();
      await diff.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await waitUntil(async () => (await p.locator('.tabs-container .tab.active').innerText()).includes('Simulator now (snapshots)'), 'the diff tab');
      const original = diff.locator('.editor.original');
      const modified = diff.locator('.editor.modified');
      // Monaco renders spaces as no-break spaces.
      const text = async (side: typeof original) => (await side.innerText()).replace(/\u00a0/g, ' ');
      // The diff editor opens at the first change: the right side shows the new host name, the left the one saved.
      await waitUntil(async () => (await text(modified)).includes(`HostName: e2e-${hostName}`), 'the new HostName on the right');
      assert.ok((await text(original)).includes(`HostName: ${hostName}`), 'the saved HostName on the left');
      assert.ok((await modified.locator('.char-insert').count()) > 0, 'the inserted text is marked on the right');
      await wb.screenshot('snapshot-04-diff');
      // It is the only difference: "Go to Next Difference" opens the accessible diff viewer, which counts them ("1/1").
      await wb.runCommand('Go to Next Difference');
      await waitUntil(async () => /1\/1: @@ -\d+,1 \+\d+,1 @@/.test(await text(diff)), 'the diff viewer to count one difference');
      const review = await text(diff);
      assert.ok(review.includes(`HostName: ${hostName}`) && review.includes(`HostName: e2e-${hostName}`), review);
      await wb.screenshot('snapshot-05-one-difference');
      await p.keyboard.press('Escape');
      await modified.locator('.view-lines').first().click();
      // At the top, both renderings say what «volatile» marks.
      await p.keyboard.press('Control+Home');
      await waitUntil(async () => (await text(modified)).includes('«volatile» marks values that move by themselves'), 'the rendering header on the right');
      assert.ok((await text(original)).includes('«volatile» marks values that move by themselves'));
      await wb.screenshot('snapshot-06-diff-top');
    });
  });
});
