#!/usr/bin/env node
// Runs every test tier in order: unit, integration (simulator over real sockets, MEI through the
// FUSE-emulated device), e2e (real VS Code in code-server + Chromium). Each tier is a `node --test`
// run over the tier's *.test.ts files (Node 20's runner takes no globs, so they are listed here).
// Usage: node scripts/run-tests.mjs [tier ...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const allTiers = ['unit', 'integration', 'e2e'];
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : allTiers;

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.ts') ? [relative(root, p)] : [];
  }).sort();
}

let passed = 0;
let failed = 0;
const failedTiers = [];
for (const tier of tiers) {
  if (!allTiers.includes(tier)) {
    console.error(`unknown test tier "${tier}"; choose from ${allTiers.join(', ')}`);
    process.exit(2);
  }
  const files = testFiles(join(root, 'test', tier));
  if (files.length === 0) {
    console.error(`test tier "${tier}" has no test files`);
    failedTiers.push(tier);
    continue;
  }
  if (tier === 'e2e') {
    const { ensureE2EPrerequisites } = await import('./e2e-prereqs.mjs');
    await ensureE2EPrerequisites();
  }
  console.log(`\n=== ${tier} tests (${files.length} files) ===`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(res.stdout ?? '');
  const count = (label) => Number((res.stdout ?? '').match(new RegExp(`^ℹ ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail');
  if (res.status !== 0) failedTiers.push(tier);
}

console.log(`\n${passed} passed, ${failed} failed`);
if (failedTiers.length) {
  console.error(`failing tiers: ${failedTiers.join(', ')}`);
  process.exit(1);
}
