/**
 * scripts/run-tests.mjs (what `npm test` runs) over scratch test folders: what its last line
 * says, which skips it calls unexplained, and how a tier whose prerequisites fail ends.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const RUNNER = resolve(__dirname, '../../../scripts/run-tests.mjs');

interface Run {
  code: number | null;
  stdout: string;
  lastLine: string;
}

function runner(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [RUNNER, ...args], { env: { ...process.env, CI: undefined, AMT_WORKBENCH_VSIX: undefined, ...env } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout.trimEnd().split('\n');
      resolvePromise({ code, stdout, lastLine: lines[lines.length - 1] ?? '' });
    });
  });
}

describe('the test runner (scripts/run-tests.mjs)', () => {
  let dir: string;
  const write = async (rel: string, body: string) => {
    const file = join(dir, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n${body}\n`);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amtwb-runner-'));
    // "explained": two passing tests and a skip whose reason is a sentence.
    await write('explained/unit/a.test.ts', `test('one', () => {});\ntest('two', () => {});\ntest('needs FUSE', { skip: 'this machine has no /dev/fuse' }, () => {});`);
    // "unexplained": a skip with no reason and one with a one-word reason.
    await write('unexplained/unit/a.test.ts', `test('runs', () => {});\ntest('bare skip', (t) => { t.skip(); });\ntest('terse', { skip: 'later' }, () => {});`);
    await write('failing/unit/a.test.ts', `test('passes', () => {});\ntest('breaks', () => { assert.equal(1 + 1, 3); });`);
    await write('failing/integration/b.test.ts', `test('still runs', () => {});`);
    await write('e2e/unit/a.test.ts', `test('unit runs', () => {});`);
    await write('e2e/e2e/b.test.ts', `test('never reached', () => {});`);
    await writeFile(join(dir, 'not-a-vsix.vsix'), 'this is not a zip file');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the last line counts passed, failed and skipped tests, and a failure makes the exit code 1', async () => {
    const r = await runner(['--dir', join(dir, 'failing'), 'unit', 'integration']);
    assert.equal(r.lastLine, '2 passed, 1 failed, 0 skipped', r.stdout);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /unit: 1 failed/);
  });

  test('a skip with a reason sentence is listed with it and passes under CI=true', async () => {
    const r = await runner(['--dir', join(dir, 'explained'), 'unit'], { CI: 'true' });
    assert.equal(r.lastLine, '2 passed, 0 failed, 1 skipped', r.stdout);
    assert.match(r.stdout, /a\.test\.ts › needs FUSE: this machine has no \/dev\/fuse/);
    assert.equal(r.code, 0, r.stdout);
  });

  test('under CI=true a skip without a reason sentence fails the run, and each is named', async () => {
    const r = await runner(['--dir', join(dir, 'unexplained'), 'unit'], { CI: 'true' });
    assert.equal(r.lastLine, '1 passed, 0 failed, 2 skipped', r.stdout);
    assert.match(r.stdout, /bare skip: UNEXPLAINED/);
    assert.match(r.stdout, /terse: UNEXPLAINED \("later"\)/);
    assert.match(r.stdout, /2 skip\(s\) without a reason sentence \(CI=true fails them\)/);
    assert.equal(r.code, 1);
  });

  test('outside CI the same skips are listed as unexplained but do not fail the run', async () => {
    const r = await runner(['--dir', join(dir, 'unexplained'), 'unit']);
    assert.match(r.stdout, /bare skip: UNEXPLAINED/);
    assert.equal(r.code, 0, r.stdout);
  });

  test('an e2e prerequisite that fails ends the tier with its reason, after the other tiers ran, and the summary still prints', async () => {
    const r = await runner(['--dir', join(dir, 'e2e'), 'unit', 'e2e'], { AMT_WORKBENCH_VSIX: join(dir, 'not-a-vsix.vsix') });
    assert.match(r.stdout, /✔ unit runs/);
    assert.match(r.stdout, /e2e prerequisites failed: .*not-a-vsix\.vsix cannot be read as a \.vsix \(not a zip file/);
    assert.doesNotMatch(r.stdout, /never reached/);
    assert.equal(r.lastLine, '1 passed, 1 failed, 0 skipped', r.stdout);
    assert.equal(r.code, 1);
  });

  test('an unknown tier is a usage error (exit 2) that names the tiers', async () => {
    const r = await runner(['--dir', join(dir, 'explained'), 'unti']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /unknown test tier "unti"; usage: .*unit\|integration\|compat\|fuzz\|fleet\|e2e/);
  });
});
