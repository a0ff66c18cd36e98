/**
 * Child process for the permission test: a `local` target on the given MEI device path, one Get,
 * and the outcome as one JSON line. Usage: node --import tsx local-get.ts <path>
 */
import { AmtError } from '../../../../server/src/errors';
import { TargetRegistry } from '../../../../server/src/targets/registry';

const [meiPath] = process.argv.slice(2);
(async () => {
  const registry = new TargetRegistry({ simulator: false });
  try {
    registry.add({ kind: 'local', meiPath });
    const gs = await (await registry.connect('local')).get('AMT_GeneralSettings');
    console.log(JSON.stringify({ ok: true, hostName: gs.properties.HostName }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err instanceof AmtError ? err.code : 'unexpected', message: String((err as Error).message) }));
  } finally {
    await registry.dispose();
  }
})();
