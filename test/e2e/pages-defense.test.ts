/**
 * The System Defense and Logs pages in the real workbench, against the embedded simulator (whose
 * host sends DNS, HTTPS, ARP and ping traffic in real time): the filter form refuses an invalid
 * address with one sentence, a filter and a policy are created from the forms and enabled on the
 * wired port, the polled counter moves with its chart; the Logs page shows both logs, filters
 * them by text and exports the audit log as CSV into the workspace. Screenshots of each step land
 * in test-results/e2e/.
 *
 * AMT_E2E_VSIX may name another .vsix to install (default: dist/amt-workbench.vsix, packaged when stale).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { startWorkbench, waitUntil, type Workbench } from './harness';
import { pageFrame } from './editorHelpers';

describe('System Defense and Logs pages in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      settings: { 'amt.power.pollSeconds': 0 },
      workspaceFiles: { 'README.txt': 'Exports of the Logs page land here.\n' },
      viewport: { width: 1400, height: 1200 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView('Devices');
    await wb.waitForRow('Simulator', 'Devices', 60_000);
  });

  after(async () => {
    await wb?.close();
  });

  async function openPage(title: string, kind: string): Promise<Frame> {
    await wb.runCommand(title);
    // With more than one device the command asks which; the simulator is the one.
    const pick = wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Simulator' }).first();
    if (await pick.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) await pick.click();
    const frame = await pageFrame(wb.page, kind);
    assert.equal(await frame.locator('body').getAttribute('data-state'), 'ready', await frame.locator('#content').innerText());
    return frame;
  }

  async function banner(frame: Frame, pattern: RegExp): Promise<string> {
    let text = '';
    await waitUntil(async () => pattern.test((text = await frame.locator('#banner').innerText())), `the banner to say ${pattern}`, 30_000);
    return text;
  }

  let defense: Frame;

  test('the filter form refuses an invalid address with one sentence', async () => {
    defense = await openPage('AMT: Show System Defense', 'defense');
    assert.match(await defense.locator('#stats').innerText(), /No policy is active on any port/);
    await wb.screenshot('pages-defense-01-empty');
    await defense.fill('#f-fname', 'dns-in');
    await defense.fill('#f-protocol', 'udp');
    await defense.fill('#f-source', '192.168.1.300');
    await defense.fill('#f-sourcePort', '53');
    await defense.locator('button[data-action="createFilter"]').click();
    const said = await banner(defense, /not an IPv4/);
    assert.equal(said, 'The source address "192.168.1.300" is not an IPv4 or IPv6 address; write one such as 192.168.1.10, 10.0.0.0/8 or 10.0.0.1-10.0.0.9.');
    assert.equal(await defense.locator('#banner').getAttribute('class'), 'error');
    assert.match(await defense.locator('#filters-section').innerText(), /No filters yet/);
    // The banner sits at the top of the page; the form is below it.
    await defense.locator('#banner').scrollIntoViewIfNeeded();
    await wb.screenshot('pages-defense-02-invalid-address');
  });

  test('a filter and a policy from the forms, enabled on the wired port, count the host\'s packets', async () => {
    await defense.fill('#f-source', '192.168.1.1');
    await defense.locator('button[data-action="createFilter"]').click();
    const created = await banner(defense, /was created with handle/);
    const handle = /handle (\d+)/.exec(created)![1]!;
    await waitUntil(async () => (await defense.locator('#filters').innerText()).includes('IPv4 UDP from 192.168.1.1 port 53'), 'the filter in the table');
    await defense.fill('#f-pname', 'watch-dns');
    await defense.fill('#f-precedence', '4');
    await defense.check(`#f-filter${handle}`);
    await defense.locator('button[data-action="createPolicy"]').click();
    const policyId = /id (\d+)/.exec(await banner(defense, /Policy "watch-dns" was created/))![1]!;
    await waitUntil(async () => (await defense.locator(`#f-port0policy option[value="${policyId}"]`).count()) === 1, 'the policy in the port form');
    await defense.selectOption('#f-port0policy', policyId);
    await defense.locator('#port-0 button[data-action="activate"]').click();
    await banner(defense, new RegExp(`Policy ${policyId} is enabled on port 0`));
    const count = async () => Number(await defense.locator(`#stats-0 .count[data-filter="${handle}"]`).innerText().catch(() => '-1'));
    await waitUntil(async () => (await count()) >= 0, 'the counter to show', 30_000);
    const first = await count();
    // The page polls every 5 s; the simulated host gets two DNS answers a second.
    await waitUntil(async () => (await count()) > first && (await defense.locator('#stats polyline').count()) > 0, 'the counter to move with a chart', 40_000);
    const later = await count();
    assert.ok(later > first, `${first} → ${later}`);
    assert.match(await defense.locator('#ports').innerText(), /watch-dns/);
    await defense.locator('#stats').scrollIntoViewIfNeeded();
    await wb.screenshot('pages-defense-03-counting');
  });

  test('the Logs page filters the logs by text and exports the audit log as CSV', async () => {
    const logs = await openPage('AMT: Show Logs', 'logs');
    assert.match(await logs.locator('#event-log').innerText(), /System Defense|Authentication failed/);
    assert.match(await logs.locator('#audit-log').innerText(), /Provisioning Started/);
    await wb.screenshot('pages-defense-04-logs');
    await logs.fill('#f-text', 'provisioning');
    await logs.locator('button[data-action="filter"]').click();
    assert.match(await banner(logs, /^Showing/), /^Showing 0 of \d+ events and 2 of 2 audit records\.$/);
    const rows = await logs.locator('#audit-log tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => /Provisioning/.test(r)), rows.join('\n'));
    await wb.screenshot('pages-defense-05-filtered');
    await logs.locator('#audit-section button[data-action="export"][data-args*="csv"]').click();
    const saved = await banner(logs, /^Saved/);
    assert.equal(saved, 'Saved 2 audit log records to audit-log-Simulator.csv.');
    const csv = await readFile(path.join(wb.workspace, 'audit-log-Simulator.csv'), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'Time,Application,Event,Description,Initiator,Address,Details');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(1, 4).join(',')), ['Security Admin,1601,Provisioning Completed', 'Security Admin,1600,Provisioning Started']);
    await logs.locator('#banner').scrollIntoViewIfNeeded();
    await wb.screenshot('pages-defense-06-exported');
  });
});
