/**
 * The Overview, Hardware and Software-and-storage pages in the real workbench, against the
 * embedded simulator: the Overview opened from the Devices view's "Pages" row, the Hardware page
 * from the Overview's button, the storage page from the command palette; what each shows, a
 * redirection switch flipped from the Overview, and on the storage page a block allocated,
 * written, read back, and an over-long write refused by the form. Screenshots of each step land
 * in test-results/e2e/.
 *
 * AMT_E2E_VSIX may name another .vsix to install (default: dist/amt-workbench.vsix, packaged when stale).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { clickRowUntil, pageFrame } from './editorHelpers';
import { startWorkbench, waitUntil, type Workbench } from './harness';

const DEVICES = 'Devices';

describe('platform pages in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      settings: { 'amt.power.pollSeconds': 0 },
      viewport: { width: 1400, height: 1000 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView(DEVICES);
    await wb.waitForRow('Simulator', DEVICES, 60_000);
  });

  after(async () => {
    await wb?.close();
  });

  /** The visible text of `selector` in the page's frame, whitespace collapsed. */
  async function text(frame: Frame, selector: string): Promise<string> {
    return (await frame.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Clicks a page button and waits until the banner shows a sentence matching `expect`. */
  async function press(frame: Frame, button: ReturnType<Frame['locator']>, expect: RegExp): Promise<string> {
    const before = await text(frame, '#banner').catch(() => '');
    await button.click();
    let said = '';
    await waitUntil(async () => {
      said = await text(frame, '#banner').catch(() => '');
      return said !== before && expect.test(said);
    }, `the banner to say ${expect}`, 60_000);
    return said;
  }

  test('the Overview page opens from the Devices view\'s Pages row and shows the device', async () => {
    await wb.step('overview', async () => {
      const rows = await wb.treeRows(DEVICES);
      if (!rows.some((r) => /^Pages/.test(r))) await wb.expand('Simulator', DEVICES);
      await wb.expand(/^\s*Pages/, DEVICES);
      const pages = await wb.waitForChildRows('Pages', DEVICES);
      // In registry order; the tree renders only the rows that fit in the view, so compare what shows.
      const order = ['Overview', 'Hardware', 'Software and storage', 'System Defense', 'Logs', 'Accounts', 'Network'];
      assert.ok(pages.length >= 1, 'the Pages row has rows');
      assert.deepEqual(pages, order.slice(0, pages.length));
      // The Pages row's own child, not the device's Overview info row.
      const pagesRow = wb.page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /^\s*Pages\s*$/ }).first();
      const level = Number(await pagesRow.getAttribute('aria-level'));
      const row = wb.page.locator(`.part.sidebar .monaco-list-row[aria-level="${level + 1}"]`).filter({ hasText: /^\s*Overview\s*$/ }).last();
      await clickRowUntil(row, async () => (await wb.page.locator('.tab').filter({ hasText: 'Overview — Simulator' }).count()) > 0, 'the Overview page to open');
      const f = await pageFrame(wb.page, 'overview');
      assert.equal(await f.locator('body').getAttribute('data-state'), 'ready', await text(f, '#content'));
      assert.match(await text(f, '#identity'), /Host name amt-sim-/);
      assert.match(await text(f, '#firmware'), /AMT version \d+\.\d+\.\d+ \(build \d+\)/);
      assert.match(await text(f, '#provisioning'), /Control mode ACM/);
      assert.match(await text(f, '#power'), /Power state On \(2\)/);
      assert.match(await text(f, '#network'), /Wired/);
      assert.match(await text(f, '#redirection'), /Serial over LAN on Turn off/);
      await wb.screenshot('pages-platform-01-overview');
      // A switch beside its state: SOL off, then on again.
      const sol = () => f.locator('#redirection button[data-args*=\'"name":"sol"\']');
      assert.equal(await press(f, sol(), /^Serial over LAN is off now\.$/), 'Serial over LAN is off now.');
      await waitUntil(async () => /Serial over LAN off Turn on/.test(await text(f, '#redirection')), 'the SOL row to say off');
      await wb.screenshot('pages-platform-02-overview-sol-off');
      await press(f, sol(), /^Serial over LAN is on now\.$/);
    });
  });

  test('the Overview\'s Hardware button opens the Hardware page: sections, the decoded $AMT table, sensors', async () => {
    await wb.step('hardware', async () => {
      const overview = await pageFrame(wb.page, 'overview');
      await overview.locator('#identity button', { hasText: 'Hardware' }).click();
      const f = await pageFrame(wb.page, 'hardware');
      assert.match(await text(f, '#platform'), /Manufacturer Simulated Systems Inc\. Model SIM-DESK-16/);
      assert.match(await text(f, '#cpu-0'), /Family Core i7/);
      assert.match(await text(f, '#memory-0'), /Size 16384 MB/);
      assert.match(await text(f, '#smbios'), /SMbios:130: Intel AMT \(OEM 130\).*Serial over LAN enabled yes/);
      assert.match(await text(f, '#sensors'), /Fan Fan 0/);
      await wb.screenshot('pages-platform-03-hardware');
      await f.locator('#smbios').scrollIntoViewIfNeeded();
      await wb.screenshot('pages-platform-04-hardware-smbios');
    });
  });

  test('the storage page from the command palette: allocate, write, read back; an over-long write is refused by the form', async () => {
    await wb.step('storage', async () => {
      await wb.runCommand('AMT: Show Software and storage');
      const f = await pageFrame(wb.page, 'storage');
      assert.match(await text(f, '#firmware'), /Sku 16392 Intel AMT Pro, Corporate/);
      assert.match(await text(f, '#limits'), /Bytes per read or write \(GetMTU\) 4096/);
      await press(f, f.locator('#enterprises button'), /^Enterprise "AMT Workbench" added \(handle \d+\)\.$/);
      await f.locator('#f-name').fill('e2e-notes');
      await f.locator('#f-size').fill('64');
      const allocated = await press(f, f.locator('#allocate button'), /^Block \d+ "e2e-notes" allocated \(64 bytes\)\.$/);
      const block = Number(/^Block (\d+)/.exec(allocated)![1]);
      await waitUntil(async () => (await f.locator('#write').count()) > 0, 'the write form to appear');
      await f.locator('#f-data').fill('Asset: rack 7, slot 3');
      await press(f, f.locator('#write button'), new RegExp(`^21 bytes written to block ${block} at offset 0\\.$`));
      await press(f, f.locator('#blocks button', { hasText: 'Read as text' }).first(), new RegExp(`^Block ${block} \\(64 bytes, as text\\): Asset: rack 7, slot 3$`));
      assert.match(await text(f, '#blocks'), /e2e-notes 64 bytes no AMT Workbench \/ AMT Workbench/);
      await wb.screenshot('pages-platform-05-storage-read-back');
      await f.locator('#f-offset').fill('60');
      await f.locator('#f-data').fill('too long for the end');
      const refused = await press(f, f.locator('#write button'), /^Nothing was written:/);
      assert.equal(refused, 'Nothing was written: 20 bytes at offset 60 do not fit the 64-byte block (4 bytes are left there); shorten the data or allocate a larger block.');
      assert.equal(await f.locator('#banner').getAttribute('class'), 'error');
      await wb.screenshot('pages-platform-06-storage-refused');
      await press(f, f.locator('#blocks button', { hasText: 'Read as text' }).first(), /: Asset: rack 7, slot 3$/);
    });
  });
});
