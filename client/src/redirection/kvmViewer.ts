/**
 * "AMT: Open KVM Viewer": the host's screen, keyboard and mouse in a webview panel (one per
 * device). The webview (media/kvm/viewer.js with the protocol engine dist/kvm-viewer-engine.js,
 * the backend's own decoder code bundled for the browser) draws on a canvas; it reaches the
 * device through a one-time loopback websocket URL that the backend mints per connection
 * (amt/kvm/openViewer) and relays with the device's credentials — the webview never holds a
 * password. The CSP admits only our nonce'd scripts and a websocket to 127.0.0.1.
 *
 * Here: the URL per connection, the consent flow when a CCM device asks for it, the one sentence
 * when KVM is switched off, reconnecting with back-off when a session that ran ends (AMT keeps
 * KVM through a host reset; it ends when KVM is switched off, AMT restarts or the network drops),
 * and "Save Screenshot" (the canvas as a PNG in the workspace).
 */
import * as vscode from 'vscode';
import { KvmViewerRequests, type TargetInfo } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { editorMessage, needsConsent, screenshotName, withoutCliHint } from '../model/redirection';
import { errorCode, errorMessage } from '../model/request';
import { requestConsent } from './consent';

/** What the webview posts. */
type FromViewer =
  | { type: 'ready' }
  | { type: 'connect'; manual?: boolean }
  | { type: 'closed'; connected: boolean; reason?: string }
  | { type: 'connected' }
  | { type: 'screenshot'; png: string; width: number; height: number };

/** Back-off between reconnect attempts after a session ended, in seconds. */
export const RECONNECT_DELAYS = [1, 2, 4, 8, 10];
/** Attempts before the viewer stops and waits for "Reconnect". */
const MAX_ATTEMPTS = 30;

function nonce(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

class KvmViewerPanel {
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private token: string | undefined;
  private disposed = false;
  private connecting = false;

  constructor(private readonly ctx: Ctx, readonly target: TargetInfo, readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly onDispose: () => void) {
    const webview = panel.webview;
    const n = nonce();
    const media = vscode.Uri.joinPath(extensionUri, 'media', 'kvm');
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p));
    webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data: blob:; script-src 'nonce-${n}'; connect-src ws://127.0.0.1:*;">
<link rel="stylesheet" href="${uri('media', 'kvm', 'viewer.css')}"><title>KVM</title></head>
<body data-page="kvm" data-state="idle">
<div id="bar">
  <span id="state" role="status">Starting…</span>
  <label>Colours <select id="format"><option value="rgb565">16-bit (RGB565)</option><option value="rgb332">8-bit (RGB332)</option><option value="grey8">8-bit grey</option></select></label>
  <label>Encoding <select id="encoding"><option value="rle">Intel RLE (16)</option><option value="raw">Raw (0)</option></select></label>
  <label><input type="checkbox" id="fit" checked> Scale to fit</label>
  <button id="cad" title="Send Ctrl-Alt-Del to the host">Ctrl-Alt-Del</button>
  <button id="reconnect">Reconnect</button>
  <button id="shot">Save Screenshot</button>
</div>
<div id="view"><canvas id="screen" tabindex="0" width="1024" height="768" aria-label="${escapeAttr(target.label)}'s screen"></canvas></div>
<script nonce="${n}" src="${uri('dist', 'kvm-viewer-engine.js')}"></script>
<script nonce="${n}" src="${webview.asWebviewUri(vscode.Uri.joinPath(media, 'viewer.js'))}"></script>
</body></html>`;
    webview.onDidReceiveMessage((m: FromViewer) => void this.onMessage(m));
    panel.onDidDispose(() => this.dispose());
  }

  private post(m: unknown): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: FromViewer): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'connect':
        clearTimeout(this.timer);
        this.attempts = 0;
        return this.connect();
      case 'connected':
        this.attempts = 0;
        return;
      case 'closed':
        return this.closed(m.connected, m.reason);
      case 'screenshot':
        return this.saveScreenshot(m.png, m.width, m.height);
    }
  }

  /** Mints a URL (after consent if the device wants it) and hands it to the webview. */
  private async connect(): Promise<void> {
    if (this.connecting || this.disposed) return;
    this.connecting = true;
    try {
      const opened = await this.ctx.request(KvmViewerRequests.open, { targetId: this.target.id });
      this.token = opened.token;
      this.post({ type: 'url', url: opened.url, label: opened.label });
    } catch (err) {
      if (needsConsent(err) || errorCode(err) === 'kvm.consent') {
        this.post({ type: 'status', state: 'consent', text: `Waiting for user consent on ${this.target.label}…` });
        this.connecting = false;
        if (await requestConsent(this.ctx, this.target, withoutCliHint(errorMessage(err)))) return this.connect();
        this.post({ type: 'status', state: 'error', text: `Not connected: ${this.target.label} needs user consent for KVM, which was not given; press Reconnect to ask again.` });
        return;
      }
      const text = editorMessage(err);
      // While reconnecting, every failure (KVM switched off meanwhile too) waits and tries again.
      if (this.attempts > 0) return this.retry(text);
      this.post({ type: 'status', state: 'error', text });
      void vscode.window.showErrorMessage(text);
    } finally {
      this.connecting = false;
    }
  }

  private closed(connected: boolean, reason: string | undefined): void {
    this.token = undefined;
    // A session that ran and ended, or a reconnect that failed: try again.
    if (connected || this.attempts > 0) return this.retry(reason);
    this.post({ type: 'status', state: 'error', text: reason ?? `${this.target.label} ended the KVM session; press Reconnect.` });
  }

  private retry(reason: string | undefined): void {
    if (this.disposed) return;
    if (this.attempts >= MAX_ATTEMPTS) {
      this.post({ type: 'status', state: 'error', text: `${reason ?? 'The KVM session ended.'} Gave up after ${MAX_ATTEMPTS} attempts; press Reconnect once ${this.target.label} is back.` });
      return;
    }
    const delay = RECONNECT_DELAYS[Math.min(this.attempts, RECONNECT_DELAYS.length - 1)]!;
    this.attempts++;
    this.post({ type: 'status', state: 'reconnecting', text: `${reason ? `${reason.replace(/\.?$/, '.')} ` : ''}Reconnecting in ${delay} s (attempt ${this.attempts})…` });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay * 1000);
  }

  private async saveScreenshot(png: string, width: number, height: number): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return void vscode.window.showErrorMessage('Saving a KVM screenshot needs an open folder; open one with File > Open Folder and try again.');
    const file = vscode.Uri.joinPath(folder, screenshotName(this.target.label, new Date()));
    await vscode.workspace.fs.writeFile(file, Buffer.from(png, 'base64'));
    const shown = vscode.workspace.asRelativePath(file);
    this.post({ type: 'saved', path: shown });
    void vscode.window.showInformationMessage(`Saved ${this.target.label}'s screen (${width}×${height}) as ${shown}.`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    if (this.token) void this.ctx.request(KvmViewerRequests.revoke, { token: this.token }).catch(() => undefined);
    this.onDispose();
  }
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The viewers, one per device: opening again reveals it. */
export class KvmViewers implements vscode.Disposable {
  private readonly open = new Map<string, KvmViewerPanel>();

  private readonly extensionUri: vscode.Uri;

  constructor(private readonly ctx: Ctx) {
    this.extensionUri = ctx.extension.extensionUri;
  }

  show(target: TargetInfo): void {
    const existing = this.open.get(target.id);
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel('amt.kvmViewer', `KVM — ${target.label}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media', 'kvm'), vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    this.open.set(target.id, new KvmViewerPanel(this.ctx, target, panel, this.extensionUri, () => this.open.delete(target.id)));
  }

  dispose(): void {
    for (const v of this.open.values()) v.panel.dispose();
  }
}
