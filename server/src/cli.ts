/**
 * `amtwb`: the backend from a terminal, for scripts and CI. Argument parsing is in cli/args.ts,
 * text formatting in cli/format.ts; this file wires a command to targets/ and features/ and turns
 * every error into one line on stderr (`amtwb: <sentence>`). See `amtwb --help`.
 */
import { readFile } from 'node:fs/promises';
import { AmtError, describeError } from './errors';
import { Catalog } from './catalog/catalog';
import { isLocalTarget, parseCommandLine, USAGE, type Invocation } from './cli/args';
import { runInfo, runLms } from './cli/local';
import { activationCommand, runActivationCli } from './cli/activation';
import { splitFeatureCommand, type SplitCommand } from './cli/feature-commands';
import { snapshotNeedsDevice } from './cli/snapshot';
import { attachSimWatchdog } from './cli/sim-watchdog';
import { isUsageError, usageError } from './cli/usage';
import * as fmt from './cli/format';
import { TargetRegistry, DEFAULT_SIM_ID } from './targets/registry';
import { devicePowerAction, devicePowerState, identifyDevice, isLegacyIdentify } from './features/legacy';
import { legacyRows } from './features/legacy/render';
import { instanceToJson, eprToJson, putFromXml, valueToJson, type JsonValue } from './features/instances';
import { buildMethodInput, buildSelectors } from './features/instances';
import { startSimulator, DEFAULT_ACCOUNT, describeRedirectionEntry, type RedirectionEntry } from './sim';
import { openStateFile } from './sim/state-file';
import { WsmanFaultError, type WsmanClient } from './wsman';
import { redirectionTarget } from './targets/redirection';
import type { RedirectionTarget } from './features/redirection/connect';
import { fleetCommand, mpsTargetSpec } from './cli/fleet';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text === '') resolve();
    else stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve());
  });
}

/** The one line a user sees for an error: never multi-line, never the password. */
function errorLine(err: unknown, password: string | undefined): string {
  let text = describeError(err).replace(/\s*\r?\n\s*/g, ' ').trim();
  if (password) text = text.split(password).join('[redacted]');
  return `amtwb: ${text}`;
}

async function runSim(inv: Invocation & { command: { name: 'sim' } }): Promise<number> {
  const { host, port, mei } = inv.command;
  const stateFile = inv.command.state !== undefined ? await openStateFile(inv.command.state) : undefined;
  const sim = await startSimulator({
    ...(stateFile?.uuid ? { uuid: stateFile.uuid } : {}),
    host,
    port,
    user: inv.command.user ?? DEFAULT_ACCOUNT.user,
    // AMT_PASSWORD as for URL targets, so the password need not be on the command line (/proc).
    password: inv.command.password ?? (process.env.AMT_PASSWORD || DEFAULT_ACCOUNT.password),
    ...(inv.command.softwareIdentities !== undefined ? { extraSoftwareIdentities: inv.command.softwareIdentities } : {}),
    ...(mei ? { mei: { path: mei } } : {}),
    model: inv.command.model,
    amt: inv.command.amt,
    ...(inv.command.legacy ? { legacy: inv.command.legacy } : {}),
    ...(inv.command.tlsPort !== undefined ? { tlsPort: inv.command.tlsPort } : {}),
    hostUser: inv.command.hostUser,
    hostPassword: inv.command.hostPassword,
    // AMT's 16994/16995 by default; with --port 0 (tests, several simulators) any free ports.
    redirectionPort: inv.command.redirectionPort ?? (port === 0 ? 0 : 16994),
    redirectionTlsPort: inv.command.redirectionTlsPort ?? (port === 0 ? 0 : 16995),
    redirectionBasicAuth: inv.command.redirectionBasicAuth,
    ...(inv.command.rfbPort !== undefined ? { rfbPort: inv.command.rfbPort } : {}),
    hostTraffic: true,
    ...(inv.command.unprovisioned ? { unprovisioned: true } : {}),
    ...(inv.command.trustRoots ? { trustedRoots: inv.command.trustRoots.map((hash, i) => ({ name: `Trusted root ${i + 1}`, hash })) } : {}),
  }).catch((err: NodeJS.ErrnoException & { port?: number }) => {
    if (err?.code === 'EADDRINUSE' && err.port !== undefined && err.port !== port) {
      const option = err.port === (inv.command.redirectionPort ?? 16994) ? '--redirection-port' : err.port === (inv.command.redirectionTlsPort ?? 16995) ? '--redirection-tls-port' : '--tls-port';
      throw new AmtError('sim.start', `Port ${err.port} on ${host} is already in use; pick another with ${option}, or ${option} 0 for any free port.`);
    }
    if (err?.code === 'EADDRINUSE') throw new AmtError('sim.start', `Port ${port} on ${host} is already in use; pick another with --port, or --port 0 for any free port.`);
    if (err?.code === 'EACCES') throw new AmtError('sim.start', `Listening on port ${port} of ${host} is not permitted; pick a port above 1023 with --port.`);
    if (err?.code === 'ENOTFOUND' || err?.code === 'EADDRNOTAVAIL' || err?.code === 'EAI_AGAIN') {
      throw new AmtError('sim.start', `${host} is not an address of this machine; give --host 127.0.0.1, 0.0.0.0 or one of this machine's addresses.`);
    }
    throw err;
  });
  const state = stateFile?.attach(sim.device, { onError: (err) => void write(process.stderr, `amtwb: ${err.message}`) });
  const shownHost = sim.host.includes(':') ? `[${sim.host}]` : sim.host;
  await write(process.stdout, inv.command.legacy ? `listening on http://${shownHost}:${sim.port} (AMT 5.0 legacy SOAP services, no /wsman)` : `listening on http://${shownHost}:${sim.port}/wsman`);
  if (sim.tlsPort !== undefined) await write(process.stdout, `listening on https://${shownHost}:${sim.tlsPort}/wsman`);
  if (sim.redirectionPort !== undefined) await write(process.stdout, `redirection on ${shownHost}:${sim.redirectionPort}`);
  if (sim.rfb?.port !== undefined) await write(process.stdout, `RFB (port 5900's role) on ${shownHost}:${sim.rfb.port}`);
  if (sim.redirectionTlsPort !== undefined) await write(process.stdout, `redirection over TLS on ${shownHost}:${sim.redirectionTlsPort}`);
  // Each redirection session's start, end and refusal, with why (never a credential).
  sim.device.on('redirection', (e: RedirectionEntry) => void write(process.stdout, describeRedirectionEntry(e)));
  if (sim.mei) await write(process.stdout, `MEI device at ${sim.mei.path}`);
  const watchdog = await attachSimWatchdog(sim, { watchdog: inv.command.watchdog, timeScale: inv.command.timeScale }, (t) => write(process.stdout, t)).catch(async (err) => {
    await sim.close();
    throw err;
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await watchdog.close();
  await state?.close();
  await sim.close();
  return EXIT_OK;
}

/** Runs a watchdog/log/events/agent command (cli/feature-commands.ts) with Ctrl-C as its stop signal. */
async function runFeature(feature: SplitCommand, inv: Invocation, client: WsmanClient | undefined, targetUrl?: string, redirection?: RedirectionTarget): Promise<number> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await feature.run(feature.args, {
      out: (t) => write(process.stdout, t),
      err: (t) => write(process.stderr, t),
      connect: async () => client ?? Promise.reject(new AmtError('usage', `"${feature.name}" does not talk to a device.`)),
      target: inv.target,
      ...(inv.meiPath ? { meiPath: inv.meiPath } : {}),
      ...(targetUrl ? { targetUrl } : {}),
      ...(redirection ? { redirection } : {}),
      ...(inv.user || !isLocalTarget(inv.target) ? { user: inv.user ?? DEFAULT_ACCOUNT.user } : {}),
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

async function runDevice(inv: Invocation, out: (text: string) => Promise<void>, feature?: SplitCommand): Promise<number> {
  const catalog = Catalog.default();
  const cmd = inv.command;

  if (cmd.name === 'classes') {
    const list = catalog.listClasses();
    await out(inv.output === 'json' ? JSON.stringify(list, null, 2) : fmt.formatClasses(list));
    return EXIT_OK;
  }

  // Raw response envelopes for --xml, and the --trace stream, both come from the client's trace.
  const envelopes: string[] = [];
  const trace = (_id: string, direction: 'request' | 'response', text: string, layer: 'http' | 'apf' | 'mei' = 'http') => {
    if (layer !== 'http') {
      if (inv.trace) process.stderr.write(`${text}\n`); // APF / MEI: one line per message
      return;
    }
    if (inv.trace) process.stderr.write(`${direction === 'request' ? '>>> request' : '<<< response'}\n${text.replace(/\r\n/g, '\n')}\n\n`);
    if (direction === 'response') {
      const split = text.indexOf('\r\n\r\n');
      const body = split >= 0 ? text.slice(split + 4).trim() : '';
      if (body.startsWith('<') && /Envelope/.test(body)) envelopes.push(body);
    }
  };

  const isSim = inv.target === 'sim';
  const registry = new TargetRegistry({
    simulator: isSim ? { port: 0 } : false,
    ...(inv.timeoutMs ? { timeoutMs: inv.timeoutMs } : {}),
    ...(inv.trace || inv.output === 'xml' ? { trace } : {}),
  });
  const printEnvelopes = () => out(envelopes.join('\n'));
  try {
    let targetId = DEFAULT_SIM_ID;
    const user = inv.user ?? DEFAULT_ACCOUNT.user;
    let password = inv.password;
    const local = isLocalTarget(inv.target);
    if (local) {
      // Without a password: AMT's local system account, read from AMTHI by the target.
      password ??= process.env.AMT_PASSWORD;
      if (inv.user && !password) {
        throw usageError(`No password was given for user "${inv.user}"; pass --password (or set AMT_PASSWORD), or leave out --user to use AMT's local system account.`);
      }
      const ca = inv.caFile ? await readCa(inv.caFile) : undefined;
      targetId = registry.add({
        kind: inv.target as 'local' | 'lms' | 'auto',
        ...(inv.meiPath ? { meiPath: inv.meiPath } : {}),
        ...(inv.user ? { user: inv.user } : {}),
        ...(inv.insecureFingerprint || ca ? { tls: true } : {}),
        ...(inv.insecureFingerprint ? { trustedFingerprint256: inv.insecureFingerprint } : {}),
        ...(ca ? { ca } : {}),
      }).id;
    } else if (/^mps:\/\//i.test(inv.target)) {
      // A device behind Intel's MPS: WS-Man and redirection through its relay (cli/fleet.ts).
      password ??= process.env.AMT_PASSWORD;
      targetId = registry.add(mpsTargetSpec(inv.target, inv.user)).id;
      if (!password) {
        throw usageError(`No password was given for user "${user}"; pass --password or set the AMT_PASSWORD environment variable (WS-Man through MPS logs on to the device itself).`);
      }
    } else if (!isSim) {
      password ??= process.env.AMT_PASSWORD;
      const ca = inv.caFile ? await readCa(inv.caFile) : undefined;
      targetId = registry.add({
        kind: 'remote',
        url: inv.target,
        user,
        ...(inv.insecureFingerprint ? { trustedFingerprint256: inv.insecureFingerprint } : {}),
        ...(ca ? { ca } : {}),
      }).id;
      if (!password) {
        throw usageError(`No password was given for user "${user}"; pass --password or set the AMT_PASSWORD environment variable.`);
      }
    }
    // The embedded simulator's own account is the default; --user/--password override it.
    const client = local
      ? await registry.connect(targetId, password ? { user, password } : undefined)
      : await registry.connect(targetId, { user, ...(password !== undefined ? { password } : {}) });
    const redirection = redirectionTarget(registry, targetId, local ? (password ? { user, password } : undefined) : { user, ...(password !== undefined ? { password } : {}) });
    if (feature) return await runFeature(feature, inv, client, registry.info(targetId).url, redirection);

    const className = (name: string) => canonicalClass(catalog, name);
    try {
      switch (cmd.name) {
        case 'identify': {
          const id = await identifyDevice(client);
          const text = isLegacyIdentify(id) ? `${id.legacy.summary}\n${fmt.formatRows([...legacyRows(id.legacy), ...(id.server ? [['Server', id.server] as const] : [])])}` : fmt.formatIdentify(id);
          await (inv.output === 'json' ? out(JSON.stringify(id, null, 2)) : inv.output === 'xml' ? printEnvelopes() : out(text));
          break;
        }
        case 'get': {
          const cls = className(cmd.className);
          const inst = await client.get(cls, fromCommandLine(() => buildSelectors(catalog, cls, cmd.selectors)));
          await (inv.output === 'json' ? out(JSON.stringify(instanceToJson(inst), null, 2)) : inv.output === 'xml' ? printEnvelopes() : out(fmt.formatInstance(inst, catalog)));
          break;
        }
        case 'enumerate': {
          const cls = className(cmd.className);
          const items = await client.enumerateAll(cls);
          if (inv.output === 'json') {
            const docs: JsonValue[] = items.map((i) => (i.instance ? instanceToJson(i.instance) : i.epr ? eprToJson(i.epr) : null));
            await out(JSON.stringify(docs, null, 2));
          } else if (inv.output === 'xml') await printEnvelopes();
          else await out(fmt.formatItems(items, catalog));
          break;
        }
        case 'put': {
          const cls = className(cmd.className);
          const xml = await readFile(cmd.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
            throw usageError(`Cannot read ${cmd.file} (${err.code ?? err.message}); check the path given with --file.`, err);
          });
          const sel = fromCommandLine(() => buildSelectors(catalog, cls, cmd.selectors));
          const inst = await putFromXml(client, cls, xml, Object.keys(sel).length ? sel : undefined, {}, cmd.file);
          if (inv.output === 'json') await out(JSON.stringify(inst ? instanceToJson(inst) : null, null, 2));
          else if (inv.output === 'xml') await printEnvelopes();
          else await out(inst ? fmt.formatInstance(inst, catalog) : 'The device accepted the instance and returned no body.');
          break;
        }
        case 'invoke': {
          const cls = className(cmd.className);
          const input = fromCommandLine(() => buildMethodInput(catalog, cls, cmd.method, cmd.params));
          const selectors = fromCommandLine(() => buildSelectors(catalog, cls, cmd.selectors));
          const method = catalog.method(cls, cmd.method)?.name ?? cmd.method;
          const result = await client.invoke(cls, method, input, selectors);
          if (inv.output === 'json') {
            const output: Record<string, JsonValue> = {};
            for (const [k, v] of Object.entries(result.output)) output[k] = valueToJson(v);
            await out(JSON.stringify({ returnValue: result.returnValue, returnMeaning: result.returnMeaning, output }, null, 2));
          } else if (inv.output === 'xml') await printEnvelopes();
          else await out(fmt.formatInvoke(result, cls, method, catalog));
          break;
        }
        case 'power-status': {
          const state = await devicePowerState(client);
          await (inv.output === 'json' ? out(JSON.stringify(state, null, 2)) : inv.output === 'xml' ? printEnvelopes() : out(fmt.formatPowerState(state)));
          break;
        }
        case 'power': {
          const result = await devicePowerAction(client, cmd.action, { readBack: inv.output !== 'xml' });
          await (inv.output === 'json' ? out(JSON.stringify(result, null, 2)) : inv.output === 'xml' ? printEnvelopes() : out(fmt.formatPowerAction(result)));
          break;
        }
        default:
          throw new AmtError('usage', `"${cmd.name}" cannot run against a device.`);
      }
    } catch (err) {
      // With --xml the fault envelope is the answer asked for; print it before the error line.
      if (inv.output === 'xml' && err instanceof WsmanFaultError && envelopes.length) await printEnvelopes();
      throw withClassHint(err, catalog, cmd);
    }
    return EXIT_OK;
  } finally {
    await registry.dispose();
  }
}

/**
 * Runs a conversion of --selector / --param text (checked against the catalog): what it refuses
 * is a mistake on the command line, exit status 2 as --help says, not a device failure.
 */
function fromCommandLine<T>(convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    throw err instanceof AmtError && !isUsageError(err) ? usageError(err.message, err) : err;
  }
}

/** The catalog's spelling of a class name (any case, or a resource URI); unknown names pass through. */
function canonicalClass(catalog: Catalog, name: string): string {
  const found = catalog.findClass(name);
  if (found.match) return found.match.name;
  if (/^https?:\/\//i.test(name) || /^(AMT|CIM|IPS)_/i.test(name)) return name;
  const hint = found.suggestions.length ? ` (did you mean ${found.suggestions.slice(0, 3).join(', ')}?)` : '';
  throw new AmtError('usage', `"${name}" is not a class name; give an AMT_, CIM_ or IPS_ class or its full resource URI${hint}.`);
}

/** Adds catalog suggestions to a "no such class" fault for a name the catalog does not know. */
function withClassHint(err: unknown, catalog: Catalog, cmd: Invocation['command']): unknown {
  if (!(err instanceof WsmanFaultError) || err.subcode !== 'DestinationUnreachable' || !('className' in cmd)) return err;
  const found = catalog.findClass(cmd.className);
  if (found.match || found.suggestions.length === 0) return err;
  const hint = ` ("${cmd.className}" is not in the class catalog; did you mean ${found.suggestions.slice(0, 3).join(', ')}?)`;
  const msg = err.message.endsWith('.') ? `${err.message.slice(0, -1)}${hint}.` : `${err.message}${hint}`;
  return new AmtError(err.code, msg, { cause: err });
}

async function readCa(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`Cannot read the CA file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path given with --ca.`, err);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let inv: Invocation;
  const fleet = fleetCommand(argv);
  if (fleet) return runFleetCommand(fleet);
  // watchdog / log / events / agent parse their own arguments; the global options go through the
  // common parser with a stand-in command so target and credentials are checked the same way.
  // activate / deactivate / configure / status --local: the local agent parses its own arguments.
  if (activationCommand(argv) && !argv.includes('--help') && !argv.includes('-h')) {
    return runActivationCli(argv, { out: (t) => write(process.stdout, t), err: (t) => write(process.stderr, t), env: process.env });
  }
  const feature = splitFeatureCommand(argv);
  try {
    inv = parseCommandLine(feature ? [...feature.globals, feature.name === 'watchdog' ? 'classes' : 'identify'] : argv);
  } catch (err) {
    await write(process.stderr, errorLine(err, undefined));
    return EXIT_USAGE;
  }
  if (inv.command.name === 'help') {
    await write(process.stdout, USAGE);
    return EXIT_OK;
  }
  const secret = inv.password ?? (inv.target !== 'sim' || inv.command.name === 'sim' ? process.env.AMT_PASSWORD : undefined);
  try {
    if (inv.command.name === 'sim') return await runSim(inv as Invocation & { command: { name: 'sim' } });
    if (inv.command.name === 'lms') return await runLms(inv as Invocation & { command: { name: 'lms' } }, (text) => write(process.stdout, text));
    if (inv.command.name === 'info') return await runInfo(inv, (text) => write(process.stdout, text));
    if (feature?.name === 'watchdog') return await runFeature(feature, inv, undefined);
    if (feature?.name === 'snapshot' && !snapshotNeedsDevice(feature.args)) return await runFeature(feature, inv, undefined);
    return await runDevice(inv, (text) => write(process.stdout, text), feature);
  } catch (err) {
    await write(process.stderr, errorLine(err, secret));
    return isUsageError(err) ? EXIT_USAGE : EXIT_FAILED;
  }
}

/** `amtwb fleet …` and `amtwb sim --fleet N …` (cli/fleet.ts); Ctrl-C cancels. */
async function runFleetCommand(run: NonNullable<ReturnType<typeof fleetCommand>>): Promise<number> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await run({ out: (t) => write(process.stdout, t), err: (t) => write(process.stderr, t), signal: stop.signal });
  } catch (err) {
    await write(process.stderr, errorLine(err, process.env.AMT_MPS_PASSWORD));
    return isUsageError(err) ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

// Run when executed (dist/cli.js as the amtwb bin, or the source through tsx).
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`amtwb: ${describeError(err)}\n`);
      process.exit(EXIT_FAILED);
    },
  );
}
