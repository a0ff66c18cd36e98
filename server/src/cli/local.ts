/**
 * The CLI commands that only make sense on the AMT machine itself: `amtwb info` (AMTHI/MKHI over
 * the MEI device) and `amtwb lms` (our APF session as a drop-in LMS). Device commands with
 * `--target local|lms|auto` go through the target registry like every other target (cli.ts).
 */
import { info } from '../amthi';
import { AmtError } from '../errors';
import { LocalApf, meiOpener } from '../targets/local/apf';
import { serveAsLms } from '../targets/local/forward';
import type { LocalTrace } from '../targets/local/trace';
import type { Invocation } from './args';
import * as fmt from './format';

/** `--trace` for the MEI and APF layers: one line each on stderr. */
export function stderrTrace(enabled: boolean): LocalTrace | undefined {
  return enabled ? (_direction, _layer, text) => void process.stderr.write(`${text}\n`) : undefined;
}

export async function runInfo(inv: Invocation, out: (text: string) => Promise<void>): Promise<number> {
  const trace = stderrTrace(inv.trace);
  const result = await info(meiOpener(inv.meiPath, trace), inv.timeoutMs ? { timeoutMs: inv.timeoutMs } : {});
  await out(inv.output === 'json' ? JSON.stringify(result, null, 2) : fmt.formatAmtInfo(result));
  return 0;
}

export async function runLms(inv: Invocation & { command: { name: 'lms' } }, out: (text: string) => Promise<void>): Promise<number> {
  const { host, port } = inv.command;
  const trace = stderrTrace(inv.trace);
  const apf = new LocalApf({ ...(inv.meiPath ? { meiPath: inv.meiPath } : {}), ...(trace ? { trace } : {}) });
  try {
    // Start APF first: no MEI device (or a busy LME) should fail here, not on the first client.
    await apf.session();
    const server = await serveAsLms({
      apf,
      host,
      port,
      onError: (err) => process.stderr.write(`amtwb: a connection could not be forwarded to AMT: ${err instanceof Error ? err.message : String(err)}\n`),
    }).catch((err: NodeJS.ErrnoException) => {
      if (err?.code === 'EADDRINUSE') throw new AmtError('lms.listen', `${host}:${port} is already in use (an installed LMS?); stop it, or pick another address with --listen.`);
      if (err?.code === 'EACCES') throw new AmtError('lms.listen', `Listening on ${host}:${port} is not permitted; run as root for ports below 1024, or pick another with --listen.`);
      throw err;
    });
    const shownHost = server.host.includes(':') ? `[${server.host}]` : server.host;
    await out(`listening on ${shownHost}:${server.port}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  } finally {
    await apf.close();
  }
}
