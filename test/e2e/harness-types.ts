/** The options and the handle `startWorkbench()` (harness.ts) takes and returns. */
import type { Page } from 'playwright-core';

export interface WorkbenchOptions {
  /**
   * The .vsix to install; default dist/amt-workbench.vsix, packaged first (build + vsce) when
   * missing or older than dist/extension.js / dist/server.js.
   */
  vsix?: string;
  /** Files to create in the workspace folder (relative path → content). */
  workspaceFiles?: Record<string, string>;
  /** Extra user settings, merged over WORKBENCH_SETTINGS (trust off, no startup editor, ...). */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

export interface Workbench {
  page: Page;
  /** The code-server URL (with `?folder=` for the workspace). */
  url: string;
  /** The temp workspace folder the workbench has open. */
  workspace: string;
  /** Saves test-results/e2e/<name>.png (git-ignored) and returns its path. */
  screenshot(name: string): Promise<string>;
  /** F1, types `title` into the command palette and runs the first match. */
  runCommand(title: string): Promise<void>;
  /** Opens the activity-bar item whose aria-label starts with `label` (never toggles it closed). */
  openActivity(label: string): Promise<void>;
  /** Waits until the view titled `viewName` (e.g. "Devices") is shown in the side bar. */
  waitForView(viewName: string, timeoutMs?: number): Promise<void>;
  /** Texts of the visible notification toasts and of an open modal dialog, if any. */
  messages(): Promise<string[]>;
  /**
   * Texts of the visible tree/list rows: in the view titled `viewName` (e.g. "Devices", matched
   * whole and case-insensitively) if given, else anywhere in the side bar, auxiliary bar and panel.
   */
  treeRows(viewName?: string): Promise<string[]>;
  /** Waits until a row containing `text` is visible (in `viewName` if given); returns its text. */
  waitForRow(text: string | RegExp, viewName?: string, timeoutMs?: number): Promise<string>;
  /** Texts of the visible rows nested under the first row containing `rowText` (by aria-level). */
  childRows(rowText: string, viewName?: string): Promise<string[]>;
  /**
   * Waits until the row containing `rowText` shows at least one child row that `accept`s (default:
   * any row not saying "Loading"); returns the child rows' texts.
   */
  waitForChildRows(rowText: string, viewName?: string, options?: { timeoutMs?: number; accept?: (row: string) => boolean }): Promise<string[]>;
  /** Expands the collapsed tree row containing `rowText` and waits until it is expanded. */
  expand(rowText: string | RegExp, viewName?: string): Promise<void>;
  /** Collapses the expanded tree row containing `rowText` and waits until it is collapsed. */
  collapse(rowText: string | RegExp, viewName?: string): Promise<void>;
  /** The last lines code-server printed (its log). */
  logTail(lines?: number): string;
  /**
   * The last lines of the extension host's log and of this extension's output channels (from the
   * user-data logs folder), each headed by its file name.
   */
  extensionLogTail(lines?: number): Promise<string>;
  /**
   * Runs `fn`; when it throws, saves `<name>-failure.png`, prints what the workbench shows
   * (notifications, dialog), the code-server log tail and the extension's logs, and rethrows. Use
   * it around each test's body.
   */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Kills code-server and the browser and removes the temp folders. Safe to call twice. */
  close(): Promise<void>;
}
