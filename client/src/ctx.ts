/**
 * State shared by commands and views: the running client, the device list, the selected device,
 * the models of the views, and `request` — the one way the extension talks to the backend. It
 * attaches the device's credentials from SecretStorage, counts requests in flight (the status-bar
 * spinner), and asks for a password once when a remote device needs one.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestType } from 'vscode-languageserver-protocol';
import { Requests, type TargetInfo } from '../../server/src/protocol';
import { readConfig } from './config';
import type { ProbeProgress } from './model/classProbe';
import { ClassTree, type WithProgress } from './model/classTree';
import { DevicesTree } from './model/devicesTree';
import { BootStore } from './model/bootTree';
import { PowerStore } from './model/power';
import { Emitter, errorCode, type Request } from './model/request';
import { WatchdogStore } from './model/watchdogStore';
import type { DeviceSecrets } from './secrets';
import { PAGES } from './pages/registry';

/** The backend needs a password: none given, refused now, or refused earlier (and so not sent again). */
const PASSWORD_CODES = new Set(['auth.missing', 'auth.failed', 'auth.rejected']);

export class Ctx {
  readonly request: Request;
  readonly power: PowerStore;
  /** Boot status and redirection features of the Power view's sections. */
  readonly boot: BootStore;
  readonly devices: DevicesTree;
  /** The OS watchdog sessions, agents and events of the Watchdog view. */
  readonly watchdog: WatchdogStore;
  private readonly classTrees = new Map<string, ClassTree>();
  private readonly passwordPrompts = new Map<string, Promise<boolean>>();
  private selectedId: string | undefined;
  private filterText = '';
  private pending = 0;
  private readonly selectionEmitter = new Emitter<TargetInfo | undefined>();
  private readonly busyEmitter = new Emitter<boolean>();
  private readonly filterEmitter = new Emitter<string>();
  readonly onDidChangeSelection = this.selectionEmitter.event;
  readonly onDidChangeBusy = this.busyEmitter.event;
  readonly onDidChangeFilter = this.filterEmitter.event;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly client: LanguageClient,
    readonly secrets: DeviceSecrets,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.request = <P, R>(type: RequestType<P, R, void>, params: P) => this.send(type, params);
    this.power = new PowerStore(this.request);
    this.boot = new BootStore(this.request);
    this.watchdog = new WatchdogStore(this.request);
    this.devices = new DevicesTree({ request: this.request, power: this.power, classTree: (id) => this.classTree(id), pages: PAGES });
  }

  /** True while any request is in flight. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** The device the Classes and Power views and the status bar show: the chosen one, else the first. */
  async selected(): Promise<TargetInfo | undefined> {
    const targets = await this.devices.list().catch(() => [] as TargetInfo[]);
    return targets.find((t) => t.id === this.selectedId) ?? targets[0];
  }

  /** The selected device if already known, without asking the backend. */
  selectedNow(): TargetInfo | undefined {
    const targets = this.devices.known;
    return targets.find((t) => t.id === this.selectedId) ?? targets[0];
  }

  select(target: TargetInfo | undefined): void {
    if (target?.id === this.selectedId) return;
    this.selectedId = target?.id;
    this.selectionEmitter.fire(target);
  }

  async target(id: string): Promise<TargetInfo | undefined> {
    return (await this.devices.list()).find((t) => t.id === id);
  }

  /** The class tree of one device, shared by the Devices and Classes views. */
  classTree(targetId: string): ClassTree {
    let tree = this.classTrees.get(targetId);
    if (!tree) {
      tree = new ClassTree(this.request, targetId, {
        pageSize: readConfig().enumerationPageSize,
        filter: () => this.filterText,
        withProgress: this.enumerationProgress,
        idPrefix: `device:${targetId}/classes`,
        probe: { withProgress: this.probeProgress, label: () => this.devices.known.find((t) => t.id === targetId)?.label ?? targetId },
      });
      this.classTrees.set(targetId, tree);
    }
    return tree;
  }

  /** Forgets a removed device's state; the views then show the first device (see reselect). */
  forget(targetId: string): void {
    this.classTrees.delete(targetId);
    if (this.selectedId === targetId) this.selectedId = undefined;
  }

  /** After the device list changed: the views show the selected device, or the first if it is gone. */
  async reselect(): Promise<void> {
    const target = await this.selected();
    if (target?.id !== this.selectedId) this.select(target);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    void vscode.commands.executeCommand('setContext', 'amt.classFilter', this.filterText);
    for (const tree of this.classTrees.values()) tree.filterChanged();
    this.filterEmitter.fire(this.filterText);
  }

  /** Large enumerations show a cancellable notification after the first page. */
  private readonly enumerationProgress: WithProgress = (title, work) =>
    Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return work((count) => progress.report({ message: `${count} instances so far` }), controller.signal);
    }));

  /** The probe of served classes shows in the Classes view's progress bar, and the schema rows count. */
  private readonly probeProgress: ProbeProgress = (title, work) =>
    Promise.resolve(vscode.window.withProgress({ location: { viewId: 'amt.classes' }, title }, () => work(() => undefined, new AbortController().signal)));

  /** Like `request`, and the backend is told to stop when the token fires (e.g. a progress notification's Cancel). */
  requestCancellable<P, R>(type: RequestType<P, R, void>, params: P, token: vscode.CancellationToken): Promise<R> {
    return this.send(type, params, token);
  }

  private async send<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    this.track(+1);
    try {
      return await this.sendWithCredentials(type, params, true, token);
    } finally {
      this.track(-1);
    }
  }

  private async sendWithCredentials<P, R>(type: RequestType<P, R, void>, params: P, mayAsk: boolean, token?: vscode.CancellationToken): Promise<R> {
    const targetId = (params as { targetId?: unknown } | undefined)?.targetId;
    const target = typeof targetId === 'string' && type.method !== Requests.removeTarget.method ? await this.target(targetId).catch(() => undefined) : undefined;
    const credentials = target ? await this.secrets.credentialsFor(target) : undefined;
    try {
      return await this.client.sendRequest(type, (credentials ? { ...params, credentials } : params) as P, token);
    } catch (err) {
      if (mayAsk && !token?.isCancellationRequested && (target?.kind === 'remote' || target?.kind === 'mps') && PASSWORD_CODES.has(errorCode(err) ?? '') && (await this.askPassword(target, errorCode(err)!))) {
        return this.sendWithCredentials(type, params, false, token);
      }
      throw err;
    }
  }

  /**
   * Asks for the device's password (the Power view's and status bar's "wrong password — enter it
   * again" action); true when one was entered. Its next request sends it.
   */
  async enterPassword(targetId: string): Promise<boolean> {
    const target = await this.target(targetId);
    if (!target || (target.kind !== 'remote' && target.kind !== 'mps')) return false;
    return this.askPassword(target, target.state === 'wrong-password' ? 'auth.failed' : 'auth.missing');
  }

  /** One prompt per device at a time, however many requests failed for want of its password. */
  private askPassword(target: TargetInfo, code: string): Promise<boolean> {
    let prompt = this.passwordPrompts.get(target.id);
    if (!prompt) {
      prompt = (async () => {
        const password = await vscode.window.showInputBox({
          title: `AMT password for ${target.user ?? 'admin'} on ${target.label}`,
          prompt: code === 'auth.failed' || code === 'auth.rejected' ? 'The device refused the stored password, so it is not sent again. Enter it again (kept in VS Code secret storage).' : 'Kept in VS Code secret storage, never in settings.',
          password: true,
          ignoreFocusOut: true,
        });
        if (password === undefined || password === '') return false;
        await this.secrets.store(target, password);
        return true;
      })().finally(() => this.passwordPrompts.delete(target.id));
      this.passwordPrompts.set(target.id, prompt);
    }
    return prompt;
  }

  private track(delta: number): void {
    const wasBusy = this.pending > 0;
    this.pending += delta;
    if (wasBusy !== this.pending > 0) this.busyEmitter.fire(this.pending > 0);
  }
}
