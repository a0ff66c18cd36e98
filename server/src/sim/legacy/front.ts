/**
 * The HTTP side of a legacy (pre-6.0) device, plugged into the simulator's HTTP front: POST to a
 * service path (`/RemoteControlService`, …) with Digest, answered in SOAP 1.1 as `text/xml`; no
 * `/wsman` at all (404 to any method, before authentication, as for any path the firmware lacks);
 * `GET /` keeps the device's web page. The Server header names the version only
 * (`Intel(R) Active Management Technology 5.0.1`), the way this generation of firmware wrote it.
 */
import type http from 'node:http';
import type { SimDevice } from '../device';
import { DigestGuard } from '../digest';
import { plainPage } from '../html';
import { MAX_BODY, readBody, sendHtml, sendUnauthorized, tooLarge } from '../http-server';
import { LEGACY_FIRMWARE, type LegacyModel } from './eoi';
import { handleLegacySoap, legacyServiceAt } from './services';

/** Reply chunk size: the firmware writes its replies chunked. */
const CHUNK = 1024;

export function legacyServerHeader(model: LegacyModel): string {
  return `Intel(R) Active Management Technology ${LEGACY_FIRMWARE[model].version}`;
}

/** The request handler the HTTP front hands every request to first; true when it answered it. */
export function legacyTakeOver(device: SimDevice, model: LegacyModel): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const guard = new DigestGuard(device);
  const server = legacyServerHeader(model);
  const { bios } = LEGACY_FIRMWARE[model];
  return (req, res) => {
    res.setHeader('Server', server);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/wsman') {
      req.resume();
      sendHtml(res, 404, plainPage(404, 'Not Found'));
      return true;
    }
    const service = legacyServiceAt(path);
    if (!service) return false;
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      sendHtml(res, 405, plainPage(405, 'Method Not Allowed'));
      return true;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) {
      tooLarge(req, res);
      return true;
    }
    readBody(req)
      .then((body) => {
        if (body === undefined) return tooLarge(req, res);
        const verdict = guard.verify('POST', req.url ?? path, req.headers.authorization, body);
        if (!verdict.ok) {
          if (verdict.wrongPassword) device.recordFailedLogin(verdict.user ?? '', req.socket.remoteAddress);
          return sendUnauthorized(res, guard.challenge(verdict.stale));
        }
        const reply = handleLegacySoap(device, service, body.toString('utf8'), bios);
        res.statusCode = reply.status;
        res.setHeader('Content-Type', 'text/xml; charset=UTF-8');
        const data = Buffer.from(reply.xml, 'utf8');
        for (let i = 0; i < data.length; i += CHUNK) res.write(data.subarray(i, i + CHUNK));
        res.end();
      })
      .catch(() => res.destroy());
    return true;
  };
}
