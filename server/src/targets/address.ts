/** Device addresses: `http://host[:16992][/wsman]` and `https://host[:16993]`, AMT's ports the defaults. */
import { AmtError } from '../errors';

/** Parses `http://host[:port][/wsman]` / `https://…`; AMT's ports are the defaults. */
export function parseDeviceUrl(text: string): { tls: boolean; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new AmtError('target.invalid', `"${text}" is not a device address; write it as http://HOST:16992 or https://HOST:16993.`);
  }
  // First, so that no later message quotes an address with a password in it.
  if (url.username || url.password) {
    throw new AmtError('target.invalid', `Put the user name and password in their own fields, not in the address "${url.protocol}//${url.host}".`);
  }
  const tls = url.protocol === 'https:';
  if (!tls && url.protocol !== 'http:') {
    throw new AmtError('target.invalid', `"${text}" uses ${url.protocol.replace(':', '')}, which AMT does not speak; write it as http://HOST:16992 or https://HOST:16993.`);
  }
  if (!url.hostname) throw new AmtError('target.invalid', `"${text}" names no host; write it as http://HOST:16992 or https://HOST:16993.`);
  if (url.pathname !== '/' && url.pathname !== '' && url.pathname.toLowerCase() !== '/wsman') {
    throw new AmtError('target.invalid', `"${text}" has the path ${url.pathname}; AMT serves WS-Man at /wsman, so give just http://HOST:PORT.`);
  }
  // URL drops the scheme's default port (80/443); an explicit one in the text still counts.
  const explicit = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)/i.exec(text.trim());
  const port = url.port ? Number(url.port) : explicit ? Number(explicit[1]) : tls ? 16993 : 16992;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { tls, host, port };
}

/** An IPv6 address in brackets, as URLs and `host:port` write it. */
export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
