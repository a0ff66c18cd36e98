/**
 * Device snapshots in the editor: "AMT: Save Device Snapshot" (a device's context menu or the
 * palette) takes one with a cancellable progress notification and writes it into the workspace's
 * snapshots/ folder in one write, so a cancelled or failed snapshot leaves no file; "AMT: Compare
 * Snapshots…" picks two snapshot files, or one and a device as it is now, and opens VS Code's diff
 * editor on their normalised renderings (read-only `amt-snapshot:` documents in which clocks and
 * counters read «volatile»). The backend (features/snapshot/) does the reading, comparing and
 * rendering; this file only asks, shows and writes.
 */
import * as vscode from 'vscode';
import { SnapshotNotifications, SnapshotRequests, type SnapshotInput, type SnapshotTakeResult, type TargetInfo } from '../../../server/src/protocol';
import { targetOf } from '../commands/devices';
import type { Ctx } from '../ctx';
import { errorMessage } from '../model/request';
import type { TreeNode } from '../model/tree';
import { snapshotFileName, SNAPSHOT_GLOB } from './names';
import { SNAPSHOT_SCHEME, SnapshotRenderings } from './renderings';

export function registerSnapshots(ctx: Ctx): vscode.Disposable[] {
  const renderings = new SnapshotRenderings();
  return [
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, renderings),
    vscode.commands.registerCommand('amt.snapshot.save', (node?: TreeNode) => report(saveSnapshot(ctx, node))),
    vscode.commands.registerCommand('amt.snapshot.compare', (file?: vscode.Uri) => report(compareSnapshots(ctx, renderings, file instanceof vscode.Uri ? file : undefined))),
  ];
}

async function report(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (err) {
    void vscode.window.showErrorMessage(errorMessage(err));
  }
}

/** Takes a snapshot with a progress notification; undefined when the user cancelled it. */
async function take(ctx: Ctx, target: TargetInfo): Promise<SnapshotTakeResult | undefined> {
  const progressToken = `snapshot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Snapshot of ${target.label}`, cancellable: true },
    async (progress, token) => {
      let last = 0;
      const listener = ctx.client.onNotification(SnapshotNotifications.progress, (p) => {
        if (p.progressToken !== progressToken) return;
        const percent = (p.done / p.total) * 100;
        progress.report({ message: `${p.done} of ${p.total} classes, ${p.instances} instances`, increment: percent - last });
        last = percent;
      });
      try {
        return await ctx.requestCancellable(SnapshotRequests.take, { targetId: target.id, progressToken }, token);
      } catch (err) {
        if (token.isCancellationRequested) return undefined;
        throw err;
      } finally {
        listener.dispose();
      }
    },
  );
}

async function saveSnapshot(ctx: Ctx, node: TreeNode | undefined): Promise<void> {
  const target = await targetOf(ctx, node, () => true, 'Save a snapshot of which device?');
  if (!target) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Saving a device snapshot needs an open folder to write it into; open one with File > Open Folder and try again.');
    return;
  }
  const taken = await take(ctx, target);
  if (taken === undefined) {
    void vscode.window.showInformationMessage(`The snapshot of ${target.label} was cancelled; nothing was saved.`);
    return;
  }
  const file = vscode.Uri.joinPath(folder.uri, 'snapshots', snapshotFileName(target.label, new Date()));
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, 'snapshots'));
  await vscode.workspace.fs.writeFile(file, Buffer.from(taken.text, 'utf8'));
  const { instances, classes, refused } = taken;
  const name = vscode.workspace.asRelativePath(file);
  const answer = await vscode.window.showInformationMessage(
    `Saved ${name}: ${instances} instances of ${classes} classes from ${target.label}${refused ? `, ${refused} classes refused` : ''}.`,
    'Compare with Device Now',
    'Open',
  );
  if (answer === 'Open') await vscode.window.showTextDocument(file);
  else if (answer === 'Compare with Device Now') await vscode.commands.executeCommand('amt.snapshot.compare', file);
}

type Pick = vscode.QuickPickItem & { file?: vscode.Uri; target?: TargetInfo; browse?: boolean };

async function snapshotFiles(except?: vscode.Uri): Promise<Pick[]> {
  const files = await vscode.workspace.findFiles(SNAPSHOT_GLOB, '**/node_modules/**', 500);
  return files
    .filter((f) => f.toString() !== except?.toString())
    .sort((a, b) => (a.path < b.path ? 1 : -1)) // newest first: names end with the time taken
    .map((f) => ({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, file: f }));
}

async function browse(title: string): Promise<vscode.Uri | undefined> {
  const [file] = (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { 'AMT snapshots': ['json'] } })) ?? [];
  return file;
}

async function compareSnapshots(ctx: Ctx, renderings: SnapshotRenderings, given?: vscode.Uri): Promise<void> {
  let first = given;
  if (!first) {
    const picked = await vscode.window.showQuickPick<Pick>([...(await snapshotFiles()), { label: '$(folder-opened) Browse…', browse: true }], {
      title: 'Compare Snapshots (1/2): the earlier snapshot',
      placeHolder: 'A snapshot file (Save Device Snapshot writes them into snapshots/)',
    });
    first = picked?.browse ? await browse('The earlier snapshot') : picked?.file;
  }
  if (!first) return;
  const devices: Pick[] = (await ctx.devices.list()).map((t) => ({ label: `$(device-desktop) ${t.label} now`, description: 'take a snapshot of the device as it is now', target: t }));
  const second = await vscode.window.showQuickPick<Pick>([...devices, ...(await snapshotFiles(first)), { label: '$(folder-opened) Browse…', browse: true }], {
    title: `Compare Snapshots (2/2): compare ${vscode.workspace.asRelativePath(first)} with…`,
  });
  if (!second) return;
  const before: SnapshotInput = { name: vscode.workspace.asRelativePath(first), text: await readText(first) };
  let after: SnapshotInput;
  if (second.target) {
    const taken = await take(ctx, second.target);
    if (taken === undefined) return void vscode.window.showInformationMessage(`The snapshot of ${second.target.label} was cancelled; nothing was compared.`);
    after = { name: `${second.target.label} now`, text: taken.text };
  } else {
    const file = second.browse ? await browse('The later snapshot') : second.file;
    if (!file) return;
    after = { name: vscode.workspace.asRelativePath(file), text: await readText(file) };
  }
  const result = await ctx.request(SnapshotRequests.diff, { before, after });
  const left = renderings.put(before.name, result.beforeText);
  const right = renderings.put(after.name, result.afterText);
  await vscode.commands.executeCommand('vscode.diff', left, right, `${before.name} ↔ ${after.name} (snapshots)`);
  const head = result.report.split('\n')[0]!;
  const moved = result.diff.volatile.length;
  void vscode.window.showInformationMessage(`${head}${moved ? ` ${moved} volatile values moved and were not compared.` : ''}`);
}

async function readText(file: vscode.Uri): Promise<string> {
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
  } catch (err) {
    throw new Error(`Cannot read ${vscode.workspace.asRelativePath(file)} (${errorMessage(err)}); pick another snapshot file.`);
  }
}
