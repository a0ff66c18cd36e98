/** Editor steps shared by the editor e2e tests. */
import type { Locator, Page } from 'playwright-core';
import { TIMEOUTS, waitUntil } from './harness';

/** Puts the cursor right after the only occurrence of `text` in the active editor (find selects it; Escape keeps the selection). */
export async function placeCursorAfter(p: Page, text: string): Promise<void> {
  await p.locator('.editor-instance .monaco-editor').first().click();
  await p.keyboard.press('Control+F');
  const find = p.locator('.editor-instance .find-widget');
  await find.locator('textarea, input').first().waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
  await p.keyboard.press('Control+A');
  await p.keyboard.type(text);
  await waitUntil(async () => /1 of 1/.test(await find.locator('.matchesCount').innerText()), `the find widget to find ${text}`);
  await waitUntil(async () => {
    await p.keyboard.press('Escape');
    return !(await find.evaluate((el) => (el as unknown as { className: string }).className.split(/\s+/).includes('visible')));
  }, 'the find widget to close');
  await p.keyboard.press('ArrowRight');
}

/** Right-clicks `row` and runs its context-menu entry `item` (the menu ignores a click while it opens; Enter on the hovered item runs it). */
export async function runContextMenu(p: Page, row: Locator, item: string): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
  await row.click({ button: 'right' });
  const entry = p.locator('.context-view .action-item .action-label').filter({ hasText: item }).first();
  await entry.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
  await entry.hover();
  await waitUntil(async () => {
    if (!(await entry.isVisible())) return true;
    await entry.hover();
    await p.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 300));
    return !(await entry.isVisible());
  }, `the context menu item "${item}" to run`);
}

/**
 * Clicks a tree row that runs a command until `done` holds (its dialog or its result shows): a
 * click that lands while the view redraws the row only selects it. Waits 5 s before clicking
 * again, so a command that is merely slow is not run twice.
 */
export async function clickRowUntil(row: Locator, done: () => Promise<boolean>, what: string): Promise<void> {
  await waitUntil(async () => {
    if (await done()) return true;
    await row.click();
    const end = Date.now() + 5000;
    while (Date.now() < end) {
      if (await done().catch(() => false)) return true;
      await new Promise((r) => setTimeout(r, 150));
    }
    return false;
  }, what, 60_000);
}

/**
 * The content of the device page (client/src/pages/panel.ts) whose `body[data-page]` is `kind`,
 * once it has rendered (`body[data-state]` ready or error). VS Code nests a webview in two iframes;
 * hidden panels keep their iframes, so the one whose body is this page is picked.
 */
export async function pageFrame(p: Page, kind: string): Promise<import('playwright-core').Frame> {
  let found: import('playwright-core').Frame | undefined;
  await waitUntil(async () => {
    for (const frame of p.frames()) {
      const state = await frame.evaluate(`document.body && document.body.dataset.page === ${JSON.stringify(kind)} ? document.body.dataset.state : ''`).catch(() => '');
      if (state === 'ready' || state === 'error') {
        found = frame;
        return true;
      }
    }
    return false;
  }, `the ${kind} page to render`, 60_000);
  return found!;
}
