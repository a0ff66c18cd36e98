/**
 * "AMT: Activate AMT on This Machine…" and "AMT: Deactivate AMT on This Machine": the local agent
 * (amt/activation/*) from the editor. Passwords are asked for in password input boxes only, sent
 * with the one request and kept nowhere. Each step the backend reports shows in the progress
 * notification; the resulting state opens as a read-only summary document.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ActivationNotifications, ActivationRequests, type ActivationOutcome, type LocalMeiParams } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { errorMessage } from './model/request';

const SUMMARY_SCHEME = 'amt-activation';

/** The MEI device setting (empty: the first of /dev/mei0 … /dev/mei3). */
function meiParams(): LocalMeiParams {
  const path = vscode.workspace.getConfiguration('amt').get<string>('activation.meiDevice', '').trim();
  return path ? { meiPath: path } : {};
}

async function askPassword(prompt: string, placeHolder?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true, ...(placeHolder ? { placeHolder } : {}), validateInput: (v) => (v ? undefined : 'A password is required.') });
}

class Summaries implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }
  async show(title: string, outcome: ActivationOutcome): Promise<void> {
    const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: '/AMT on this machine.txt' });
    this.texts.set(uri.path, `${title}\n\n${outcome.message}\n\n${outcome.status.text}\n`);
    this.changed.fire(uri);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}

/** Runs one request under a progress notification fed by the backend's progress steps. */
async function withSteps(ctx: Ctx, title: string, run: (progressId: string) => Promise<ActivationOutcome>): Promise<ActivationOutcome> {
  const progressId = randomUUID();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async (progress) => {
    const sub = ctx.client.onNotification(ActivationNotifications.progress, (p) => {
      if (p.progressId === progressId) progress.report({ message: p.step });
    });
    try {
      return await run(progressId);
    } finally {
      sub.dispose();
    }
  });
}

async function activateCommand(ctx: Ctx, summaries: Summaries): Promise<void> {
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'Client Control Mode (CCM)', description: 'host-based setup; user consent is then required for redirection', mode: 'ccm' as const },
      { label: 'Admin Control Mode (ACM)', description: 'needs a provisioning certificate (.pfx) whose root AMT trusts', mode: 'acm' as const },
    ],
    { title: 'Activate AMT on This Machine', placeHolder: 'Control mode to activate' },
  );
  if (!mode) return;
  let certificate: { name: string; pfxBase64: string; password: string } | undefined;
  if (mode.mode === 'acm') {
    const files = await vscode.window.showOpenDialog({ title: 'Provisioning certificate', canSelectMany: false, filters: { 'PKCS#12': ['pfx', 'p12'] } });
    if (!files?.[0]) return;
    const pfxPassword = await askPassword('Password of the certificate file');
    if (pfxPassword === undefined) return;
    const bytes = await vscode.workspace.fs.readFile(files[0]);
    certificate = { name: files[0].fsPath, pfxBase64: Buffer.from(bytes).toString('base64'), password: pfxPassword };
  }
  const password = await askPassword('New AMT admin password (8–32 characters with lower- and upper-case letters, a digit and a special character)');
  if (password === undefined) return;
  const again = await askPassword('The same admin password again');
  if (again === undefined) return;
  if (again !== password) {
    void vscode.window.showErrorMessage('The two admin passwords differ; run "Activate AMT on This Machine…" again and type the same one twice.');
    return;
  }
  try {
    const outcome = await withSteps(ctx, `Activating AMT (${mode.mode.toUpperCase()})`, (progressId) =>
      ctx.request(ActivationRequests.activate, { ...meiParams(), progressId, mode: mode.mode, password, ...(certificate ? { certificate } : {}) }),
    );
    void vscode.window.showInformationMessage(outcome.message);
    await summaries.show(outcome.changed ? 'AMT was activated.' : 'Nothing was changed.', outcome);
  } catch (err) {
    void vscode.window.showErrorMessage(errorMessage(err));
  }
}

async function deactivateCommand(ctx: Ctx, summaries: Summaries): Promise<void> {
  try {
    const status = await ctx.request(ActivationRequests.status, meiParams());
    if (status.controlMode === 'none') {
      void vscode.window.showInformationMessage('AMT on this machine is not activated (pre-provisioning); there is nothing to deactivate.');
      return;
    }
    const mode = status.controlMode === 'acm' ? 'Admin Control Mode' : 'Client Control Mode';
    const go = await vscode.window.showWarningMessage(`Deactivate AMT on this machine? It is in ${mode}; unprovisioning resets its settings and accounts to the factory state.`, { modal: true }, 'Deactivate');
    if (go !== 'Deactivate') return;
    let password: string | undefined;
    if (status.controlMode === 'acm') {
      password = await askPassword('AMT admin password (Admin Control Mode can only be undone by its admin)');
      if (password === undefined) return;
    }
    const outcome = await withSteps(ctx, 'Deactivating AMT', (progressId) => ctx.request(ActivationRequests.deactivate, { ...meiParams(), progressId, ...(password ? { password } : {}) }));
    void vscode.window.showInformationMessage(outcome.message);
    await summaries.show(outcome.changed ? 'AMT was deactivated.' : 'Nothing was changed.', outcome);
  } catch (err) {
    void vscode.window.showErrorMessage(errorMessage(err));
  }
}

export function registerActivation(ctx: Ctx): vscode.Disposable[] {
  const summaries = new Summaries();
  return [
    vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, summaries),
    vscode.commands.registerCommand('amt.activation.activate', () => activateCommand(ctx, summaries)),
    vscode.commands.registerCommand('amt.activation.deactivate', () => deactivateCommand(ctx, summaries)),
  ];
}
