/**
 * A real LSP session for the wsman language tests: the server side is the product's
 * `registerWsmanLanguage` on a `vscode-languageserver` connection, the client side a
 * `vscode-jsonrpc` connection, joined by in-memory streams. Tests talk LSP methods only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Position,
  PublishDiagnosticsParams,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Catalog } from '../../../server/src/catalog/catalog';
import { registerWsmanLanguage, type WsmanLanguageDeps } from '../../../server/src/lsp/index';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/wsman');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** `text` with one `‸` marking the cursor → the text without it and the cursor's position. */
export function withCursor(marked: string): { text: string; position: Position; offset: number } {
  const offset = marked.indexOf('‸');
  if (offset < 0) throw new Error('no ‸ cursor marker in the test text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, offset, position: TextDocument.create('x', 'wsman', 0, text).positionAt(offset) };
}

/** The position `delta` characters after the n-th occurrence of `needle`. */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 0): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found in the test text`);
  }
  return TextDocument.create('x', 'wsman', 0, text).positionAt(at + delta);
}

export class Session {
  private version = 0;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly client: MessageConnection,
    private readonly close: () => void,
  ) {
    client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push(p);
      this.diagnostics.set(p.uri, list);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  /** Opens a document and waits for its diagnostics. */
  async open(name: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = `file:///workspace-under-test/${name}`;
    const version = ++this.version;
    await this.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'wsman', version, text } });
    return { uri, diagnostics: await this.diagnosticsFor(uri, version) };
  }

  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = ++this.version;
    await this.client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return this.diagnosticsFor(uri, version);
  }

  private async diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = this.diagnostics.get(uri)?.find((p) => p.version === version);
      if (hit) return hit.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics published for ${uri} version ${version}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = (await this.client.sendRequest('textDocument/completion', { textDocument: { uri }, position })) as CompletionList | CompletionItem[] | null;
    return r === null ? [] : Array.isArray(r) ? r : r.items;
  }

  async hover(uri: string, position: Position): Promise<string> {
    const r = (await this.client.sendRequest('textDocument/hover', { textDocument: { uri }, position })) as Hover | null;
    if (!r) return '';
    const c = r.contents;
    return typeof c === 'string' ? c : 'value' in c ? c.value : c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  }

  async codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]!.range;
    return ((await this.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } })) as CodeAction[] | null) ?? [];
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return ((await this.client.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[] | null) ?? [];
  }

  async symbols(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.client.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[] | null) ?? [];
  }

  async folding(uri: string): Promise<FoldingRange[]> {
    return ((await this.client.sendRequest('textDocument/foldingRange', { textDocument: { uri } })) as FoldingRange[] | null) ?? [];
  }

  async format(uri: string): Promise<TextEdit[]> {
    return ((await this.client.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[] | null) ?? [];
  }

  dispose(): void {
    this.close();
  }
}

/** Starts the wsman language server in-process and initializes an LSP session with it. */
export async function startSession(deps: Partial<WsmanLanguageDeps> = {}): Promise<Session> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // Message reader/writer rather than raw streams: given streams, vscode-languageserver exits the
  // process when its input ends, which would end the test run.
  const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const documents = new TextDocuments(TextDocument);
  const language = registerWsmanLanguage(server, documents, { catalog: Catalog.default(), ...deps });
  server.onInitialize(() => ({ capabilities: language.capabilities }));
  documents.listen(server);
  server.listen();

  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.listen();
  const session = new Session(client, () => {
    client.dispose();
    server.dispose();
  });
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  await client.sendNotification('initialized', {});
  return session;
}

/** Applies LSP text edits to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'wsman', 0, text), edits);
}
