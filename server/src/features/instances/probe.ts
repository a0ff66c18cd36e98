/**
 * Whether a device serves a class: a plain Enumerate of the class's resource URI. AMT answers an
 * Enumerate of a class it does not implement with a WS-Management fault (DestinationUnreachable
 * on the recordings; DSP0226 §8.4 wsa:DestinationUnreachable, "no route can be determined to
 * reach the destination role"), and a served one with an enumeration context, which is released
 * at once (DSP0226 §8.6 Release) so the probe holds none of the firmware's few enumeration slots.
 */
import type { ProbeClassParams, ProbeClassResult } from '../../protocol';
import { WsmanFaultError, resourceUriFor, type WsmanClient } from '../../wsman';
import { faultOf } from './operations';

export async function probeClass(client: WsmanClient, p: ProbeClassParams, signal: AbortSignal): Promise<ProbeClassResult> {
  const uri = resourceUriFor(p.className);
  let context: string | undefined;
  try {
    const page = await client.enumerate(uri, {}, { signal });
    context = page.context && !page.endOfSequence ? page.context : undefined;
  } catch (err) {
    if (err instanceof WsmanFaultError) return { className: p.className, served: false, fault: faultOf(err) };
    throw err;
  }
  // A context that expired already is no error to the user: the class is served either way.
  if (context) await client.release(uri, context, { signal }).catch(() => undefined);
  return { className: p.className, served: true };
}
