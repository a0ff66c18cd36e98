/**
 * WS-Eventing Expires: an xs:duration (`PT1H`) counted from now, or an xs:dateTime, both on the
 * device clock. Years and months count as 365 and 30 days (a subscription is not a calendar).
 */
import { WsmanFault } from '../wsman/faults';

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const DAY = 86_400_000;

/** Device-clock ms at which a subscription with this Expires ends. */
export function expiresAt(text: string, now: number): number {
  const t = text.trim();
  const m = DURATION.exec(t);
  if (m && t !== 'P' && !t.endsWith('T')) {
    const [, y, mo, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
    const ms = (y * 365 + mo * 30 + d) * DAY + h * 3_600_000 + mi * 60_000 + s * 1000;
    if (ms <= 0) throw new WsmanFault('InvalidExpirationTime', `Expires ${t} is not in the future`);
    return now + ms;
  }
  const at = /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : NaN;
  if (Number.isNaN(at)) throw new WsmanFault('InvalidExpirationTime', `Expires "${t}" is neither an xs:duration nor an xs:dateTime`);
  if (at <= now) throw new WsmanFault('InvalidExpirationTime', `Expires ${t} is in the past`);
  return at;
}
