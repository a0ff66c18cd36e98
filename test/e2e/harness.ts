/**
 * End-to-end harness: the packaged extension in the real VS Code workbench, served by npm
 * code-server on 127.0.0.1 and driven in Debian's Chromium through playwright-core.
 *
 * Each `startWorkbench()` gets a fresh temp folder (user data, extensions, workspace, code-server's
 * config/XDG dirs and log) and a free port; `close()` kills code-server's whole process group and
 * the browser and removes the folder, also when startup failed half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ensureChromium, ensureCodeServer, REPO_ROOT, WORKBENCH_SETTINGS } from '../../scripts/code-server.mjs';
import { ensureE2EPrerequisites, VSIX_PATH } from '../../scripts/e2e-prereqs.mjs';

export const DEFAULT_VSIX = VSIX_PATH;
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

/** Flags that let Debian's Chromium run headless in a container (no sandbox, GPU, sync or update checks). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Bounded waits: generous, because a cold workbench plus extension activation is slow on CI. */
export const TIMEOUTS = {
  install: 120_000,
  serverListening: 60_000,
  workbench: 90_000,
  ui: 30_000,
};

/** Polls `check` every 150 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = TIMEOUTS.ui): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** Waits for a notification or dialog text matching `pattern` and returns it. */
export async function waitForMessage(wb: Pick<Workbench, 'messages'>, pattern: RegExp): Promise<string> {
  let last: string[] = [];
  await waitUntil(async () => (last = await wb.messages()).some((m) => pattern.test(m)), `a message matching ${pattern} (shown: ${JSON.stringify(last)})`, 60_000);
  return last.find((m) => pattern.test(m))!;
}

/** Clicks the button labelled `label` in the open modal dialog; returns the dialog's text. */
export async function dialogButton(page: Page, label: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
  const text = (await dialog.innerText()).replace(/\s+/g, ' ');
  await dialog.locator('.monaco-button').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: TIMEOUTS.ui });
  return text;
}

import { cssString, escapeRegExp, freePort, killGroup, poll, runToEnd, track, untrack, waitForListening, withTimeout } from './harness-process';
import type { Workbench, WorkbenchOptions } from './harness-types';

export type { Workbench, WorkbenchOptions } from './harness-types';
export { freePort } from './harness-process';

export async function startWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  let vsix: string;
  let entry: string;
  let chromiumPath: string;
  if (options.vsix) {
    vsix = options.vsix;
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing.`);
    entry = (await ensureCodeServer()).entry;
    chromiumPath = await ensureChromium();
  } else {
    const ready = await ensureE2EPrerequisites();
    ({ vsix, chromium: chromiumPath } = ready);
    entry = ready.codeServer.entry;
  }

  const root = await mkdtemp(path.join(os.tmpdir(), 'amtwb-e2e-'));
  track('dirs', root);
  const dirs = {
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
    xdgConfig: path.join(root, 'xdg-config'),
    xdgData: path.join(root, 'xdg-data'),
    config: path.join(root, 'code-server.yaml'),
    log: path.join(root, 'code-server.log'),
  };
  const logLines: string[] = [];
  let logFile: WriteStream | undefined;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let closed = false;

  const record = (chunk: Buffer | string) => {
    const text = chunk.toString();
    logFile?.write(text);
    logLines.push(...text.split('\n').filter((l) => l.length > 0));
    if (logLines.length > 2000) logLines.splice(0, logLines.length - 2000);
  };
  const logTail = (n = 40) => logLines.slice(-n).join('\n');

  const close = async () => {
    if (closed) return;
    closed = true;
    // chromium.launch() ties the browser's life to this process: a hung close is left to that.
    await withTimeout(browser?.close() ?? Promise.resolve(), 10_000, 'closing the browser').catch((err: Error) => record(`[harness] ${err.message}\n`));
    if (server) {
      await killGroup(server);
      if (server.pid !== undefined) untrack('groups', server.pid);
    }
    await new Promise<void>((resolve) => (logFile ? logFile.end(resolve) : resolve()));
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
    untrack('dirs', root);
  };

  const screenshot = async (name: string) => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    if (!page) throw new Error('no page to take a screenshot of');
    await page.screenshot({ path: file, timeout: TIMEOUTS.ui });
    return file;
  };

  const extensionLogTail = async (n = 30): Promise<string> => {
    const logsDir = path.join(dirs.userData, 'logs');
    const files = (await readdir(logsDir, { recursive: true }).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.log') && (/(^|\/)exthost\d*\/exthost\.log$/.test(f) || f.includes('amt-workbench.amt-workbench')))
      .sort();
    const parts: string[] = [];
    for (const f of files) {
      const text = await readFile(path.join(logsDir, f), 'utf8').catch(() => '');
      if (text.trim()) parts.push(`--- ${f}\n${text.trimEnd().split('\n').slice(-n).join('\n')}`);
    }
    return parts.join('\n');
  };

  const messages = async (): Promise<string[]> => {
    if (!page) return [];
    const texts = await page
      .locator('.notifications-toasts .notification-list-item-message, .monaco-dialog-box .dialog-message-row')
      .evaluateAll((els) => (els as unknown as { offsetParent: unknown; innerText: string }[]).filter((e) => e.offsetParent !== null).map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
    return texts.filter((t) => t.length > 0);
  };

  const reportFailure = async (name: string, err: unknown) => {
    let shot = '';
    let shown: string[] = [];
    try {
      if (page) shot = ` (screenshot ${path.relative(REPO_ROOT, await screenshot(`${name}-failure`))})`;
      shown = await withTimeout(messages(), 5_000, 'reading messages');
    } catch {
      /* the page may be gone */
    }
    process.stderr.write(
      `\n[e2e] ${name} failed${shot}: ${err instanceof Error ? err.message : String(err)}\n` +
        (shown.length > 0 ? `[e2e] the workbench shows: ${shown.map((m) => JSON.stringify(m)).join('; ')}\n` : '') +
        `[e2e] code-server log tail:\n${logTail(60).replace(/^/gm, '  ')}\n` +
        `[e2e] extension host logs:\n${(await extensionLogTail(40)).replace(/^/gm, '  ')}\n`,
    );
  };

  try {
    await Promise.all([dirs.userData, dirs.extensions, dirs.workspace, dirs.xdgConfig, dirs.xdgData].map((d) => mkdir(d, { recursive: true })));
    logFile = createWriteStream(dirs.log);
    const settings = { ...WORKBENCH_SETTINGS, ...options.settings };
    await mkdir(path.join(dirs.userData, 'User'), { recursive: true });
    await writeFile(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    for (const [rel, content] of Object.entries(options.workspaceFiles ?? {})) {
      const file = path.join(dirs.workspace, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    const port = await freePort();
    // Our own config file, so code-server never writes ~/.config/code-server/config.yaml.
    await writeFile(dirs.config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const env = { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData };
    const common = ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

    // A folder copied into the extensions dir is not picked up; --install-extension is.
    const install = await runToEnd(process.execPath, [entry, ...common, '--install-extension', vsix, '--force'], env, record, TIMEOUTS.install);
    if (install !== 0) throw new Error(`code-server --install-extension ${path.basename(vsix)} exited with ${install}`);

    server = spawn(
      process.execPath,
      [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', dirs.workspace],
      // Own process group, so close() ends code-server together with the extension host and the
      // backend it spawned.
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (server.pid !== undefined) track('groups', server.pid);
    server.stdout?.on('data', record);
    server.stderr?.on('data', record);
    await waitForListening(server, port, logLines, TIMEOUTS.serverListening);

    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: TIMEOUTS.ui });
    page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    page.on('pageerror', (err) => record(`[page error] ${err.message}\n`));
    await page.goto(url, { timeout: TIMEOUTS.workbench });
    await page.waitForSelector('.monaco-workbench', { timeout: TIMEOUTS.workbench });
    // The activity bar is the last part of the shell to appear; after it the workbench takes input.
    await page.waitForSelector('.activitybar .action-item', { timeout: TIMEOUTS.workbench });
    const p = page;

    const pane = (viewName?: string): Locator => {
      if (!viewName) return p.locator('.part.sidebar, .part.auxiliarybar, .part.panel');
      // The header is in the DOM (hidden) even when merged into the container's title.
      return p.locator('.pane').filter({ has: p.locator('.pane-header .title').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(viewName)}\\s*$`, 'i') }) });
    };
    const rows = (viewName?: string) => pane(viewName).locator('.monaco-list-row');

    const setExpanded = async (rowText: string | RegExp, viewName: string | undefined, expanded: boolean) => {
      const row = rows(viewName).filter({ hasText: rowText }).first();
      await row.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      const want = String(expanded);
      if ((await row.getAttribute('aria-expanded')) !== want) {
        // The twistie toggles without running the item's command (a click on the label might).
        const twistie = row.locator('.monaco-tl-twistie');
        if (await twistie.isVisible()) await twistie.click();
        else {
          await row.click();
          await p.keyboard.press(expanded ? 'ArrowRight' : 'ArrowLeft');
        }
      }
      await poll(async () => (await row.getAttribute('aria-expanded')) === want, TIMEOUTS.ui, `row "${String(rowText)}" to ${expanded ? 'expand' : 'collapse'}`);
    };

    const wb: Workbench = {
      page: p,
      url,
      workspace: dirs.workspace,
      screenshot,
      logTail,
      extensionLogTail,
      messages,
      close,

      async waitForView(viewName, timeoutMs = TIMEOUTS.ui) {
        // A container with one view merges (and hides) the view's header: the body is what shows.
        await pane(viewName).locator('.pane-body').first().waitFor({ state: 'visible', timeout: timeoutMs });
      },

      async runCommand(title) {
        await p.locator('.monaco-workbench').focus().catch(() => undefined);
        await p.keyboard.press('F1');
        const input = p.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
        await input.fill(`>${title}`);
        const match = p.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first();
        await match.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
        await p.keyboard.press('Enter');
        await p.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUTS.ui }).catch(() => undefined);
      },

      async openActivity(label) {
        // The <li> has an empty aria-label; its <a class="action-label"> carries the title.
        const item = p.locator(`.activitybar li.action-item:has(> a.action-label[aria-label^="${cssString(label)}"])`).first();
        await item.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
        const selected = (await item.getAttribute('aria-selected')) === 'true' || (await item.getAttribute('class'))?.split(/\s+/).includes('checked');
        const sidebarVisible = await p.locator('.part.sidebar').isVisible();
        if (!selected || !sidebarVisible) {
          await item.click();
          // Away from the item, so its hover does not sit in screenshots.
          await p.mouse.move(700, 600);
        }
        await p
          .locator('.part.sidebar .composite.title')
          .filter({ hasText: new RegExp(escapeRegExp(label), 'i') })
          .waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
      },

      async treeRows(viewName) {
        // (The tsconfig has no DOM lib: the element is typed by what is read from it.)
        const texts = await rows(viewName).evaluateAll((els) =>
          (els as unknown as { offsetParent: unknown; innerText: string }[])
            .filter((e) => e.offsetParent !== null)
            .map((e) => e.innerText.replace(/\s+/g, ' ').trim()),
        );
        return texts.filter((t) => t.length > 0);
      },

      async childRows(rowText, viewName) {
        const all = await rows(viewName).evaluateAll((els) =>
          (els as unknown as { offsetParent: unknown; innerText: string; getAttribute(n: string): string | null }[])
            .filter((e) => e.offsetParent !== null)
            .map((e) => ({ text: e.innerText.replace(/\s+/g, ' ').trim(), level: Number(e.getAttribute('aria-level') ?? '0') })),
        );
        const at = all.findIndex((r) => r.text.includes(rowText));
        if (at < 0) return [];
        const children: string[] = [];
        for (const r of all.slice(at + 1)) {
          if (r.level <= all[at]!.level) break;
          children.push(r.text);
        }
        return children;
      },

      async waitForChildRows(rowText, viewName, { timeoutMs = TIMEOUTS.ui, accept = (r: string) => !/^loading/i.test(r) } = {}) {
        let children: string[] = [];
        await poll(
          async () => {
            children = await wb.childRows(rowText, viewName);
            return children.some(accept);
          },
          timeoutMs,
          `child rows under "${rowText}"`,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; the rows are ${JSON.stringify(children.length ? children : [])} under it`);
        });
        return children;
      },

      async waitForRow(text, viewName, timeoutMs = TIMEOUTS.ui) {
        const row = rows(viewName).filter({ hasText: text }).first();
        await row.waitFor({ state: 'visible', timeout: timeoutMs });
        return (await row.innerText()).replace(/\s+/g, ' ').trim();
      },

      async expand(rowText, viewName) {
        await setExpanded(rowText, viewName, true);
      },

      async collapse(rowText, viewName) {
        await setExpanded(rowText, viewName, false);
      },

      async step(name, fn) {
        try {
          return await fn();
        } catch (err) {
          await reportFailure(name, err);
          throw err;
        }
      },
    };
    return wb;
  } catch (err) {
    await reportFailure('startWorkbench', err);
    await close();
    throw err;
  }
}
