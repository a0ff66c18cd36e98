/**
 * Child process for tests that need another user or a separate process: opens the MEI device with
 * the product's openMei, writes and reads one message, and prints the outcome as one JSON line.
 * Usage: node --import tsx open-mei.ts <path> <guid>
 */
import { AmtError } from '../../../../server/src/errors';
import { openMei } from '../../../../server/src/mei/device';

const [path, guid] = process.argv.slice(2);
(async () => {
  try {
    const c = await openMei({ path, guid });
    await c.write(Buffer.from('ping'));
    const reply = await c.read({ timeoutMs: 2000 });
    await c.close();
    console.log(JSON.stringify({ ok: true, reply: reply.toString() }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err instanceof AmtError ? err.code : 'unexpected', message: String((err as Error).message) }));
  }
})();
