/**
 * WS-Man authoring in the real workbench, against the embedded simulator: open a .wsman file, type
 * a class name into its ResourceURI and accept the completion, click the "Send" code lens and read
 * the reply beside the editor (status, time, device, DigestRealm); send a request that faults and
 * read the fault's meaning; reopen a reply from "WS-Man Request History"; copy a request as curl;
 * write a new request from the Classes view and send it. Screenshots land in
 * test-results/e2e/wsman-*.png.
 *
 * AMT_E2E_VSIX may name another .vsix to install (default: dist/amt-workbench.vsix, packaged when stale).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { waitUntil, waitForMessage, startWorkbench, TIMEOUTS, type Workbench } from './harness';
import { runContextMenu } from './editorHelpers';

const HEAD = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">`;

// Line 7 holds the ResourceURI the test completes; the cursor goes after `{{amt}}/` (column 28).
const REQUESTS = [
  '@amt = http://intel.com/wbem/wscim/1/amt-schema/1',
  '',
  '### Read the general settings',
  HEAD,
  '  <s:Header>',
  '    <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>',
  '    <w:ResourceURI>{{amt}}/</w:ResourceURI>',
  '  </s:Header>',
  '  <s:Body/>',
  '</s:Envelope>',
  '',
  '### Ethernet port settings without a selector',
  HEAD,
  '  <s:Header>',
  '    <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>',
  '    <w:ResourceURI>{{amt}}/AMT_EthernetPortSettings</w:ResourceURI>',
  '  </s:Header>',
  '  <s:Body/>',
  '</s:Envelope>',
  '',
].join('\n');

describe('WS-Man authoring in the workbench', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      ...(process.env.AMT_E2E_VSIX ? { vsix: process.env.AMT_E2E_VSIX } : {}),
      workspaceFiles: { 'requests.wsman': REQUESTS },
      settings: { 'amt.power.pollSeconds': 0, 'files.autoSave': 'off', 'editor.quickSuggestionsDelay': 50 },
      viewport: { width: 1500, height: 1000 },
    });
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.url).origin });
    // The backend starts with the AMT views; the simulator is the device Send goes to.
    await wb.openActivity('AMT Workbench');
    await wb.waitForRow('Simulator', 'Devices', 60_000);
  });

  after(async () => {
    await wb?.close();
  });

  /** The text an editor shows (its rendered lines), with monaco's non-breaking spaces as spaces. */
  async function editorText(editor: Locator): Promise<string> {
    return (await editor.locator('.view-lines').first().innerText()).replace(/\u00a0/g, ' ');
  }

  /** The editor (of any group) whose rendered text contains `text`. */
  async function editorShowing(text: string, timeoutMs = 60_000): Promise<Locator> {
    const editors = wb.page.locator('.editor-instance .monaco-editor');
    let found: Locator | undefined;
    await waitUntil(
      async () => {
        for (const e of await editors.all()) {
          if ((await editorText(e)).includes(text)) {
            found = e;
            return true;
          }
        }
        return false;
      },
      `an editor showing "${text}"`,
      timeoutMs,
    );
    return found!;
  }

  /** The n-th (0-based) code lens titled exactly `title` in the editor. */
  function lens(editor: Locator, title: string, n = 0): Locator {
    return editor.locator('.codelens-decoration a').filter({ hasText: new RegExp(`^\\s*${title}\\s*$`) }).nth(n);
  }

  async function pickQuick(text: string | RegExp): Promise<void> {
    const row = wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await row.click();
  }

  /**
   * F1 and runs the command, for a command that shows a quick pick of its own (wb.runCommand would
   * wait for the palette's widget to close, which that pick keeps open).
   */
  async function runCommandIntoPick(title: string): Promise<void> {
    const p = wb.page;
    await p.locator('.monaco-workbench').focus().catch(() => undefined);
    await p.keyboard.press('F1');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await input.fill(`>${title}`);
    await p.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await p.keyboard.press('Enter');
    await waitUntil(async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), `the quick pick of "${title}"`);
  }

  let source: Locator;

  /** Opens requests.wsman (Quick Open) and points `source` at its editor. */
  async function openSource(): Promise<void> {
    const p = wb.page;
    await p.locator('.monaco-workbench').focus().catch(() => undefined);
    await p.keyboard.press('Control+P');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await input.fill('requests.wsman');
    await pickQuick('requests.wsman');
    // (A located editor is positional: look it up again whenever other editors opened since.)
    source = await editorShowing('### Read the general settings');
    // The language server has the document once its lenses show.
    await lens(source, 'Send').waitFor({ state: 'visible', timeout: 60_000 });
  }

  test('typing a class name in the ResourceURI offers it from the catalog; accepting completes the URI', async () => {
    await wb.step('wsman-01-completion', async () => {
      const p = wb.page;
      await openSource();
      const input = p.locator('.quick-input-widget input');

      await p.keyboard.press('Control+G');
      await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await input.fill(':7:28');
      await p.keyboard.press('Enter');
      await p.keyboard.type('AMT_GeneralSett', { delay: 30 });
      const suggest = p.locator('.editor-widget.suggest-widget');
      const item = suggest.locator('.monaco-list-row').filter({ hasText: /^\s*AMT_GeneralSettings/ }).first();
      // Values in .wsman files are strings to the grammar; the extension turns quick suggestions on for them.
      await item.waitFor({ state: 'visible', timeout: 5_000 }).catch(async () => {
        await p.keyboard.press('Control+Space');
        await item.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      });
      // The class is the suggestion Enter would take (the first, focused one), not one further down.
      const focused = (await suggest.locator('.monaco-list-row.focused').first().innerText()).replace(/\s+/g, ' ').trim();
      assert.match(focused, /^AMT_GeneralSettings/);
      await wb.screenshot('wsman-01-completion');
      await item.click();
      await waitUntil(async () => (await editorText(source)).includes('<w:ResourceURI>{{amt}}/AMT_GeneralSettings</w:ResourceURI>'), 'the completed ResourceURI in the editor');
    });
  });

  test('"Send" opens the reply beside the editor, headed by status, time and device, with the DigestRealm', async () => {
    await wb.step('wsman-02-send', async () => {
      await lens(source, 'Send').click();
      const response = await editorShowing('DigestRealm');
      const text = await editorText(response);
      assert.match(text, /<!-- 200 OK · \d+ ms · Simulator \(http:\/\/127\.0\.0\.1:\d+\) -->/);
      assert.match(text, /<!-- Read the general settings · requests\.wsman #1 · /);
      assert.match(text, /<g:DigestRealm>Digest:[0-9A-F]+<\/g:DigestRealm>/);
      // Beside: the .wsman editor is still open in its own group, the reply in another.
      assert.ok((await wb.page.locator('.editor-group-container').count()) >= 2, 'the reply opened in a second editor group');
      const tab = await wb.page.locator('.tabs-container .tab.active').allInnerTexts();
      assert.ok(tab.some((t) => /Read the general settings response\.xml/.test(t)), `the reply's tab in ${JSON.stringify(tab)}`);
      await wb.screenshot('wsman-02-response');
    });
  });

  test('a request the device refuses shows the fault, the reason and what it means', async () => {
    await wb.step('wsman-03-fault', async () => {
      await lens(source, 'Send', 1).click();
      const response = await editorShowing('Fault InvalidSelectors');
      const text = await editorText(response);
      assert.match(text, /<!-- 400 Bad Request · \d+ ms · Simulator/);
      assert.match(text, /<!-- Fault InvalidSelectors: The Selectors for the resource are not valid\. -->/);
      assert.match(text, /<!-- What it means: .*use the class's key properties as selectors/);
      await waitForMessage(wb, /Ethernet port settings without a selector: fault InvalidSelectors/);
      await wb.screenshot('wsman-03-fault');
    });
  });

  test('"WS-Man Request History" lists both sends and opens a reply again', async () => {
    await wb.step('wsman-04-history', async () => {
      await runCommandIntoPick('AMT: WS-Man Request History');
      const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
      await rows.first().waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      assert.match(texts[0]!, /Ethernet port settings without a selector.*400 InvalidSelectors/);
      assert.match(texts[1]!, /Read the general settings.*200 · \d+ ms · Simulator.*requests\.wsman #1/);
      await wb.screenshot('wsman-04-history');
      await pickQuick('Read the general settings');
      await pickQuick('Open Response');
      const response = await editorShowing('DigestRealm');
      assert.match(await editorText(response), /<!-- 200 OK · /);
    });
  });

  test('"Copy WS-Man Request as curl" copies the request under the cursor and says so', async () => {
    await wb.step('wsman-05-copy-curl', async () => {
      await source.locator('.view-lines').first().click();
      await wb.page.keyboard.press('Control+G');
      await wb.page.locator('.quick-input-widget input').fill(':6');
      await wb.page.keyboard.press('Enter');
      await wb.runCommand('AMT: Copy WS-Man Request as curl');
      await waitForMessage(wb, /Copied the curl command for Read the general settings to the clipboard \(for Simulator\); curl asks for the password\./);
      const clip = await wb.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
      assert.match(clip, /^curl --digest --user admin .* http:\/\/127\.0\.0\.1:\d+\/wsman <<'WSMAN'\n/);
      assert.match(clip, /AMT_GeneralSettings<\/w:ResourceURI>/);
      assert.doesNotMatch(clip, /P@ssw0rd/);
    });
  });

  test('"New WS-Man Request…" on a class of the Classes view writes a Get that sends as it is', async () => {
    await wb.step('wsman-06-new-request', async () => {
      const p = wb.page;
      // The Classes view shows the selected device (the simulator): narrow it to one class.
      await p.keyboard.press('F1');
      const input = p.locator('.quick-input-widget input');
      await input.fill('>AMT: Filter Classes');
      await p.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'AMT: Filter Classes' }).first().waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      await p.keyboard.press('Enter');
      await waitUntil(async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), 'the filter input box');
      await input.fill('GeneralSettings');
      await p.keyboard.press('Enter');
      const classes = p.locator('.pane').filter({ has: p.locator('.pane-header .title', { hasText: /^\s*Classes\s*$/i }) });
      const header = classes.locator('.pane-header').first();
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      await wb.expand(/^\s*AMT\s*1 of \d+ classes/, 'Classes');
      const row = classes.locator('.monaco-list-row').filter({ hasText: /^\s*AMT_GeneralSettings/ }).first();
      await row.waitFor({ state: 'visible', timeout: 60_000 });
      await runContextMenu(p, row, 'New WS-Man Request…');
      const choices = (await p.locator('.quick-input-widget .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      assert.ok(choices.some((c) => c.startsWith('Get')) && choices.some((c) => c.startsWith('Enumerate')), `Get and Enumerate offered in ${JSON.stringify(choices)}`);
      await pickQuick(/^\s*Get/);
      const created = await editorShowing('### Get AMT_GeneralSettings');
      assert.match(await editorText(created), /<a:MessageID>\{\{\$uuid\}\}<\/a:MessageID>/);
      await lens(created, 'Send').waitFor({ state: 'visible', timeout: 60_000 });
      await wb.screenshot('wsman-06-new-request');
      await lens(created, 'Send').click();
      await waitUntil(async () => {
        const shown = await p.locator('.editor-instance .monaco-editor .view-lines').allInnerTexts();
        return shown.map((t) => t.replace(/\u00a0/g, ' ')).some((t) => t.includes('<!-- 200 OK') && t.includes('Get AMT_GeneralSettings · Untitled-1 #1'));
      }, 'the reply to the new request', 60_000);
      await wb.screenshot('wsman-07-new-request-response');
    });
  });
  test('a send to a device that does not answer shows a notification with Cancel, and Cancel stops it', async () => {
    await wb.step('wsman-08-cancel', async () => {
      const p = wb.page;
      // A "device" that accepts connections and never answers.
      const sockets = new Set<net.Socket>();
      const silent = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        await wb.runCommand('AMT: Add Device');
        const input = p.locator('.quick-input-widget input');
        const title = p.locator('.quick-input-widget .quick-input-title');
        const answer = async (step: number, value: string) => {
          await waitUntil(async () => (await title.innerText()).includes(`(${step}/5)`), `step ${step} of Add Device`);
          await input.fill(value);
          await p.keyboard.press('Enter');
        };
        await answer(1, '127.0.0.1');
        await waitUntil(async () => (await title.innerText()).includes('(2/5)'), 'step 2 of Add Device');
        await pickQuick('port 16992, no TLS');
        await answer(3, String(port));
        await answer(4, 'admin');
        await answer(5, 'not-used');
        await wb.waitForRow(`127.0.0.1:${port}`, 'Devices', 30_000);

        await openSource();
        await source.locator('.codelens-decoration a').filter({ hasText: /Send to/ }).first().click();
        await pickQuick(`127.0.0.1:${port}`);
        const toast = p.locator('.notifications-toasts .notification-list-item').filter({ hasText: `Sending Read the general settings to 127.0.0.1:${port}` }).first();
        await toast.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
        await wb.screenshot('wsman-08-sending');
        await toast.locator('.monaco-button').filter({ hasText: /^\s*Cancel\s*$/ }).first().click();
        await toast.waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
        const status = p.locator('.statusbar-item').filter({ hasText: `Sending Read the general settings to 127.0.0.1:${port} was cancelled.` }).first();
        await status.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
        await wb.screenshot('wsman-09-cancelled');
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });
});
