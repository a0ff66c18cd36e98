/**
 * Backend entry: an LSP server (stdio or IPC, as vscode-languageclient starts it). It wires the
 * wsman language (lsp/) and the protocol's requests (handlers/) onto one connection; every
 * request goes through lsp/handle.ts, which turns errors into one-sentence ResponseErrors.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Notifications, type InitializationOptions } from './protocol';
import { Catalog } from './catalog/catalog';
import { TargetRegistry } from './targets/registry';
import { registerWsmanLanguage } from './lsp';
import { handleRequest } from './lsp/handle';
import { registerHandlers } from './handlers';

/**
 * Wires one backend onto one connection. Everything the backend holds (settings from initialize,
 * the target registry) lives in this call, not in module state.
 */
function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);

  let requestTimeoutMs = 30_000;
  let traceEnabled = false;

  const registry = new TargetRegistry({
    simulator: process.env.AMT_WORKBENCH_SIMULATOR !== '0',
    timeoutMs: () => requestTimeoutMs,
    onChange: (change) => void connection.sendNotification(Notifications.targetChanged, change),
    trace: (targetId, direction, text) => {
      if (traceEnabled) void connection.sendNotification(Notifications.trace, { targetId, direction, text });
    },
  });

  const wsman = registerWsmanLanguage(connection, documents, {
    catalog: Catalog.default(),
    connect: (id, credentials, signal) => registry.connect(id, credentials, signal),
    targetInfo: (id) => registry.info(id),
  });

  const handlers = registerHandlers({
    handle: (type, fn) => handleRequest(connection, type, fn),
    notify: (type, params) => void connection.sendNotification(type, params),
    onNotification: (type, fn) => void connection.onNotification(type, fn),
    registry,
  });

  connection.onInitialize((params) => {
    const opts = (params.initializationOptions ?? {}) as InitializationOptions;
    if (opts.requestTimeoutSeconds && opts.requestTimeoutSeconds > 0) requestTimeoutMs = opts.requestTimeoutSeconds * 1000;
    traceEnabled = opts.trace !== undefined && opts.trace !== 'off';
    handlers.configure(opts);
    return { capabilities: { ...wsman.capabilities, textDocumentSync: TextDocumentSyncKind.Incremental } };
  });

  connection.onShutdown(async () => {
    await handlers.dispose();
    await registry.dispose();
  });
  documents.listen(connection);
  connection.listen();
}

startServer();
