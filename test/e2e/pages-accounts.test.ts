/**
 * The Accounts and Network pages in the real workbench against the embedded simulator: add a user
 * through the page's form with the password typed into VS Code's password box (a weak one first,
 * refused with AMT's rule named), see the user listed, remove it after the confirmation; then the
 * Network page with the device's certificate decoded. No password ever appears in the page.
 * Screenshots of each step land in test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { dialogButton, startWorkbench, TIMEOUTS, waitUntil, type Workbench } from './harness';
import { pageFrame } from './editorHelpers';

const PASSWORD = 'E2e-user!pw9';
const WEAK = 'weakpass1';

describe('Accounts and Network pages in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      settings: { 'amt.power.pollSeconds': 0 },
      viewport: { width: 1400, height: 1000 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView('Devices');
    await wb.waitForRow('Simulator', 'Devices', 60_000);
  });
  after(async () => {
    await wb?.close();
  });

  /** Answers VS Code's input box (the password box here) once its prompt matches. */
  async function typeInBox(prompt: RegExp, text: string): Promise<void> {
    const p = wb.page;
    const widget = p.locator('.quick-input-widget');
    await waitUntil(async () => (await widget.isVisible()) && prompt.test(await widget.innerText()), `an input box asking ${prompt}`);
    const input = widget.locator('input');
    assert.equal(await input.getAttribute('type'), 'password', 'the box hides what is typed');
    await input.fill(text);
    await p.keyboard.press('Enter');
  }

  async function banner(frame: Frame, pattern: RegExp): Promise<string> {
    let text = '';
    await waitUntil(async () => pattern.test((text = await frame.locator('#banner').innerText())), `the banner to say ${pattern} (it says "${text}")`);
    return text;
  }

  async function noPasswordIn(frame: Frame): Promise<void> {
    const page = await frame.content();
    for (const secret of [PASSWORD, WEAK, 'P@ssw0rd']) assert.ok(!page.includes(secret), 'no password in the page');
  }

  test('add a user through the page, see it listed, remove it', async () => {
    await wb.step('accounts', async () => {
      await wb.runCommand('AMT: Show Accounts');
      let frame = await pageFrame(wb.page, 'accounts');
      assert.match(await frame.locator('#admin').innerText(), /admin/);
      await wb.screenshot('pages-accounts-01-open');

      await frame.fill('#f-user', 'e2euser');
      await frame.check('#f-realm-2');
      await frame.check('#f-realm-5');
      // A weak password first: refused with the rule named, nothing added.
      await frame.click('#add-user [data-action="add"]');
      await typeInBox(/New password for "e2euser"/, WEAK);
      await typeInBox(/same password again/, WEAK);
      frame = await pageFrame(wb.page, 'accounts');
      const refused = await banner(frame, /strong-password rule/);
      assert.match(refused, /breaks AMT's strong-password rule \(8 to 32 characters.*because it lacks an upper-case letter/);
      assert.ok(!(await frame.locator('#users-section').innerText()).includes('e2euser'));
      await frame.evaluate('window.scrollTo(0, 0)');
      await wb.screenshot('pages-accounts-02-weak-refused');

      await frame.click('#add-user [data-action="add"]');
      await typeInBox(/New password for "e2euser"/, PASSWORD);
      await typeInBox(/same password again/, PASSWORD);
      await banner(frame, /Added the account "e2euser"/);
      await waitUntil(async () => (await frame.locator('#users').innerText()).includes('e2euser'), 'e2euser in the users table');
      const row = frame.locator('#users tr').filter({ hasText: 'e2euser' });
      assert.match(await row.innerText(), /enabled\s+local and network\s+Redirection, Remote Control/);
      await noPasswordIn(frame);
      await frame.evaluate('window.scrollTo(0, 0)');
      await wb.screenshot('pages-accounts-03-added');

      await row.locator('[data-action="remove"]').click();
      const asked = await dialogButton(wb.page, 'Remove');
      assert.match(asked, /Remove the account "e2euser" from the device\?/);
      await banner(frame, /Removed the account "e2euser"/);
      await waitUntil(async () => !(await frame.locator('#users-section').innerText()).includes('e2euser'), 'e2euser gone from the list');
      assert.match(await frame.locator('#users-section').innerText(), /No user accounts besides the admin/);
      await noPasswordIn(frame);
      await frame.evaluate('window.scrollTo(0, 0)');
      await wb.screenshot('pages-accounts-04-removed');
    });
  });

  test('the Network page shows the certificates', async () => {
    await wb.step('network', async () => {
      await wb.runCommand('AMT: Show Network');
      const frame = await pageFrame(wb.page, 'network');
      const certs = await frame.locator('#certificates').innerText();
      assert.match(certs, /C=unknown, O=unknown, CN=\S+/);
      assert.match(certs, /key held/);
      assert.match(certs, /TLS/);
      assert.match(await frame.locator('#wired').innerText(), /MAC address\s+([0-9a-f]{2}-){5}[0-9a-f]{2}/);
      assert.match(await frame.locator('#tls').innerText(), /off \(plain HTTP\)/);
      await frame.locator('#certificates-section').scrollIntoViewIfNeeded({ timeout: TIMEOUTS.ui });
      await wb.screenshot('pages-network-01-certificates');
    });
  });
});
