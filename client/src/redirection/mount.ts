/**
 * IDE-R: "Mount on AMT Device" (an .iso/.img in the explorer) and "Boot from Image…" (on a
 * device) serve an image file as the host's CD or floppy; a status-bar item per session shows
 * the sectors read and stops it when clicked. When the host ejects the medium, or the session
 * ends for another reason, a notification says which.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RedirectionRequests, type IderProgress, type TargetInfo } from '../../../server/src/protocol';
import { targetOf } from '../commands/devices';
import type { Ctx } from '../ctx';
import { iderEndMessage, iderStatusText, imageDrive, editorMessage } from '../model/redirection';
import type { TreeNode } from '../model/tree';
import { withConsent } from './consent';
import type { RedirectionSessions } from './sessions';

interface Mounted {
  sessionId: string;
  target: TargetInfo;
  file: string;
  image: string;
  item: vscode.StatusBarItem;
  last?: IderProgress;
  stopping: boolean;
}

export class IderMounts implements vscode.Disposable {
  private readonly active = new Map<string, Mounted>();

  constructor(
    private readonly ctx: Ctx,
    private readonly sessions: RedirectionSessions,
  ) {}

  /** The image being served to a device, if any. */
  forTarget(targetId: string): Mounted | undefined {
    return [...this.active.values()].find((m) => m.target.id === targetId);
  }

  commands(): vscode.Disposable[] {
    const reg = vscode.commands.registerCommand;
    return [
      reg('amt.mountImage', async (uri?: vscode.Uri) => {
        const file = uri?.fsPath ?? (await pickImage());
        if (!file) return;
        const target = await targetOf(this.ctx, undefined, () => true, `Mount ${path.basename(file)} on which device?`);
        if (target) await this.askAndMount(target, file);
      }),
      reg('amt.bootFromImage', async (node?: TreeNode | string) => {
        const target = typeof node === 'string' ? await this.ctx.target(node) : await targetOf(this.ctx, node ?? undefined, () => true, 'Boot which device from an image?');
        if (!target) return;
        const file = await pickImage();
        if (file) await this.mount(target, file, true);
      }),
      reg('amt.stopImage', async (sessionId?: string) => {
        const m = sessionId ? this.active.get(sessionId) : await this.pick();
        if (m) await this.stop(m);
      }),
    ];
  }

  /** Asks whether to boot from the image now, then mounts it. */
  async askAndMount(target: TargetInfo, file: string): Promise<boolean> {
    const image = path.basename(file);
    const drive = imageDrive(file) === 'cd' ? 'CD' : 'floppy';
    const now = 'Mount and Boot from It';
    const only = 'Mount Only';
    const answer = await vscode.window.showWarningMessage(
      `Mount ${image} on ${target.label} as its IDE-R ${drive}?`,
      { modal: true, detail: `"${now}" boots the host once from it now (powering it on, or resetting it when on). "${only}" serves it until the host boots from it or you stop it.` },
      now,
      only,
    );
    if (!answer) return false;
    return this.mount(target, file, answer === now);
  }

  async mount(target: TargetInfo, file: string, reboot: boolean): Promise<boolean> {
    const image = path.basename(file);
    const busy = this.forTarget(target.id);
    if (busy) {
      const stop = await vscode.window.showWarningMessage(`${target.label} is serving ${busy.image} over IDE-R; stop that first to mount ${image}.`, 'Stop It');
      if (stop) await this.stop(busy);
      return false;
    }
    const drive = imageDrive(file);
    let result;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Mounting ${image} on ${target.label}…` }, () =>
        withConsent(this.ctx, target, () => this.ctx.request(RedirectionRequests.iderMount, { targetId: target.id, [drive]: file, reboot })),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(editorMessage(err));
      return false;
    }
    if (!result) return false;
    const item = vscode.window.createStatusBarItem(`amt.ider.${result.sessionId}`, vscode.StatusBarAlignment.Left, 9);
    item.name = 'AMT IDE-R';
    item.text = iderStatusText(undefined, image);
    item.tooltip = `Serving ${file} to ${target.label} as its IDE-R ${drive === 'cd' ? 'CD' : 'floppy'} over ${result.route}. Click to stop.`;
    item.command = { command: 'amt.stopImage', title: 'Stop IDE-R', arguments: [result.sessionId] };
    item.show();
    const m: Mounted = { sessionId: result.sessionId, target, file, image, item, stopping: false };
    this.active.set(m.sessionId, m);
    this.sessions.onIder(m.sessionId, (p) => this.progress(m, p));
    void vscode.window.showInformationMessage(`${image} is mounted on ${target.label} as its IDE-R ${drive === 'cd' ? 'CD' : 'floppy'}${reboot ? '; the host boots from it now' : ''}.`);
    if (reboot) void this.ctx.power.refresh(target.id).catch(() => undefined);
    return true;
  }

  private progress(m: Mounted, p: IderProgress): void {
    if (!this.active.has(m.sessionId)) return;
    m.last = p;
    if (p.state === 'ended' || p.state === 'ejected') this.finish(m, p);
    else m.item.text = iderStatusText(p, m.image);
  }

  private finish(m: Mounted, p: Pick<IderProgress, 'state' | 'sectorsRead' | 'bytesRead' | 'reason'>): void {
    if (!this.active.delete(m.sessionId)) return;
    m.item.dispose();
    const text = iderEndMessage(p, m.image, m.target.label, m.stopping);
    void (p.state === 'ended' && p.reason && !m.stopping ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
  }

  async stop(m: Mounted): Promise<void> {
    m.stopping = true;
    try {
      await this.ctx.request(RedirectionRequests.iderStop, { sessionId: m.sessionId });
    } catch (err) {
      void vscode.window.showErrorMessage(editorMessage(err));
    }
    // Closed on request, the backend may send no last progress: end it here with what was read.
    this.finish(m, { state: 'ended', sectorsRead: m.last?.sectorsRead ?? 0, bytesRead: m.last?.bytesRead ?? 0 });
  }

  private async pick(): Promise<Mounted | undefined> {
    const all = [...this.active.values()];
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No image is mounted over IDE-R.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(all.map((m) => ({ label: m.image, description: m.target.label, m })), { placeHolder: 'Stop which IDE-R session?' });
    return pick?.m;
  }

  dispose(): void {
    for (const m of this.active.values()) m.item.dispose();
    this.active.clear();
  }
}

/** A file picker for disk images. */
export async function pickImage(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Mount', filters: { 'Disk images': ['iso', 'img'] }, title: 'Image to serve over IDE-R' });
  return picked?.[0]?.fsPath;
}
