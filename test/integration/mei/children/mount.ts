/**
 * Child process that mounts an emulated device with an echo client, prints READY, then either
 * waits to be signalled (`wait`) or exits without close() (`exit`), or waits to be SIGKILLed (`kill`,
 * same as wait). Usage: node --import tsx mount.ts <path> wait|exit
 */
import { mountEmulatedMei } from '../../../../server/src/sim/mei/index';
import { echoClient } from '../helpers';

const [path, mode] = process.argv.slice(2);
(async () => {
  await mountEmulatedMei({ path, clients: [echoClient()] });
  console.log('READY');
  if (mode === 'exit') process.exit(0);
})();
