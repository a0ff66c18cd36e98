// Bundles the three entry points. koffi stays external: it loads a native binary from its own package.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // ws loads bufferutil and utf-8-validate only if installed (optional speed-ups): not bundled.
  external: ['vscode', 'koffi', 'bufferutil', 'utf-8-validate'],
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
  // The KVM viewer webview's protocol engine and decoder (server/src/features/kvm/viewer.ts, the
  // same code the backend decodes with), for the browser: a global `AmtKvm` for media/kvm/viewer.js.
  build({ bundle: true, platform: 'browser', target: 'es2022', format: 'iife', globalName: 'AmtKvm', sourcemap: true, logLevel: 'warning', entryPoints: ['server/src/features/kvm/viewer.ts'], outfile: 'dist/kvm-viewer-engine.js' }),
]);
