/**
 * The .wsman commands. "Send" / "Send to …" (the code lenses, WsmanCommands in protocol.ts, also
 * for the request under the cursor) send through `amt/wsman/send` with a cancellable progress
 * notification and open the reply beside the editor as a read-only XML document headed by status,
 * time, device and any fault's meaning; each reply goes into the workspace's history ("WS-Man
 * Request History": open a reply again, send again, go to the request). "Copy as curl" / "Copy as
 * amtwb Command" copy the lines `amt/wsman/render` makes. "New WS-Man Request…" (on a class or an
 * instance of the trees) opens an untitled .wsman document written by `amt/wsman/newRequest`.
 */
import * as vscode from 'vscode';
import { Requests, WsmanCommands, WsmanRequests, type TargetInfo, type WsmanCommandArgs, type WsmanNewRequestParams } from '../../../server/src/protocol';
import type { Selectors } from '../../../server/src/wsman/types';
import type { Ctx } from '../ctx';
import { RESULT_SCHEME, type ResultDocuments } from '../instanceFs';
import { errorMessage } from '../model/request';
import type { TreeNode } from '../model/tree';
import { newRequestChoices, requestAtLine, titleOfLine, type RequestLine } from '../model/wsmanChoices';
import { fileName, historyRow, WsmanHistory, type HistoryEntry } from '../model/wsmanHistory';
import { describeEnvelope, responseDocument, statusLine, succeeded } from '../model/wsmanResponse';
import { targetOf } from './devices';

export const WsmanClientCommands = {
  history: 'amt.wsman.history',
  copyAsCurl: 'amt.wsman.copyAsCurl',
  copyAsAmtwb: 'amt.wsman.copyAsAmtwb',
  newRequest: 'amt.wsman.newRequest',
} as const;

export function wsmanCommands(ctx: Ctx, results: ResultDocuments): vscode.Disposable[] {
  const history = new WsmanHistory(ctx.extension.workspaceState);
  const reg = vscode.commands.registerCommand;
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await fn(...args);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    };

  const send = async (args: WsmanCommandArgs | undefined, pickTarget: boolean) => {
    const request = await resolveRequest(args);
    if (!request) return;
    const target = pickTarget ? await targetOf(ctx, undefined, () => true, `Send "${request.label}" to which device?`, true) : await ctx.selected();
    if (!target) {
      if (!pickTarget) void vscode.window.showInformationMessage('There is no device to send to; add one with "AMT: Add Device…".');
      return;
    }
    await sendTo(ctx, results, history, request, target);
  };

  return [
    reg(WsmanCommands.send, guarded((args?: WsmanCommandArgs) => send(args, false))),
    reg(WsmanCommands.sendTo, guarded((args?: WsmanCommandArgs) => send(args, true))),
    reg(WsmanClientCommands.history, guarded(() => showHistory(ctx, results, history))),
    reg(WsmanClientCommands.copyAsCurl, guarded((args?: WsmanCommandArgs) => copyAs(ctx, args, 'curl'))),
    reg(WsmanClientCommands.copyAsAmtwb, guarded((args?: WsmanCommandArgs) => copyAs(ctx, args, 'amtwb'))),
    reg(WsmanClientCommands.newRequest, guarded((arg?: TreeNode | WsmanNewRequestParams) => newRequest(ctx, arg))),
  ];
}

/** A request to act on: the code lens's, else the one under the cursor of the active .wsman editor. */
interface ResolvedRequest extends WsmanCommandArgs {
  /** The `###` title, else `request N`. */
  label: string;
  titled: boolean;
  /** `requests.wsman #2`. */
  source: string;
}

async function resolveRequest(args: WsmanCommandArgs | undefined): Promise<ResolvedRequest | undefined> {
  if (args && typeof args.uri === 'string' && typeof args.requestIndex === 'number') {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
    const line = doc ? (await requestLines(doc)).find((r) => r.index === args.requestIndex) : undefined;
    return { uri: args.uri, requestIndex: args.requestIndex, label: line?.title ?? `request ${args.requestIndex + 1}`, titled: !!line?.title, source: `${fileName(args.uri)} #${args.requestIndex + 1}` };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'wsman') {
    void vscode.window.showInformationMessage('Open a .wsman file and put the cursor in a request, or use the "Send" above it.');
    return undefined;
  }
  const hit = requestAtLine(await requestLines(editor.document), editor.selection.active.line);
  if (!hit) {
    void vscode.window.showInformationMessage(`${fileName(editor.document.uri.toString())} holds no request yet; write one (the wsman-get snippet is a start).`);
    return undefined;
  }
  const uri = editor.document.uri.toString();
  return { uri, requestIndex: hit.index, label: hit.title ?? `request ${hit.index + 1}`, titled: !!hit.title, source: `${fileName(uri)} #${hit.index + 1}` };
}

/** The requests of a document as the language server sees them: the lines of their "Send" lenses. */
async function requestLines(doc: vscode.TextDocument): Promise<RequestLine[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
  const lines: RequestLine[] = [];
  for (const lens of lenses) {
    const arg = lens.command?.command === WsmanCommands.send ? (lens.command.arguments?.[0] as WsmanCommandArgs | undefined) : undefined;
    if (!arg || lines.some((l) => l.index === arg.requestIndex)) continue;
    const title = titleOfLine(doc.lineAt(lens.range.start.line).text);
    lines.push({ index: arg.requestIndex, line: lens.range.start.line, ...(title ? { title } : {}) });
  }
  return lines;
}

async function sendTo(ctx: Ctx, results: ResultDocuments, history: WsmanHistory, request: ResolvedRequest, target: TargetInfo): Promise<void> {
  const result = await withSendProgress(`Sending ${request.label} to ${target.label}…`, async (token) => {
    const sent = ctx.requestCancellable(WsmanRequests.send, { targetId: target.id, uri: request.uri, requestIndex: request.requestIndex }, token);
    // Cancel stops the wait at once; the backend aborts the exchange when it gets the cancellation.
    const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
    return Promise.race([sent.catch((err) => (token.isCancellationRequested ? undefined : Promise.reject(err))), cancelled]);
  });
  if (!result) {
    vscode.window.setStatusBarMessage(`Sending ${request.label} to ${target.label} was cancelled.`, 5000);
    return;
  }
  // Untitled requests are named by what they do: `Get AMT_GeneralSettings`.
  const label = request.titled ? request.label : (describeEnvelope(result.request) ?? request.label);
  const text = responseDocument(result, { label, source: request.source, sentAt: new Date().toISOString() });
  await showResponse(results, label, text);
  await history.add({
    sentAt: Date.now(),
    uri: request.uri,
    requestIndex: request.requestIndex,
    label,
    targetId: target.id,
    targetLabel: target.label,
    status: result.status,
    elapsedMs: result.elapsedMs,
    ...(result.fault ? { fault: result.fault.subcode } : {}),
    response: text,
  });
  if (result.fault) void vscode.window.showWarningMessage(`${label}: fault ${result.fault.subcode}${result.fault.reason ? ` (${result.fault.reason})` : ''} from ${target.label}.`);
  else if (!succeeded(result)) void vscode.window.showWarningMessage(`${label}: ${statusLine(result)}.`);
}

/**
 * A spinner in the status bar at once; a notification with Cancel only when the device takes longer
 * than a moment, so quick sends do not flash a toast each time.
 */
async function withSendProgress<T>(title: string, work: (token: vscode.CancellationToken) => Promise<T>): Promise<T> {
  const source = new vscode.CancellationTokenSource();
  let done = false;
  const task = work(source.token).finally(() => (done = true));
  const timer = setTimeout(() => {
    if (done) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      token.onCancellationRequested(() => source.cancel());
      return task.catch(() => undefined);
    });
  }, NOTIFY_AFTER_MS);
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => task);
  } finally {
    clearTimeout(timer);
    source.dispose();
  }
}

const NOTIFY_AFTER_MS = 700;

/**
 * Read-only, as a preview tab (the next response takes its place), beside the editor — or in the
 * group already showing a response, wherever the user moved it.
 */
async function showResponse(results: ResultDocuments, label: string, text: string): Promise<void> {
  const uri = results.add(`${label}${RESPONSE_SUFFIX}`, text, 'xml');
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === RESULT_SCHEME && e.document.uri.path.endsWith(`${RESPONSE_SUFFIX}.xml`));
  await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true, viewColumn: shown?.viewColumn ?? vscode.ViewColumn.Beside });
}

const RESPONSE_SUFFIX = ' response';

async function showHistory(ctx: Ctx, results: ResultDocuments, history: WsmanHistory): Promise<void> {
  const entries = history.list();
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('No WS-Man request has been sent in this workspace yet; use "Send" above a request in a .wsman file.');
    return;
  }
  const now = Date.now();
  type Item = vscode.QuickPickItem & { entry?: HistoryEntry; clear?: true };
  const items: Item[] = [
    ...entries.map((entry) => ({ ...historyRow(entry, now), entry })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(clear-all) Clear History', clear: true },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'WS-Man Request History', placeHolder: 'Open a response, send a request again, or go to it', matchOnDescription: true, matchOnDetail: true });
  if (!pick) return;
  if (pick.clear) {
    await history.clear();
    void vscode.window.showInformationMessage('The WS-Man request history of this workspace is cleared.');
    return;
  }
  const entry = pick.entry!;
  type Action = vscode.QuickPickItem & { run: () => Promise<void> };
  const actions: Action[] = [];
  if (entry.response !== undefined) actions.push({ label: '$(go-to-file) Open Response', description: `${entry.status}${entry.fault ? ` ${entry.fault}` : ''} from ${entry.targetLabel}`, run: () => showResponse(results, entry.label, entry.response!) });
  const request: ResolvedRequest = { uri: entry.uri, requestIndex: entry.requestIndex, label: entry.label, titled: true, source: `${fileName(entry.uri)} #${entry.requestIndex + 1}` };
  actions.push(
    {
      label: '$(play) Send Again',
      description: `to ${entry.targetLabel}`,
      run: async () => {
        const target = await ctx.target(entry.targetId);
        if (!target) throw new Error(`${entry.targetLabel} is no longer a device of AMT Workbench; use "Send Again to…".`);
        await sendTo(ctx, results, history, request, target);
      },
    },
    {
      label: '$(play) Send Again to…',
      run: async () => {
        const target = await targetOf(ctx, undefined, () => true, `Send "${entry.label}" to which device?`, true);
        if (target) await sendTo(ctx, results, history, request, target);
      },
    },
    {
      label: '$(go-to-file) Go to Request',
      description: request.source,
      run: async () => {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(entry.uri));
        const line = (await requestLines(doc)).find((r) => r.index === entry.requestIndex)?.line ?? 0;
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
      },
    },
    { label: '$(trash) Remove from History', run: () => history.remove(entry.id) },
  );
  const action = await vscode.window.showQuickPick(actions, { title: entry.label, placeHolder: historyRow(entry, now).detail });
  await action?.run();
}

async function copyAs(ctx: Ctx, args: WsmanCommandArgs | undefined, kind: 'curl' | 'amtwb'): Promise<void> {
  const request = await resolveRequest(args);
  if (!request) return;
  const target = await ctx.selected();
  const r = await ctx.request(WsmanRequests.render, { uri: request.uri, requestIndex: request.requestIndex, ...(target ? { targetId: target.id } : {}) });
  if (kind === 'curl') {
    await vscode.env.clipboard.writeText(r.curl);
    void vscode.window.showInformationMessage(`Copied the curl command for ${request.label} to the clipboard${target ? ` (for ${target.label})` : ''}; curl asks for the password.`);
    return;
  }
  if (!r.amtwb) {
    void vscode.window.showWarningMessage(`No amtwb command for ${request.label}: ${r.amtwbNote ?? 'amtwb has no command for this operation'}`);
    return;
  }
  await vscode.env.clipboard.writeText(r.amtwb);
  void vscode.window.showInformationMessage(`Copied the amtwb command for ${request.label} to the clipboard${r.amtwbNote ? `; ${r.amtwbNote}` : ''}.`);
}

async function newRequest(ctx: Ctx, arg: TreeNode | WsmanNewRequestParams | undefined): Promise<void> {
  let params: WsmanNewRequestParams | undefined;
  if (arg && 'operation' in arg) params = arg;
  else {
    let className: string | undefined;
    let selectors: Selectors | undefined;
    let subject: string;
    if (arg?.data.kind === 'class') {
      className = arg.data.className;
      subject = className;
    } else if (arg?.data.kind === 'instance') {
      className = arg.data.ref.className;
      selectors = arg.data.ref.selectors;
      subject = arg.data.ref.text;
    } else {
      const classes = await ctx.request(Requests.listClasses, undefined);
      className = (await vscode.window.showQuickPick(classes.map((c) => ({ label: c.name, description: c.resourceUri })), { placeHolder: 'A new WS-Man request for which class?', matchOnDescription: true }))?.label;
      subject = className ?? '';
    }
    if (!className) return;
    const description = await ctx.request(Requests.describeClass, { className });
    const choices = newRequestChoices(description.name, description.methods, selectors);
    const pick = await vscode.window.showQuickPick(choices, { title: `New WS-Man Request: ${subject}`, placeHolder: 'Which operation?', matchOnDescription: true });
    params = pick?.params;
  }
  if (!params) return;
  const r = await ctx.request(WsmanRequests.newRequest, params);
  const doc = await vscode.workspace.openTextDocument({ language: 'wsman', content: r.text });
  await vscode.window.showTextDocument(doc, { preview: false });
}
