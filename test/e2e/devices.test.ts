/**
 * Smoke test of the packaged extension in the real workbench: the AMT activity-bar item opens the
 * Devices view, which lists the embedded simulator, and the simulator's row expands to show what
 * the backend knows about it. Screenshots of each step land in test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWorkbench, waitUntil, type Workbench } from './harness';

describe('Devices view in the workbench', { timeout: 300_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({
      workspaceFiles: {
        'identify.wsman': '<!-- AMT Workbench smoke-test workspace -->\n',
      },
    });
  });

  after(async () => {
    await wb?.close();
  });

  test('the AMT Workbench activity-bar item opens the Devices view', async () => {
    await wb.step('open-activity', async () => {
      await wb.openActivity('AMT Workbench');
      await wb.waitForView('Devices');
      // The container holds the five views (Fleet last), each with its header.
      const headers = await wb.page.locator('.part.sidebar .pane-header .title').allInnerTexts();
      assert.deepEqual(headers.map((h) => h.trim().toLowerCase()), ['devices', 'classes', 'power', 'watchdog', 'fleet']);
      await wb.screenshot('devices-01-view');
    });
  });

  test('the Devices view lists the embedded simulator', async () => {
    await wb.step('simulator-row', async () => {
      // The backend starts with the view; its simulator appears once it has answered.
      // (Read once: the tree re-renders when the backend reports its targets, so a second read
      // right after may catch it between renders.)
      const row = await wb.waitForRow('Simulator', 'Devices', 60_000);
      // Its description says how the backend is reaching it.
      assert.match(row, /^Simulator\s*(disconnected|connecting|connected)\b/);
      await wb.screenshot('devices-02-simulator');
    });
  });

  test('collapsing and expanding the simulator hides and shows its child rows', async () => {
    await wb.step('simulator-expanded', async () => {
      // It may arrive expanded: collapse it first, so the expansion below is the one under test.
      await wb.collapse('Simulator', 'Devices');
      assert.deepEqual(await wb.childRows('Simulator', 'Devices'), []);
      await wb.screenshot('devices-03-collapsed');
      await wb.expand('Simulator', 'Devices');
      // Children come from the backend (identity, connection state): give it time to answer.
      const children = await wb.waitForChildRows('Simulator', 'Devices', { timeoutMs: 60_000 });
      assert.deepEqual(
        // A row's text is its label run together with its description ("PowerOn (2)").
        children.map((c) => /^(Overview|Power|Classes|Event log)/.exec(c)?.[1]).filter(Boolean),
        ['Overview', 'Power', 'Classes', 'Event log'],
        `the device's sections in ${JSON.stringify(children)}`,
      );
      await wb.screenshot('devices-04-expanded');
    });
  });

  test('the Classes row counts the classes the simulator serves and marks the others in plain words', async () => {
    await wb.step('classes-probe', async () => {
      await wb.expand(/^\s*Classes/, 'Devices');
      // The probe runs in the background once the classes are listed; the Classes view (more room) shows the same tree.
      await waitUntil(async () => /AMT\s*\d+ of 73 classes served/.test((await wb.treeRows('Classes')).join('\n')), 'the AMT row to count the served classes', 120_000);
      await wb.collapse(/^\s*Classes/, 'Devices');
      await wb.expand(/^\s*AMT\s*\d+ of/, 'Classes');
      // A class near the top of the list (the tree renders only the rows in view) that AMT has but the simulator does not serve.
      const unserved = await wb.waitForRow(/^\s*AMT_CRL/, 'Classes');
      assert.match(unserved, /AMT_CRL\s*not served by this device/);
      assert.doesNotMatch(unserved, /DestinationUnreachable/);
      await wb.expand(/^\s*AMT_CRL/, 'Classes');
      const [why] = await wb.waitForChildRows('AMT_CRL', 'Classes');
      assert.equal(why, 'Not served by this device');
      await wb.screenshot('devices-04b-classes-served');
      await wb.collapse(/^\s*AMT\s*\d+ of/, 'Classes');
    });
  });

  test('no port-forwarding notification pops over the views once the simulator listens', async () => {
    await wb.step('no-port-notification', async () => {
      // Expanded above: the simulator has started and answered, so its port is open.
      await waitUntil(async () => /connected/.test(await wb.waitForRow('Simulator', 'Devices')), 'the simulator to say connected', 60_000);
      // code-server scans for new listening ports every few seconds; watch for a while.
      const seen = new Set<string>();
      const until = Date.now() + 12_000;
      while (Date.now() < until) {
        for (const m of await wb.messages()) seen.add(m);
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.deepEqual([...seen].filter((m) => /running on port|forwarded port/i.test(m)), []);
    });
  });

  test('AMT: Refresh Devices from the command palette keeps the simulator listed, without errors', async () => {
    await wb.step('refresh-devices', async () => {
      await wb.runCommand('AMT: Refresh Devices');
      await wb.waitForRow('Simulator', 'Devices', 30_000);
      const shown = await wb.messages();
      assert.deepEqual(shown.filter((m) => /error|failed/i.test(m)), []);
      await wb.screenshot('devices-05-refreshed');
    });
  });
});
