/**
 * Redirection in the real workbench, against the embedded simulator: "Open SOL Terminal" on the
 * device shows the host's serial console in the integrated terminal; a boot from the Power view
 * with BIOS output to SOL shows the POST text and then the OS's login prompt; logging in and
 * running a command shows its output. Then an ISO the test makes with xorriso is mounted with the
 * explorer's "Mount on AMT Device" (booting from it): the host prints the image's volume label as
 * it boots from the IDE-R CD, installs it, and once rebooted reports the label as its OS.
 * Screenshots of each step land in test-results/e2e/.
 *
 * The terminal's text is read from xterm's DOM rows: gpuAcceleration "off" makes xterm draw text
 * into the DOM instead of a canvas.
 *
 * AMT_E2E_VSIX may name another .vsix to install (default: dist/amt-workbench.vsix, packaged when stale).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { clickRowUntil, runContextMenu } from './editorHelpers';
import { dialogButton, startWorkbench, TIMEOUTS, waitForMessage, waitUntil, type Workbench } from './harness';

const DEVICES = 'Devices';
const POWER = 'Power';
/** The volume label of the test's ISO: what the host must print back. */
const LABEL = 'AMTWB_E2E_42';
/** The default account of the simulated host's OS. */
const USER = 'root';
const PASSWORD = 'amt';

describe('SOL terminal and IDE-R mount in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      settings: { 'amt.power.pollSeconds': 0, 'terminal.integrated.gpuAcceleration': 'off', 'terminal.integrated.scrollback': 5000, 'terminal.integrated.showTerminalConfigPrompt': false },
      viewport: { width: 1400, height: 1100 },
    });
    await wb.openActivity('AMT Workbench');
    await wb.waitForView(DEVICES);
    await wb.waitForRow('Simulator', DEVICES, 60_000);
    // Devices and Power share the side bar: the Classes view is folded away.
    const classes = paneHeader('Classes');
    if ((await classes.getAttribute('aria-expanded')) === 'true') await classes.click();
    const power = paneHeader(POWER);
    if ((await power.getAttribute('aria-expanded')) !== 'true') await power.click();
    await wb.waitForView(POWER);
  });

  after(async () => {
    await wb?.close();
  });

  function paneHeader(view: string): Locator {
    return wb.page.locator('.pane-header').filter({ has: wb.page.locator('.title', { hasText: new RegExp(`^\\s*${view}\\s*$`, 'i') }) }).first();
  }

  function paneRow(view: string | undefined, text: string | RegExp): Locator {
    const scope = view
      ? wb.page.locator('.pane').filter({ has: wb.page.locator('.pane-header .title', { hasText: new RegExp(`^\\s*${view}\\s*$`, 'i') }) })
      : wb.page.locator('.part.sidebar');
    return scope.locator('.monaco-list-row').filter({ hasText: text }).first();
  }

  async function contextMenu(row: Locator, item: string): Promise<void> {
    await runContextMenu(wb.page, row, item);
  }

  /** Clicks a Redirection switch row and waits for the device's answer. */
  async function flipSwitch(label: string, to: 'on' | 'off'): Promise<void> {
    const from = to === 'on' ? 'off' : 'on';
    const message = new RegExp(`^${label} on Simulator is ${to} now\\.$`);
    await clickRowUntil(paneRow(POWER, new RegExp(`^\\s*${label}: ${from}`)), async () => (await wb.messages()).some((m) => message.test(m)), `${label} to turn ${to}`);
    await wb.waitForRow(new RegExp(`^\\s*${label}: ${to}`), POWER);
  }

  function terminal(): Locator {
    return wb.page.locator('.part.panel .terminal-wrapper.active .xterm, .part.panel .xterm').first();
  }

  /** The text of the terminal's visible rows (xterm's DOM renderer pads with no-break spaces). */
  async function terminalText(): Promise<string> {
    // Each child of .xterm-rows is one screen row; textContent does not depend on layout or focus.
    const rows = wb.page.locator('.xterm-rows').first();
    const lines = await rows.evaluate((el) => Array.from((el as unknown as { children: ArrayLike<{ textContent: string | null }> }).children).map((r) => r.textContent ?? ''));
    return lines.map((l) => l.replace(/\u00a0/g, ' ').trimEnd()).join('\n').replace(/\n+$/, '\n');
  }

  async function waitForTerminal(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
    let text = '';
    try {
      await waitUntil(async () => pattern.test((text = await terminalText())), `the SOL terminal to show ${pattern}`, timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}; its last lines are ${JSON.stringify(text.trimEnd().split('\n').slice(-12).join('\n'))}`);
    }
    return text;
  }

  /** Types a line into the terminal (the keystrokes go to the host over SOL) and presses Enter. */
  async function typeLine(text: string): Promise<void> {
    await terminal().click();
    await wb.page.keyboard.type(text, { delay: 20 });
    await wb.page.keyboard.press('Enter');
  }

  /** Logs in at the `login:` prompt the terminal shows and waits for the shell's prompt. */
  async function logIn(): Promise<void> {
    await typeLine(USER);
    await waitForTerminal(/password:\s*$/im);
    await typeLine(PASSWORD);
    await waitForTerminal(/[#$]\s*$/m);
  }

  async function clearTerminal(): Promise<void> {
    await wb.runCommand('Terminal: Clear');
    await waitUntil(async () => (await terminalText()).trim().split('\n').length <= 1, 'the terminal to clear');
  }

  test('Open SOL Terminal on the device connects the integrated terminal to the host console', async () => {
    await wb.step('redirection-01-sol-open', async () => {
      await contextMenu(paneRow(DEVICES, 'Simulator'), 'Open SOL Terminal');
      await wb.page.locator('.part.panel .terminal-tabs-entry, .part.panel .single-terminal-tab, .part.panel .terminal-wrapper').first().waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      const text = await waitForTerminal(/\[SOL connected over [^\]]+\]/);
      assert.match(text, /\[Opening SOL on Simulator…\]/);
      const tab = await wb.page.locator('.part.panel').innerText();
      assert.match(tab, /SOL — Simulator/);
      await wb.screenshot('redirection-01-sol-open');
    });
  });

  test('a boot with BIOS output to SOL shows the POST text, then the login prompt; logging in runs a command', async () => {
    await wb.step('redirection-02-post', async () => {
      const bootRow = paneRow(POWER, /^\s*Boot Once from Hard Disk/);
      await bootRow.waitFor({ state: 'visible', timeout: 60_000 });
      await clickRowUntil(bootRow, () => wb.page.locator('.monaco-dialog-box').isVisible(), 'the boot dialog');
      const dialog = await dialogButton(wb.page, 'Boot with BIOS Output to SOL');
      assert.match(dialog, /Boot Once from Hard Disk: Simulator\?/);
      const done = await waitForMessage(wb, /^Simulator: /);
      assert.match(done, /Steps: /);
      const text = await waitForTerminal(/login:\s*$/m);
      // The BIOS's power-on self test comes first, the OS's prompt after it.
      const beforeLogin = text.slice(0, text.search(/login:/));
      assert.match(beforeLogin, /BIOS .*\n[\s\S]*Memory Test: \d+K OK/, 'POST text before the login prompt');
      assert.match(beforeLogin, /Loading SimOS kernel/);
      await wb.screenshot('redirection-02-post-login');
    });
    await wb.step('redirection-03-command', async () => {
      await logIn();
      await clearTerminal();
      await typeLine('uname -a');
      const text = await waitForTerminal(/uname -a\s*\n.*\S.*\n.*[#$]\s*$/m);
      const lines = text.split('\n');
      assert.match(lines[lines.findIndex((l) => /uname -a/.test(l)) + 1]!, /^SimOS \S+ \S+ #1 SMP x86_64 /);
      await wb.screenshot('redirection-03-uname');
    });
  });

  test('Request User Consent: the host shows a code on its console; a wrong code is asked for again, the right one is accepted', async () => {
    await wb.step('redirection-consent', async () => {
      await clearTerminal();
      await wb.runCommand('AMT: Request User Consent…');
      // The simulated host prints the code on its console, which the SOL terminal shows.
      const shown = await waitForTerminal(/user consent code (\d{6})/);
      const code = /user consent code (\d{6})/.exec(shown)![1]!;
      const box = wb.page.locator('.quick-input-widget');
      const input = box.locator('input');
      await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      assert.match(await box.innerText(), /Type the six-digit code shown on Simulator's screen \(it is valid for \d+ s\)/);
      // The box itself refuses what is not six digits.
      await input.fill('12345');
      await box.filter({ hasText: 'The code is six digits; 5 typed.' }).waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await wb.screenshot('redirection-consent-01-code');
      await input.fill(code === '000000' ? '111111' : '000000');
      await wb.page.keyboard.press('Enter');
      await box.filter({ hasText: /did not accept that code[^]*wrong code[^]*Type the six-digit code/ }).waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await wb.screenshot('redirection-consent-02-wrong');
      await input.fill(code);
      await wb.page.keyboard.press('Enter');
      await waitForMessage(wb, /Simulator accepted the consent code/);
      await wb.waitForRow(/Consent: .*3 \(received\)/, POWER);
      await wb.screenshot('redirection-consent-03-accepted');
    });
  });

  test('the Redirection rows switch IDE-R off and on again, each change read back from the device', async () => {
    await wb.step('redirection-features', async () => {
      await wb.runCommand('Notifications: Clear All Notifications');
      await flipSwitch('IDE-R', 'off');
      await wb.screenshot('redirection-features-ider-off');
      await flipSwitch('IDE-R', 'on');
    });
  });

  test('an ISO mounted with "Mount on AMT Device" boots the host from IDE-R, which then reports its label', async () => {
    await wb.step('redirection-04-mount', async () => {
      // A bootable ISO 9660 image with a label of our own: an El Torito no-emulation boot image.
      const src = path.join(wb.workspace, 'iso-src');
      mkdirSync(src, { recursive: true });
      writeFileSync(path.join(src, 'boot.img'), Buffer.alloc(2048, 0x90));
      writeFileSync(path.join(src, 'README.TXT'), `AMT Workbench e2e image ${LABEL}\n`);
      execFileSync('/usr/bin/xorriso', ['-as', 'mkisofs', '-V', LABEL, '-b', 'boot.img', '-no-emul-boot', '-boot-load-size', '4', '-o', path.join(wb.workspace, 'test.iso'), src], { stdio: 'pipe' });

      await clearTerminal();
      // At most three toasts show: the earlier ones go, so this step's notifications can be seen.
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.openActivity('Explorer');
      const iso = paneRow(undefined, /^\s*test\.iso\s*$/);
      await waitUntil(async () => iso.isVisible(), 'test.iso in the explorer', 60_000);
      await contextMenu(iso, 'Mount on AMT Device');
      const dialog = await dialogButton(wb.page, 'Mount and Boot from It');
      assert.match(dialog, /Mount test\.iso on Simulator as its IDE-R CD\?/);
      await waitForMessage(wb, /test\.iso is mounted on Simulator as its IDE-R CD; the host boots from it now\./);
      const status = wb.page.locator('.statusbar-item').filter({ hasText: /IDE-R:/ }).first();
      await status.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await wb.screenshot('redirection-04-mounted');
    });
    await wb.step('redirection-05-ider-boot', async () => {
      await waitForTerminal(new RegExp(`Booting from IDE-R CD: ${LABEL}`));
      await wb.screenshot('redirection-05-ider-boot');
      // The installer ejects the CD (the session ends, saying so) and the host reboots into what it installed.
      await waitForMessage(wb, /Simulator ejected test\.iso from its IDE-R drive after the host read \d+ sectors/);
      // The session ended with the eject: its status-bar item is gone.
      await wb.page.locator('.statusbar-item').filter({ hasText: /IDE-R:/ }).first().waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
      await waitForTerminal(/login:\s*$/m, 120_000);
      await wb.screenshot('redirection-06-installed-login');
    });
    await wb.step('redirection-06-installed', async () => {
      await logIn();
      await clearTerminal();
      await typeLine('cat /etc/os-release');
      const text = await waitForTerminal(new RegExp(`${LABEL}[\\s\\S]*[#$]\\s*$`, 'm'));
      assert.match(text, new RegExp(LABEL));
      await wb.screenshot('redirection-07-os-release');
    });
  });

  test('with SOL switched off the terminal says why SOL did not open; switched on again, Enter opens it', async () => {
    await wb.step('redirection-08-refused', async () => {
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.openActivity('AMT Workbench');
      await flipSwitch('SOL', 'off');
      await wb.runCommand('Terminal: Kill the Active Terminal Instance');
      await wb.page.locator('.part.panel .xterm').first().waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
      await wb.runCommand('AMT: Open SOL Terminal');
      const text = await waitForTerminal(/\[SOL not opened: ([^\]]+)\]/);
      const reason = /\[SOL not opened: ([^\]]+)\]/.exec(text)![1]!;
      // The same one sentence is the notification.
      const shown = await waitForMessage(wb, /SOL/);
      // (The terminal wraps long lines: compared without white space.)
      assert.equal(shown.replace(/\s+/g, ''), reason.replace(/\s+/g, ''));
      assert.match(shown, /^SOL is disabled on Simulator .*with the "SOL" switch in the Power view's Redirection rows\.$/);
      assert.match(text, /\[Press Enter to try again\.\]/);
      await wb.screenshot('redirection-08-sol-refused');
      await flipSwitch('SOL', 'on');
      await terminal().click();
      await wb.page.keyboard.press('Enter');
      await waitForTerminal(/\[SOL connected over [^\]]+\]/);
      await wb.screenshot('redirection-09-sol-again');
    });
  });

  test('"Mount Only" serves the image until the status-bar item is clicked, which stops it and says how much was read', async () => {
    await wb.step('redirection-10-stop', async () => {
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.openActivity('Explorer');
      await contextMenu(paneRow(undefined, /^\s*test\.iso\s*$/), 'Mount on AMT Device');
      await dialogButton(wb.page, 'Mount Only');
      await waitForMessage(wb, /^test\.iso is mounted on Simulator as its IDE-R CD\.$/);
      const status = wb.page.locator('.statusbar-item').filter({ hasText: /IDE-R: test\.iso · waiting for the host/ }).first();
      await status.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await wb.screenshot('redirection-10-mounted-only');
      await status.click();
      await waitForMessage(wb, /^IDE-R of test\.iso on Simulator stopped after the host read 0 sectors \(0 B\)\.$/);
      await status.waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
    });
  });
});
