/**
 * Shows PageSpecs (page.ts) as webview panels: one panel per device and page (opening it again
 * reveals it), a strict content security policy (no inline script but page.js with a nonce, no
 * remote content), the page's HTML sent as a message so a re-render keeps the panel's scroll and
 * the fields a user is typing in, and a banner for each action's outcome.
 *
 * e2e hooks: `body[data-state]` is `loading`, `ready` or `error`; `#banner` holds the last
 * outcome sentence; every element keeps the ids and classes the page rendered.
 */
import * as vscode from 'vscode';
import type { TargetInfo } from '../../../server/src/protocol';
import { targetOf } from '../commands/devices';
import type { Ctx } from '../ctx';
import { editorMessage } from '../model/redirection';
import type { TreeNode } from '../model/tree';
import type { AnyPageSpec, PageContext, PageUi } from './page';
import { pageOf, PAGES } from './registry';

interface FromPage {
  /** `ready`: page.js has loaded (a render posted before then may have been lost, so it is sent again). */
  type: 'action' | 'ready';
  action: string;
  args?: unknown;
  fields?: Record<string, string | boolean>;
  confirm?: string;
  label?: string;
}

function nonce(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** VS Code's UI for page actions. */
export function vscodePageUi(): PageUi {
  return {
    async confirm(message, detail, button) {
      return (await vscode.window.showWarningMessage(message, { modal: true, ...(detail ? { detail } : {}) }, button)) === button;
    },
    password: (title, prompt) => Promise.resolve(vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true })),
    input: (title, prompt, value) => Promise.resolve(vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, ...(value !== undefined ? { value } : {}) })),
    pick: (title, items) => Promise.resolve(vscode.window.showQuickPick([...items], { title, ignoreFocusOut: true })),
    async saveFile(defaultName, content) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = folder ? vscode.Uri.joinPath(folder, defaultName) : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(defaultName) });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      return folder ? vscode.workspace.asRelativePath(uri) : uri.fsPath;
    },
    async open(uri) {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(uri), { preview: false, viewColumn: vscode.ViewColumn.Beside });
    },
    async diff(left, right, title) {
      await vscode.commands.executeCommand('vscode.diff', vscode.Uri.parse(left), vscode.Uri.parse(right), title);
    },
    async openPage(kind, targetId) {
      await vscode.commands.executeCommand('amt.openPage', kind, targetId);
    },
  };
}

class PagePanel {
  private data: unknown;
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();
  private busy = false;
  /** The last render message, sent again when page.js says it is ready. */
  private last: unknown;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly spec: AnyPageSpec,
    private readonly page: PageContext,
    private readonly ui: PageUi,
    mediaRoot: vscode.Uri,
  ) {
    const webview = panel.webview;
    const n = nonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'page.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'page.css'));
    webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; script-src 'nonce-${n}';">
<link rel="stylesheet" href="${style}"><title>${spec.title}</title></head>
<body data-state="loading" data-page="${spec.kind}"><header class="page"><h1>${escapeText(spec.title)} <span class="device">${escapeText(page.label)}</span></h1>
<button type="button" class="secondary" data-action="$refresh">Refresh</button></header>
<div id="banner" role="status"></div><main id="content"><p class="empty">Loading…</p></main>
<script nonce="${n}" src="${script}"></script></body></html>`;
    webview.onDidReceiveMessage((m: FromPage) => void this.onMessage(m));
    panel.onDidChangeViewState(() => this.schedule());
    panel.onDidDispose(() => {
      this.controller.abort();
      if (this.timer) clearTimeout(this.timer);
    });
  }

  async reload(banner?: { text: string; tone: 'info' | 'error' }): Promise<void> {
    if (this.controller.signal.aborted) return;
    let body: string;
    let state: 'ready' | 'error' = 'ready';
    try {
      this.data = await this.spec.load(this.page, this.controller.signal);
      this.loaded = true;
      body = this.spec.render(this.data, this.page).text;
    } catch (err) {
      state = 'error';
      body = `<p class="error">${escapeText(editorMessage(err))}</p>`;
    }
    if (this.controller.signal.aborted) return;
    this.last = { type: 'render', html: body, state, ...(banner ? { banner } : {}) };
    void this.panel.webview.postMessage(this.last);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.spec.pollSeconds || !this.panel.visible || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => void (this.busy ? this.schedule() : this.reload()), this.spec.pollSeconds * 1000);
  }

  private async onMessage(m: FromPage): Promise<void> {
    if (m?.type === 'ready') {
      if (this.last) void this.panel.webview.postMessage(this.last);
      return;
    }
    if (m?.type !== 'action' || typeof m.action !== 'string') return;
    if (m.action === '$refresh') return this.reload();
    const action = this.spec.actions?.[m.action];
    if (!action) return;
    if (m.confirm && !(await this.ui.confirm(m.confirm, undefined, m.label || 'Continue'))) return;
    this.busy = true;
    void this.panel.webview.postMessage({ type: 'busy', busy: true });
    let banner: { text: string; tone: 'info' | 'error' } | undefined;
    try {
      const said = await action(this.page, this.loaded ? this.data : undefined, { args: m.args, fields: m.fields ?? {} }, this.ui, this.controller.signal);
      if (said) banner = { text: said, tone: 'info' };
    } catch (err) {
      banner = { text: editorMessage(err), tone: 'error' };
    } finally {
      this.busy = false;
    }
    await this.reload(banner);
  }
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Opens (or reveals) `kind`'s page for a device. */
export class Pages {
  private readonly open = new Map<string, PagePanel>();
  private readonly ui = vscodePageUi();

  constructor(private readonly ctx: Ctx) {}

  async show(kind: string, target: TargetInfo): Promise<void> {
    const spec = pageOf(kind);
    if (!spec) throw new Error(`AMT Workbench has no page "${kind}"; this is a bug in the extension.`);
    const key = `${kind}/${target.id}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing.reload();
    }
    const mediaRoot = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'pages');
    const panel = vscode.window.createWebviewPanel(`amt.page.${kind}`, `${spec.title} — ${target.label}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [mediaRoot],
    });
    const page: PageContext = { targetId: target.id, label: target.label, request: this.ctx.request };
    const p = new PagePanel(panel, spec, page, this.ui, mediaRoot);
    this.open.set(key, p);
    panel.onDidDispose(() => this.open.delete(key));
    await p.reload();
  }
}

/** `amt.page.<kind>` for every page, and `amt.openPage` (kind, device) for the Devices view's rows. */
export function registerPages(ctx: Ctx): vscode.Disposable[] {
  const pages = new Pages(ctx);
  const open = async (kind: string, arg: TreeNode | string | undefined) => {
    const spec = pageOf(kind);
    const target = typeof arg === 'string' ? await ctx.target(arg) : await targetOf(ctx, arg ?? undefined, () => true, `Show ${spec?.title ?? kind} of which device?`);
    if (!target) return;
    try {
      await pages.show(kind, target);
    } catch (err) {
      void vscode.window.showErrorMessage(editorMessage(err));
    }
  };
  return [
    vscode.commands.registerCommand('amt.openPage', (kind: string, targetId?: string) => open(kind, targetId)),
    ...PAGES.map((p) => vscode.commands.registerCommand(`amt.page.${p.kind}`, (arg?: TreeNode | string) => open(p.kind, arg))),
  ];
}
