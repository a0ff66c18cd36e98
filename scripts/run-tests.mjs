#!/usr/bin/env node
// Runs the test tiers in order: unit, integration (simulator over real sockets, MEI through the
// FUSE-emulated device, the backend process), compat (every request of Intel's Open AMT message
// library against the simulator), fuzz (seeded, bounded), fleet (simulated devices through Intel's
// real MPS, from the source AMT_MPS_SOURCE names), e2e (real VS Code in
// code-server + Chromium). Each tier is one `node --test` run over the tier's *.test.ts files
// (Node 20's runner takes no globs, so they are listed here).
//
// The last line is always `N passed, N failed, N skipped`. Every skipped (or todo) test is listed
// with the reason it gave. A skip is explained when its reason is a sentence: a string of at
// least three words, e.g. `{ skip: 'needs /dev/fuse, which this machine lacks' }`; `{ skip: true }`,
// a bare `t.skip()` or a one-word reason is unexplained, and under CI=true an unexplained skip
// fails the run. A tier whose prerequisites cannot be had (e2e: code-server, Chromium, the .vsix)
// fails with the reason, counted as one failed test, and the other tiers still run.
//
// Usage: node scripts/run-tests.mjs [--dir TESTS_DIR] [tier ...]
//   TESTS_DIR defaults to test/ (the runner's own tests point it at a scratch folder).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const allTiers = ['unit', 'integration', 'compat', 'fuzz', 'fleet', 'e2e'];

/** A skip reason explains itself when it is a sentence: at least three words. */
function explained(reason) {
  return typeof reason === 'string' && reason.trim().split(/\s+/).filter(Boolean).length >= 3;
}

function parseArgs(argv) {
  let testsDir = join(root, 'test');
  const tiers = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') {
      if (!argv[i + 1]) usage('--dir needs a folder');
      testsDir = resolve(argv[++i]);
    } else if (argv[i].startsWith('-')) usage(`unknown option ${argv[i]}`);
    else if (!allTiers.includes(argv[i])) usage(`unknown test tier "${argv[i]}"`);
    else tiers.push(argv[i]);
  }
  return { testsDir, tiers: tiers.length ? allTiers.filter((t) => tiers.includes(t)) : allTiers };
}

function usage(problem) {
  console.error(`${problem}; usage: node scripts/run-tests.mjs [--dir TESTS_DIR] [${allTiers.join('|')} ...]`);
  process.exit(2);
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return testFiles(p);
      return name.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

/** What a tier needs before its tests can run; throws one sentence when it cannot be had. */
async function prerequisites(tier) {
  if (tier === 'fleet') {
    // The fleet tier runs Intel's real MPS from its source (test/fleet/harness/); without it the tier cannot run.
    if (!process.env.AMT_MPS_SOURCE?.trim()) {
      throw new Error("the source of Intel's MPS is not given: set AMT_MPS_SOURCE to its release tarball (device-management-toolkit/mps, tag v2.25.3 or later) or an unpacked copy");
    }
    return;
  }
  if (tier !== 'e2e') return;
  const { ensureE2EPrerequisites } = await import('./e2e-prereqs.mjs');
  await ensureE2EPrerequisites();
}

function runTier(files, outcomesFile) {
  const reporter = join(root, 'scripts', 'test-reporter.mjs');
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, `--test-reporter-destination=${outcomesFile}`, ...files],
    // Without NODE_TEST_CONTEXT: set when this runner is itself started from a test, it would make
    // the nested `node --test` skip running its files.
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  const lines = existsSync(outcomesFile) ? readFileSync(outcomesFile, 'utf8').split('\n').filter(Boolean) : [];
  return { status: res.status ?? 1, signal: res.signal, outcomes: lines.map((l) => JSON.parse(l)) };
}

async function main() {
  const { testsDir, tiers } = parseArgs(process.argv.slice(2));
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const scratch = mkdtempSync(join(tmpdir(), 'amtwb-tests-'));
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const skips = [];
  const failures = [];
  try {
    for (const tier of tiers) {
      const files = testFiles(join(testsDir, tier));
      if (files.length === 0) {
        failures.push(`test tier "${tier}" has no test files under ${relative(root, join(testsDir, tier)) || '.'}`);
        totals.failed++;
        continue;
      }
      try {
        await prerequisites(tier);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (tier === 'fleet' && !ci && !process.env.AMT_MPS_SOURCE?.trim()) {
          // Off CI a missing MPS source is a stated skip; under CI=true it fails like any missing prerequisite.
          console.log(`\n=== fleet tests: not run ===\n${reason}`);
          skips.push({ tier, file: join(testsDir, 'fleet'), name: 'fleet tier', reason: `The fleet tier did not run because ${reason}.` });
          totals.skipped++;
          continue;
        }
        console.log(`\n=== ${tier} tests: not run ===\n${tier} prerequisites failed: ${reason}`);
        failures.push(`${tier} prerequisites failed: ${reason}`);
        totals.failed++;
        continue;
      }
      console.log(`\n=== ${tier} tests (${files.length} files) ===`);
      const { status, signal, outcomes } = runTier(files, join(scratch, `${tier}.jsonl`));
      const count = { passed: 0, failed: 0, skipped: 0 };
      for (const o of outcomes) {
        count[o.outcome]++;
        if (o.outcome === 'skipped') skips.push({ tier, ...o });
      }
      for (const k of Object.keys(totals)) totals[k] += count[k];
      if (outcomes.length === 0) {
        failures.push(`${tier}: node --test exited ${signal ?? status} and reported no test at all`);
        totals.failed++;
      } else if (status !== 0 && count.failed === 0) {
        // The runner itself failed (killed, or a file that never reported): count it, say it.
        failures.push(`${tier}: node --test exited ${signal ?? status} without reporting a failed test`);
        totals.failed++;
      } else if (count.failed > 0) failures.push(`${tier}: ${count.failed} failed`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  if (skips.length) {
    console.log(`\nskipped (${skips.length}):`);
    for (const s of skips) {
      const file = s.file.startsWith('file:') ? fileURLToPath(s.file) : s.file;
      const where = `${file.startsWith(root) ? relative(root, file) : file} › ${s.name}`;
      console.log(`  ${where}: ${explained(s.reason) ? s.reason : `UNEXPLAINED${s.reason ? ` ("${s.reason}")` : ''}: give the skip a reason sentence`}`);
    }
  }
  const unexplained = skips.filter((s) => !explained(s.reason));
  if (unexplained.length && ci) failures.push(`${unexplained.length} skip(s) without a reason sentence (CI=true fails them)`);
  if (failures.length) console.log(`\n${failures.join('\n')}`);
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exitCode = failures.length ? 1 : 0;
}

await main();
