/**
 * `amtwb kvm` through the built CLI (dist/cli.js; run `npm run build` first) as a user runs it,
 * against the embedded simulator (`--target sim`, the default), which like AMT in client control
 * mode requires user consent for KVM: the refusal is one line naming the fix, with status 1 and no
 * file written; command-line mistakes are status 2; the help lists the commands.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { amtwb, CLI } from './run';

describe('amtwb kvm', () => {
  let dir: string;
  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    dir = mkdtempSync(join(tmpdir(), 'amtwb-cli-kvm-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('screenshot on a device that needs consent says so in one line with the consent commands, status 1, no file', async () => {
    const out = join(dir, 'shot.png');
    const r = await amtwb(['kvm', 'screenshot', '--out', out]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /requires user consent before a KVM session; start it with `amtwb consent start`, then .*`amtwb consent code NNNNNN`/);
    assert.equal(existsSync(out), false);
  });

  it('command-line mistakes are one line with status 2, and --help lists the kvm commands', async () => {
    for (const [args, text] of [
      [['kvm'], /"kvm" needs a subcommand/],
      [['kvm', 'screenshot'], /needs the file to write; write amtwb kvm screenshot --out F\.png/],
      [['kvm', 'screenshot', '--out', 'x.png', '--format', 'rgb24'], /--format "rgb24" is not a KVM pixel format/],
      [['kvm', 'type'], /needs the text to type/],
      [['kvm', 'type', 'x', '--out', 'y'], /--out, --format, --raw, --zlib and --rfb-port belong to "kvm screenshot"/],
    ] as const) {
      const r = await amtwb([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, text);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    const help = await amtwb(['--help']);
    assert.match(help.stdout, /kvm screenshot --out F\.png/);
    assert.match(help.stdout, /kvm type TEXT \[--enter\]/);
    assert.match((await amtwb(['frobnicate'])).stderr, /use one of .*\bkvm\b/);
  });
});
