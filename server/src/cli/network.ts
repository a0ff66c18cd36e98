/**
 * `amtwb network [tls …]` and `amtwb certs list|add-root|add|keygen|csr|commit` (features/network).
 * Text by default, JSON with --json. Certificates and key pairs are named by their handle (the
 * number in "Handle: N") or their InstanceID. TLS-only on the interface this command uses over
 * plain HTTP asks first on a terminal, or needs --yes in scripts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { AmtError } from '../errors';
import { addCertificate, addTrustedRoot, commitChanges, createCsr, generateKeyPair, listCertificates, readNetwork, setTls, type Route } from '../features/network';
import { certificatesText, networkText } from '../features/network/render';
import type { CliIo } from './feature-commands';
import { confirmOnTerminal } from './secret';
import { parseOwnArgs } from './own-args';
import { usageError } from './usage';

export const NETWORK_USAGE = `  network                                  wired and wireless settings, 802.1x, TLS
  network tls --interface remote|local [--on|--off] [--tls-only|--allow-plain] [--cert N]
                                           stage TLS settings (then: certs commit)
  certs list                               certificates (subject, issuer, validity, SHA-256) and key pairs
  certs add-root FILE.pem                  add a trusted root certificate
  certs add FILE.pem                       add a certificate (e.g. one signed from the device's CSR)
  certs keygen                             generate an RSA 2048 key pair on the device
  certs csr --key N --cn NAME [--org O] [--ou U] [--country CC] [--out FILE]
                                           a certificate request the device signs with key pair N
  certs commit                             apply staged settings (CommitChanges)`;


function routeOf(io: CliIo): Route | undefined {
  if (['local', 'lms', 'auto'].includes(io.target)) return 'plain-local';
  if (io.targetUrl?.startsWith('https:')) return 'tls';
  if (io.targetUrl?.startsWith('http:')) return 'plain-remote';
  return undefined;
}

/** `N` → the InstanceID whose handle is N, among `ids`; an InstanceID as is. */
function byHandle(ids: readonly string[], which: string, what: string): string {
  if (!/^\d+$/.test(which)) return which;
  const id = ids.find((i) => new RegExp(`Handle: ${which}$`).test(i));
  if (!id) throw new AmtError('network.invalid', `The device has no ${what} with handle ${which}; "amtwb certs list" shows the handles.`);
  return id;
}

async function readPem(file: string | undefined, fix: string): Promise<string> {
  if (!file) throw usageError(`Name the PEM file; ${fix}.`);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path.`, err);
  }
}

export async function runNetworkCli(args: readonly string[], io: CliIo): Promise<number> {
  const fix = 'write amtwb network, or amtwb network tls --interface remote|local [--on|--off] [--tls-only|--allow-plain] [--cert N]';
  const { values: v, positionals: pos } = parseOwnArgs(args, {
    json: { type: 'boolean' }, interface: { type: 'string' }, on: { type: 'boolean' }, off: { type: 'boolean' },
    'tls-only': { type: 'boolean' }, 'allow-plain': { type: 'boolean' }, cert: { type: 'string' }, yes: { type: 'boolean' },
  }, fix);
  const json = v.json === true;
  const client = await io.connect();
  if (pos.length === 0) {
    const info = await readNetwork(client, { signal: io.signal });
    await io.out(json ? JSON.stringify(info, null, 2) : networkText(info));
    return 0;
  }
  if (pos[0] !== 'tls' || pos.length > 1) throw usageError(`"network ${pos.join(' ')}" is not a command; ${fix}.`);
  const iface = v.interface;
  if (iface !== 'remote' && iface !== 'local') throw usageError(`"network tls" needs --interface remote or local; ${fix}.`);
  if (v.on && v.off) throw usageError('--on and --off contradict each other; give one.');
  if (v['tls-only'] && v['allow-plain']) throw usageError('--tls-only and --allow-plain contradict each other; give one.');
  let certificate: string | undefined;
  if (v.cert !== undefined) {
    const certs = await listCertificates(client, { signal: io.signal });
    certificate = byHandle(certs.certificates.map((c) => c.instanceId), v.cert as string, 'certificate');
  }
  const change = {
    interface: iface as 'remote' | 'local',
    ...(v.on ? { enabled: true } : v.off ? { enabled: false } : {}),
    ...(v['tls-only'] ? { tlsOnly: true } : v['allow-plain'] ? { tlsOnly: false } : {}),
    ...(certificate ? { certificate } : {}),
  };
  const route = routeOf(io);
  const run = (confirmed: boolean) => setTls(client, change, { signal: io.signal, ...(route ? { route } : {}), ...(confirmed ? { confirmed } : {}) });
  let result;
  try {
    result = await run(v.yes === true);
  } catch (err) {
    if (!(err instanceof AmtError) || err.code !== 'network.lockout' || v.yes) throw err;
    if (!(await confirmOnTerminal(`${err.message} Go on?`))) throw new AmtError('network.lockout', `${err.message.replace(/\.$/, '')}; nothing was changed (pass --yes to go on in a script).`);
    result = await run(true);
  }
  await io.out(json ? JSON.stringify(result, null, 2) : result.message);
  return 0;
}

export async function runCertsCli(args: readonly string[], io: CliIo): Promise<number> {
  const fix = 'write amtwb certs list|add-root FILE|add FILE|keygen|csr --key N --cn NAME|commit';
  const { values: v, positionals: pos } = parseOwnArgs(args, {
    json: { type: 'boolean' }, key: { type: 'string' }, cn: { type: 'string' }, org: { type: 'string' }, ou: { type: 'string' },
    country: { type: 'string' }, out: { type: 'string' }, sha: { type: 'string' },
  }, fix);
  const [what, ...rest] = pos;
  const json = v.json === true;
  const print = (value: { message: string }, text = value.message) => io.out(json ? JSON.stringify(value, null, 2) : text);
  const c = await io.connect();
  const o = { signal: io.signal };
  switch (what ?? 'list') {
    case 'list': {
      const info = await listCertificates(c, o);
      await io.out(json ? JSON.stringify(info, null, 2) : certificatesText(info));
      return 0;
    }
    case 'add-root':
      await print(await addTrustedRoot(c, await readPem(rest[0], fix), o));
      return 0;
    case 'add':
      await print(await addCertificate(c, await readPem(rest[0], fix), o));
      return 0;
    case 'keygen':
      await print(await generateKeyPair(c, o));
      return 0;
    case 'csr': {
      if (!v.key || !v.cn) throw usageError(`"certs csr" needs --key N and --cn NAME; ${fix}.`);
      const keys = (await listCertificates(c, o)).keyPairs.map((k) => k.instanceId);
      const keyPair = byHandle(keys, v.key as string, 'key pair');
      const sha = v.sha === undefined ? 1 : ({ '1': 0, '256': 1, '384': 2 } as Record<string, number>)[v.sha as string];
      if (sha === undefined) throw usageError(`--sha "${String(v.sha)}" is not one AMT signs with; use 1, 256 or 384.`);
      const r = await createCsr(c, keyPair, {
        commonName: v.cn as string, ...(v.org ? { organization: v.org as string } : {}), ...(v.ou ? { organizationalUnit: v.ou as string } : {}),
        ...(v.country ? { country: v.country as string } : {}),
      }, sha, o);
      if (v.out) {
        await writeFile(v.out as string, r.pem);
        await print(r, `${r.message} Written to ${v.out as string}.`);
      } else await print(r, r.pem.trimEnd());
      return 0;
    }
    case 'commit':
      await print(await commitChanges(c, o));
      return 0;
    default:
      throw usageError(`"certs ${what}" is not a command; ${fix}.`);
  }
}
