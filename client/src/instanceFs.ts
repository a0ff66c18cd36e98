/**
 * Instances as documents. `amt:` is a FileSystemProvider, so an instance opens as an editable XML
 * file and saving it sends Put (after a modal naming the device and the changes, which offers
 * "Show Diff"). `amt-device:` is the read-only instance as the device has it now, the left side of
 * "Compare with Device". `amt-result:` holds read-only reports of method calls.
 */
import * as vscode from 'vscode';
import type { InstanceRef, TargetInfo } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { DEVICE_SCHEME, describeChanges, INSTANCE_SCHEME, InstanceDocuments, instanceUriParts, parseInstanceQuery, type InstanceAddress } from './model/instanceDocument';
import { errorMessage } from './model/request';

export const RESULT_SCHEME = 'amt-result';

interface FileState {
  mtime: number;
  size: number;
}

export class InstanceFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly files = new Map<string, FileState>();
  /** Content a Ctrl+S Put already sent, by URI: the save that follows must not send it again. */
  private readonly applied = new Map<string, { xml: string; deviceXml: string }>();
  readonly docs: InstanceDocuments;

  constructor(
    private readonly ctx: Ctx,
    private readonly onDidPut: (address: InstanceAddress) => void,
  ) {
    this.docs = new InstanceDocuments(ctx.request);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  /**
   * The mtime is stable from the first look until a Put: VS Code refuses to save over a file whose
   * mtime moved since it was read, and re-reading the device on every stat would move it.
   */
  stat(uri: vscode.Uri): vscode.FileStat {
    const state = this.state(uri);
    return { type: vscode.FileType.File, ctime: state.mtime, mtime: state.mtime, size: state.size };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const address = this.address(uri);
    try {
      const bytes = new TextEncoder().encode(await this.docs.read(address));
      this.state(uri).size = bytes.byteLength;
      return bytes;
    } catch (err) {
      throw vscode.FileSystemError.Unavailable(errorMessage(err));
    }
  }

  /**
   * File > Save (and auto-save). Ctrl+S goes through `saveWithPut` instead, which shows a refusal
   * as one toast of ours; here VS Code wraps a thrown error in its own save-failure message.
   */
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const xml = new TextDecoder().decode(content);
    const key = uri.toString();
    const applied = this.applied.get(key);
    if (applied?.xml === xml) {
      // saveWithPut already sent this Put: this save only marks the document clean (never a second Put).
      this.applied.delete(key);
      this.afterPut(uri, xml, applied.deviceXml);
      return;
    }
    const outcome = await this.confirmAndPut(uri, xml, (message) => new vscode.FileSystemError(message));
    if (typeof outcome === 'object') this.afterPut(uri, xml, outcome.deviceXml);
    else if (outcome === 'diff') throw new vscode.FileSystemError('Not saved yet: review the differences with the device, then save again to send Put.');
    if (outcome === 'cancelled') throw new vscode.FileSystemError('Not saved: the Put was cancelled.');
  }

  /**
   * Ctrl+S: plans, confirms and sends the Put, reporting a refusal in one toast of one sentence;
   * only after the device took it is the document saved (marked clean) without sending again.
   * A refused or cancelled Put leaves the edits in the editor.
   */
  async saveWithPut(doc: vscode.TextDocument): Promise<void> {
    const xml = doc.getText();
    let outcome;
    try {
      outcome = await this.confirmAndPut(doc.uri, xml, (message) => new Error(message));
    } catch (err) {
      void vscode.window.showErrorMessage(errorMessage(err));
      return;
    }
    if (outcome === 'diff' || outcome === 'cancelled') return;
    this.applied.set(doc.uri.toString(), { xml, deviceXml: typeof outcome === 'object' ? outcome.deviceXml : xml });
    await doc.save();
  }

  /** Sends the Put after the modal; `{ deviceXml }` is the instance as the device reports it after the Put. */
  private async confirmAndPut(uri: vscode.Uri, xml: string, fail: (message: string) => Error): Promise<{ deviceXml: string } | 'unchanged' | 'diff' | 'cancelled'> {
    const address = this.address(uri);
    const target = await this.ctx.target(address.targetId);
    const device = target?.label ?? address.targetId;
    let changes;
    try {
      changes = await this.docs.plan(address, xml);
    } catch (err) {
      throw fail(errorMessage(err));
    }
    if (changes.length === 0) {
      void vscode.window.showInformationMessage(`${address.className} on ${device} already has these values; nothing was sent.`);
      return 'unchanged';
    }
    const answer = await vscode.window.showWarningMessage(
      `Send Put to ${device}?`,
      { modal: true, detail: `${address.className} — ${changes.length} change${changes.length === 1 ? '' : 's'}:\n${describeChanges(changes)}` },
      'Put',
      'Show Diff',
    );
    if (answer === 'Show Diff') {
      void vscode.commands.executeCommand('amt.compareWithDevice', uri);
      return 'diff';
    }
    if (answer !== 'Put') return 'cancelled';
    let result;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Put ${address.className} to ${device}…` }, () =>
        this.docs.write(address, xml),
      );
    } catch (err) {
      throw fail(`${device} refused the Put: ${errorMessage(err)}`);
    }
    void vscode.window.showInformationMessage(`Put ${address.className} to ${device}: ${describeChanges(result.changes).replace(/\n/g, '; ')}.`);
    this.onDidPut(address);
    // A Put may change what the power views show too (they share one store).
    void this.ctx.power.refresh(address.targetId).catch(() => undefined);
    return { deviceXml: result.xml };
  }

  /**
   * The file's new stat, inside the write VS Code is doing (an mtime moved before its save starts
   * would read as "the file is newer"); then, once VS Code has recorded the save, a change event so
   * the editor shows the instance as the device now reports it (values it normalised included).
   */
  private afterPut(uri: vscode.Uri, xml: string, deviceXml: string): void {
    const state = this.state(uri);
    state.mtime = Date.now();
    state.size = new TextEncoder().encode(xml).byteLength;
    setTimeout(() => {
      state.mtime += 1;
      state.size = new TextEncoder().encode(deviceXml).byteLength;
      this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    }, 300);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Instances cannot be created as folders; use a .wsman Create request.');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Deleting an instance from the editor is not supported; use a .wsman Delete request.');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('An instance document cannot be renamed.');
  }

  private address(uri: vscode.Uri): InstanceAddress {
    try {
      return parseInstanceQuery(uri.query);
    } catch (err) {
      throw vscode.FileSystemError.FileNotFound(errorMessage(err));
    }
  }

  private state(uri: vscode.Uri): FileState {
    const key = uri.toString();
    let s = this.files.get(key);
    if (!s) {
      s = { mtime: Date.now(), size: 0 };
      this.files.set(key, s);
    }
    return s;
  }
}

/** The `amt:` URI of an instance on a device. */
export function instanceUri(target: TargetInfo, ref: InstanceRef, name: string): vscode.Uri {
  const { path, query } = instanceUriParts({ targetId: target.id, className: ref.className, selectors: ref.selectors }, { device: target.label, instance: name });
  return vscode.Uri.from({ scheme: INSTANCE_SCHEME, path, query });
}

/** The read-only device side of an `amt:` document. */
export class DeviceSideProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly docs: InstanceDocuments) {}

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    return this.docs.read(parseInstanceQuery(uri.query)).catch((err) => `<!-- ${errorMessage(err)} -->\n`);
  }

  /** The same path on the device side, read again. */
  deviceUri(uri: vscode.Uri): vscode.Uri {
    const device = uri.with({ scheme: DEVICE_SCHEME });
    this.emitter.fire(device);
    return device;
  }
}

/** Reports of method calls, kept while the extension runs. */
export class ResultDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private count = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** `extension` picks the language the document opens in (`txt`, `xml`). */
  add(name: string, text: string, extension = 'txt'): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${++this.count} ${name.replace(/[/\\]/g, '-')}.${extension}` });
    this.texts.set(uri.path, text);
    return uri;
  }
}
