/**
 * Backend entry: an LSP server (stdio or IPC, as vscode-languageclient starts it) that serves the
 * custom AMT requests declared in protocol.ts. Handlers here are thin: they resolve the target,
 * call into features/ and catalog/, and turn errors into one-sentence ResponseErrors.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type RequestType } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EditorRequests, Notifications, Requests } from './protocol';
import { describeClass, enumeratePage, eventLog, getInstance, instanceXml, invokeMethod, planPut, putXml } from './features/editor';
import { Catalog } from './catalog/catalog';
import { TargetRegistry } from './targets/registry';
import { getPowerState, requestPowerAction } from './features/power';
import { resourceUriFor } from './wsman/namespaces';
import { registerWsmanLanguage } from './lsp';
import { handleRequest, type RequestHandler } from './lsp/handle';
import { registerWatchdogRequests } from './features/watchdogRequests';
import { registerWatchdogView } from './features/watchdogView';

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
    onChange: (targets) => void connection.sendNotification(Notifications.targetsChanged, targets),
    trace: (targetId, direction, text) => {
      if (traceEnabled) void connection.sendNotification(Notifications.trace, { targetId, direction, text });
    },
  });

  const wsman = registerWsmanLanguage(connection, documents, {
    catalog: Catalog.default(),
    connect: (id, credentials, signal) => registry.connect(id, credentials, signal),
    targetInfo: (id) => registry.info(id),
  });

  connection.onInitialize((params) => {
    const opts = (params.initializationOptions ?? {}) as { requestTimeoutSeconds?: number; trace?: string };
    if (opts.requestTimeoutSeconds && opts.requestTimeoutSeconds > 0) requestTimeoutMs = opts.requestTimeoutSeconds * 1000;
    traceEnabled = opts.trace !== undefined && opts.trace !== 'off';
    watchdogView.configure(params.initializationOptions);
    return { capabilities: { ...wsman.capabilities, textDocumentSync: TextDocumentSyncKind.Incremental } };
  });

  /** Registers a handler whose errors reach the client as one sentence plus a machine-readable code (lsp/handle.ts). */
  function handle<P, R>(type: RequestType<P, R, void>, fn: RequestHandler<P, R>): void {
    handleRequest(connection, type, fn);
  }

  handle(Requests.listTargets, () => registry.list());
  handle(Requests.addTarget, (p) =>
    // `local`, `lms` and `auto` name AMT on this machine (targets/local/); anything else is a URL.
    p.url === 'local' || p.url === 'lms' || p.url === 'auto'
      ? registry.add({ kind: p.url, ...(p.label ? { label: p.label } : {}), ...(p.user ? { user: p.user } : {}) })
      : registry.add({ kind: 'remote', url: p.url, user: p.user, label: p.label, trustedFingerprint256: p.trustedFingerprint256 }),
  );
  handle(Requests.removeTarget, async (p) => {
    await registry.remove(p.targetId);
  });
  handle(Requests.connect, async (p, signal) => {
    await registry.connect(p.targetId, p.credentials, signal);
    return registry.info(p.targetId);
  });
  handle(Requests.identify, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return client.identify({ signal });
  });
  handle(Requests.listClasses, () => Catalog.default().listClasses());
  handle(Requests.enumerate, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return client.enumerateAll(resourceUriFor(p.className), { maxElements: p.maxElements ?? 50 }, { signal });
  });
  handle(Requests.get, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return client.get(resourceUriFor(p.className), p.selectors, { signal });
  });
  handle(Requests.put, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return (await client.put(resourceUriFor(p.className), p.properties, p.selectors, { signal })) ?? null;
  });
  handle(Requests.invoke, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return client.invoke(resourceUriFor(p.className), p.method, p.input, p.selectors, { signal });
  });
  handle(Requests.powerState, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return getPowerState(client, { signal });
  });
  handle(Requests.powerAction, async (p, signal) => {
    const client = await registry.connect(p.targetId, p.credentials, signal);
    return requestPowerAction(client, p.action, { signal });
  });

  handle(EditorRequests.enumeratePage, (p, signal) => enumeratePage(registry, p, signal));
  handle(EditorRequests.getInstance, (p, signal) => getInstance(registry, p, signal));
  handle(EditorRequests.describeClass, (p, signal) => describeClass(registry, p, signal));
  handle(EditorRequests.instanceXml, (p, signal) => instanceXml(registry, p, signal));
  handle(EditorRequests.planPut, (p, signal) => planPut(registry, p, signal));
  handle(EditorRequests.putXml, (p, signal) => putXml(registry, p, signal));
  handle(EditorRequests.invoke, (p, signal) => invokeMethod(registry, p, signal));
  handle(EditorRequests.eventLog, (p, signal) => eventLog(registry, p, signal));

  const watchdogRequests = registerWatchdogRequests({
    handle,
    notify: (type, params) => void connection.sendNotification(type, params),
    connect: (id, credentials, signal) => registry.connect(id, credentials, signal),
  });

  const watchdogView = registerWatchdogView({
    handle,
    notify: (type, params) => void connection.sendNotification(type, params),
    target: (id) => registry.info(id),
    simulator: (id) => registry.simulator(id),
  });

  connection.onShutdown(async () => {
    await watchdogRequests.dispose();
    await watchdogView.dispose();
    await registry.dispose();
  });
  documents.listen(connection);
  connection.listen();
}

startServer();
