// Bundles the three entry points. koffi stays external: it loads a native binary from its own package.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', 'koffi'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The emulated /dev/mei0 runs its FUSE loop in a worker thread, loaded from beside the bundle.
  build({ ...common, entryPoints: ['server/src/sim/mei/fuse-worker.ts'], outfile: 'dist/mei-fuse-worker.js' }),
  // The local APF session does its MEI I/O in a worker thread too (server/src/mei/threaded.ts).
  build({ ...common, entryPoints: ['server/src/mei/io-worker.ts'], outfile: 'dist/mei-io-worker.js' }),
]);
