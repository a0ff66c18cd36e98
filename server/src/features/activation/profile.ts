/**
 * The configuration profile `amtwb configure --profile F.yaml` applies after activation. YAML (the
 * `yaml` package) with a closed set of keys: a typo is an error naming the key, not a silent no-op.
 * Passwords never live in the file: `passwordEnv` names the environment variable that holds one.
 *
 *   network:     { hostName, domainName, wired: { dhcp, ipSync, static: { ip, mask, gateway, dns1, dns2 } } }
 *   redirection: { sol, ider, kvm, listener, userConsent: none | kvm | all }
 *   users:       [ { name, passwordEnv, realms: [numbers], access: local | network | any } ]
 *   cira:        { server, port, user, passwordEnv, cn, rootCertificate: PEM file, trigger: periodic | user | alert }
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { AmtError } from '../../errors';

export interface StaticIp {
  ip: string;
  mask: string;
  gateway?: string;
  dns1?: string;
  dns2?: string;
}

export interface Profile {
  network?: { hostName?: string; domainName?: string; wired?: { dhcp?: boolean; ipSync?: boolean; static?: StaticIp } };
  redirection?: { sol?: boolean; ider?: boolean; kvm?: boolean; listener?: boolean; userConsent?: 'none' | 'kvm' | 'all' };
  users?: { name: string; password: string; realms: number[]; access: 'local' | 'network' | 'any' }[];
  cira?: { server: string; port: number; user: string; password: string; cn?: string; rootCertificate?: string; trigger: 'periodic' | 'user' | 'alert' };
}

class ProfileReader {
  constructor(readonly file: string, readonly env: NodeJS.ProcessEnv) {}

  fail(where: string, what: string): never {
    throw new AmtError('activation.profile', `${this.file}: ${where} ${what}; fix the profile and run configure again.`);
  }

  object(v: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(where, 'must be a mapping of keys to values');
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.fail(`${where}.${k}`, `is not a profile key (${where} takes ${keys.join(', ')})`);
    return v as Record<string, unknown>;
  }

  bool(v: unknown, where: string): boolean | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(where, 'must be true or false');
    return v;
  }

  text(v: unknown, where: string, pattern?: RegExp, shape?: string): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '' || (pattern && !pattern.test(v))) this.fail(where, `must be ${shape ?? 'a non-empty string'}`);
    return v;
  }

  need<T>(v: T | undefined, where: string): T {
    if (v === undefined) this.fail(where, 'is required');
    return v;
  }

  oneOf<T extends string>(v: unknown, where: string, choices: readonly T[]): T | undefined {
    if (v === undefined) return undefined;
    if (!choices.includes(v as T)) this.fail(where, `must be one of ${choices.join(', ')}`);
    return v as T;
  }

  secret(v: unknown, where: string): string {
    const name = this.need(this.text(v, where, /^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable'), where);
    const value = this.env[name];
    if (!value) this.fail(where, `names ${name}, which is not set in the environment (set it to the password; passwords are never written in the profile)`);
    return value;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

export function parseProfile(text: string, file: string, env: NodeJS.ProcessEnv): Profile {
  const r = new ProfileReader(file, env);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new AmtError('activation.profile', `${file} is not valid YAML (${(err as Error).message.split('\n')[0]}); fix it and run configure again.`, { cause: err });
  }
  const top = r.object(doc ?? {}, 'the profile', ['network', 'redirection', 'users', 'cira', 'tls']);
  if (top.tls !== undefined) r.fail('tls', 'is not applied by this version of amtwb configure yet (set TLS up with the TLS commands, then remove the key)');
  const profile: Profile = {};
  if (top.network !== undefined) {
    const n = r.object(top.network, 'network', ['hostName', 'domainName', 'wired']);
    profile.network = {};
    const hostName = r.text(n.hostName, 'network.hostName', /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'a host name (letters, digits, "-")');
    const domainName = r.text(n.domainName, 'network.domainName', HOST, 'a DNS domain name');
    if (hostName) profile.network.hostName = hostName;
    if (domainName) profile.network.domainName = domainName;
    if (n.wired !== undefined) {
      const w = r.object(n.wired, 'network.wired', ['dhcp', 'ipSync', 'static']);
      const wired: NonNullable<NonNullable<Profile['network']>['wired']> = {};
      const dhcp = r.bool(w.dhcp, 'network.wired.dhcp');
      const ipSync = r.bool(w.ipSync, 'network.wired.ipSync');
      if (dhcp !== undefined) wired.dhcp = dhcp;
      if (ipSync !== undefined) wired.ipSync = ipSync;
      if (w.static !== undefined) {
        if (dhcp !== false) r.fail('network.wired.static', 'needs network.wired.dhcp: false');
        const s = r.object(w.static, 'network.wired.static', ['ip', 'mask', 'gateway', 'dns1', 'dns2']);
        const addr = (k: string, required: boolean) => {
          const v = r.text(s[k], `network.wired.static.${k}`, IPV4, 'an IPv4 address');
          return required ? r.need(v, `network.wired.static.${k}`) : v;
        };
        wired.static = { ip: addr('ip', true)!, mask: addr('mask', true)! };
        for (const k of ['gateway', 'dns1', 'dns2'] as const) {
          const v = addr(k, false);
          if (v) wired.static[k] = v;
        }
      } else if (dhcp === false) r.fail('network.wired.dhcp', 'is false, so network.wired.static (ip, mask) is required');
      profile.network.wired = wired;
    }
  }
  if (top.redirection !== undefined) {
    const d = r.object(top.redirection, 'redirection', ['sol', 'ider', 'kvm', 'listener', 'userConsent']);
    profile.redirection = {};
    for (const k of ['sol', 'ider', 'kvm', 'listener'] as const) {
      const v = r.bool(d[k], `redirection.${k}`);
      if (v !== undefined) profile.redirection[k] = v;
    }
    const consent = r.oneOf(d.userConsent, 'redirection.userConsent', ['none', 'kvm', 'all'] as const);
    if (consent) profile.redirection.userConsent = consent;
  }
  if (top.users !== undefined) {
    const users = top.users;
    if (!Array.isArray(users)) r.fail('users', 'must be a list');
    profile.users = (users as unknown[]).map((u: unknown, i: number) => {
      const where = `users[${i}]`;
      const o = r.object(u, where, ['name', 'passwordEnv', 'realms', 'access']);
      const name = r.need(r.text(o.name, `${where}.name`, /^[A-Za-z0-9._-]{1,16}$/, 'a user name of 1 to 16 letters, digits, ".", "_" or "-"'), `${where}.name`);
      if (name === 'admin') r.fail(`${where}.name`, 'is the built-in admin, whose password activation sets');
      if (!Array.isArray(o.realms) || o.realms.length === 0 || !o.realms.every((x) => Number.isInteger(x) && x >= 2 && x <= 24)) {
        r.fail(`${where}.realms`, 'must be a non-empty list of AMT realm numbers (2 Redirection, 3 PT Administration, 5 Remote Control, 13 General Info, …)');
      }
      return {
        name,
        password: r.secret(o.passwordEnv, `${where}.passwordEnv`),
        realms: [...new Set(o.realms as number[])].sort((a, b) => a - b),
        access: r.oneOf(o.access, `${where}.access`, ['local', 'network', 'any'] as const) ?? 'any',
      };
    });
  }
  if (top.cira !== undefined) {
    const c = r.object(top.cira, 'cira', ['server', 'port', 'user', 'passwordEnv', 'cn', 'rootCertificate', 'trigger']);
    const port = c.port ?? 4433;
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) r.fail('cira.port', 'must be a port number (1 to 65535; MPS listens on 4433)');
    const rootCertificate = r.text(c.rootCertificate, 'cira.rootCertificate');
    const cn = r.text(c.cn, 'cira.cn', HOST, 'a host name');
    profile.cira = {
      server: r.need(r.text(c.server, 'cira.server', new RegExp(`${IPV4.source}|${HOST.source}`), 'a host name or IPv4 address'), 'cira.server'),
      port: port as number,
      user: r.need(r.text(c.user, 'cira.user', /^[A-Za-z0-9]{1,16}$/, '1 to 16 letters or digits (AMT\'s rule for MPS user names)'), 'cira.user'),
      password: r.secret(c.passwordEnv, 'cira.passwordEnv'),
      trigger: r.oneOf(c.trigger, 'cira.trigger', ['periodic', 'user', 'alert'] as const) ?? 'periodic',
      ...(cn ? { cn } : {}),
      ...(rootCertificate ? { rootCertificate: path.resolve(path.dirname(file), rootCertificate) } : {}),
    };
  }
  return profile;
}

export async function readProfile(file: string, env: NodeJS.ProcessEnv): Promise<Profile> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AmtError('usage', `Cannot read the profile ${file} (${err.code ?? err.message}); check the path given with --profile.`, { cause: err });
  });
  return parseProfile(text, file, env);
}
