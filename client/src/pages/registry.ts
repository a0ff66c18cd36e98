/**
 * Every device page, in the order the Devices view lists them under a device's "Pages" row. Each
 * page lives in its own file here (vscode-free); panel.ts shows them.
 */
import type { AnyPageSpec } from './page';
import { DEFENSE_PAGE } from './defense';
import { LOGS_PAGE } from './logs';

import { overviewPage } from './overview';
import { hardwarePage } from './hardware';
import { storagePage } from './storage';

export const PAGES: readonly AnyPageSpec[] = [
  overviewPage,
  hardwarePage,
  storagePage,
  DEFENSE_PAGE,
  LOGS_PAGE,
];

export function pageOf(kind: string): AnyPageSpec | undefined {
  return PAGES.find((p) => p.kind === kind);
}
