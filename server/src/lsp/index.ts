/**
 * The `wsman` language on an LSP connection: completion, hover, diagnostics, quick fixes, code
 * lenses, symbols, folding, formatting, and the `amt/wsman/send` / `amt/wsman/render` /
 * `amt/wsman/newRequest` requests.
 *
 * main.ts owns `onInitialize`; it merges `capabilities` from the returned object into its
 * InitializeResult. Only documents with languageId `wsman` (or a `.wsman` URI) are served, so the
 * connection can carry other languages too.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TextDocumentSyncKind, type Connection, type ServerCapabilities, type TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../catalog/catalog';
import { AmtError, describeError } from '../errors';
import { WsmanRequests, type Credentials, type TargetInfo } from '../protocol';
import { codeActions } from './codeActions';
import { codeLenses } from './codeLens';
import { complete } from './completion';
import { diagnose } from './diagnostics';
import { parseWsmanFile, WsmanFileCache, type WsmanFile } from './document';
import { foldingRanges } from './folding';
import { formatDocument } from './formatting';
import { newRequest } from './generate';
import { handleRequest } from './handle';
import { hover } from './hover';
import { renderForClient, sendWsmanRequest, type RawSender } from './send';
import { documentSymbols } from './symbols';

export interface WsmanLanguageDeps {
  catalog: Catalog;
  /** A connected client for a target (main.ts: `registry.connect`). Without it, `amt/wsman/send` is not served. */
  connect?(targetId: string, credentials: Credentials | undefined, signal: AbortSignal): Promise<RawSender>;
  /** A target's description (main.ts: `registry.info`); its URL feeds `{{$target}}` and the command lines. */
  targetInfo?(targetId: string): TargetInfo | Promise<TargetInfo>;
  /** Reads a document the editor does not have open; defaults to reading `file:` URIs from disk. */
  readDocument?(uri: string): Promise<string>;
}

export interface WsmanLanguage {
  /** Merge into the InitializeResult's capabilities. */
  capabilities: ServerCapabilities;
  /** Re-validates every open .wsman document (e.g. after the catalog changed). */
  revalidateAll(): void;
}

/** Characters that open a completion context: tags, attribute values, namespaces, `{{`, paths in URIs. */
const TRIGGERS = ['<', '"', "'", ':', '{', '/'];

export function isWsmanDocument(doc: { uri: string; languageId: string }): boolean {
  return doc.languageId === 'wsman' || doc.uri.toLowerCase().endsWith('.wsman');
}

export function registerWsmanLanguage(connection: Connection, documents: TextDocuments<TextDocument>, deps: WsmanLanguageDeps): WsmanLanguage {
  const cache = new WsmanFileCache();
  const { catalog } = deps;
  const fileOf = (uri: string): { doc: TextDocument; file: WsmanFile } | undefined => {
    const doc = documents.get(uri);
    return doc && isWsmanDocument(doc) ? { doc, file: cache.get(doc) } : undefined;
  };

  const validate = (doc: TextDocument) => {
    if (!isWsmanDocument(doc)) return;
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnose(doc, cache.get(doc), catalog) });
  };
  documents.onDidChangeContent((e) => validate(e.document));
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    if (isWsmanDocument(e.document)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? { isIncomplete: false, items: complete(f.doc, f.file, f.doc.offsetAt(p.position), catalog) } : null;
  });
  connection.onHover((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? hover(f.doc, f.file, f.doc.offsetAt(p.position), catalog) : null;
  });
  connection.onCodeAction((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? codeActions(f.doc, f.file, p) : null;
  });
  connection.onCodeLens((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? codeLenses(f.doc, f.file) : null;
  });
  connection.onDocumentSymbol((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? documentSymbols(f.doc, f.file, catalog) : null;
  });
  connection.onFoldingRanges((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? foldingRanges(f.doc, f.file) : null;
  });
  connection.onDocumentFormatting((p) => {
    const f = fileOf(p.textDocument.uri);
    return f ? formatDocument(f.doc, f.file, p.options) : null;
  });

  const load = async (uri: string): Promise<WsmanFile> => {
    const open = documents.get(uri);
    if (open) return cache.get(open);
    const read = deps.readDocument ?? ((u: string) => readFile(fileURLToPath(u), 'utf8'));
    try {
      return parseWsmanFile(await read(uri));
    } catch (err) {
      throw new AmtError('wsman.no-document', `Cannot read ${uri} (${describeError(err)}); open or save the file and try again.`, { cause: err });
    }
  };

  handleRequest(connection, WsmanRequests.render, async (p) => {
    const target = p.targetId && deps.targetInfo ? await deps.targetInfo(p.targetId) : undefined;
    return renderForClient(await load(p.uri), p.requestIndex, target, p.variables);
  });
  handleRequest(connection, WsmanRequests.send, async (p, signal) => {
    if (!deps.connect || !deps.targetInfo) throw new AmtError('wsman.no-targets', 'This backend has no devices to send to; start AMT Workbench with its target registry.');
    const file = await load(p.uri);
    const client = await deps.connect(p.targetId, p.credentials, signal);
    // Ask for the description after connecting: the embedded simulator's URL is known only once it runs.
    const target = await deps.targetInfo(p.targetId);
    return sendWsmanRequest(client, file, p, target, signal);
  });
  handleRequest(connection, WsmanRequests.newRequest, async (p) => newRequest(catalog, p));

  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: TRIGGERS, resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      foldingRangeProvider: true,
    },
    revalidateAll: () => documents.all().forEach(validate),
  };
}
