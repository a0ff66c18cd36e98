/**
 * The Power view's Boot and Redirection rows and the SOL terminal's decoding, against the real
 * backend and its embedded simulator: the rows show what the device reports, a boot with BIOS
 * output to SOL changes the Boot Status row, and the host's bytes (POST, the OS banner, the login
 * prompt) come out of SolDecoder as the terminal would show them: whole lines ending in CRLF.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BootStore, bootRows, redirectionRows } from '../../../client/src/model/bootTree';
import { iderEndMessage, iderStatusText, SolDecoder, summariseBoot } from '../../../client/src/model/redirection';
import { BootRequests, RedirectionNotifications, RedirectionRequests, type IderProgress } from '../../../server/src/protocol';
import { startBackend, type Backend } from './backend';

const SIM = 'sim';

describe('boot options, redirection switches and SOL text from the embedded simulator', { timeout: 120_000 }, () => {
  let backend: Backend;
  let store: BootStore;

  before(async () => {
    backend = await startBackend();
    store = new BootStore(backend.request);
  });

  after(async () => {
    await backend?.close();
  });

  test('the Redirection rows show the switches the simulator reports, and turning IDE-R off reads back off', async () => {
    const rows = redirectionRows(SIM, await store.redirection(SIM));
    assert.deepEqual(rows.slice(0, 3).map((r) => r.label), ['Redirection listener: on', 'SOL: on', 'IDE-R: on']);
    assert.match(rows.at(-1)!.label, /^Consent: /);
    const off = await backend.request(RedirectionRequests.setFeatures, { targetId: SIM, ider: false });
    store.setFeatures(SIM, off);
    assert.ok(redirectionRows(SIM, await store.redirection(SIM)).some((r) => r.label === 'IDE-R: off'));
    store.setFeatures(SIM, await backend.request(RedirectionRequests.setFeatures, { targetId: SIM, ider: true }));
    assert.ok(redirectionRows(SIM, await store.redirection(SIM)).some((r) => r.label === 'IDE-R: on'));
  });

  test('a boot with BIOS output to SOL: the POST and the login prompt arrive as terminal lines; the Boot Status row follows', async () => {
    const opened = await backend.request(RedirectionRequests.solOpen, { targetId: SIM, columns: 100, rows: 30 });
    const decoder = new SolDecoder();
    let text = '';
    let resolveLogin!: () => void;
    const login = new Promise<void>((r) => (resolveLogin = r));
    backend.onNotification(RedirectionNotifications.solOutput, (d) => {
      if (d.sessionId !== opened.sessionId) return;
      text += decoder.decode(Buffer.from(d.data, 'base64'));
      if (/login: $/.test(text)) resolveLogin();
    });
    const result = await backend.request(BootRequests.set, { targetId: SIM, target: 'hdd', useSol: true });
    assert.match(summariseBoot('Simulator', result), /^Simulator: Next boot: .*hard drive.* Steps: /);
    await login;
    assert.match(text, /BIOS [^\r\n]*\r\n[\s\S]*Memory Test: \d+K OK/);
    assert.match(text, /Loading SimOS kernel [^\r\n]*\r\n/);
    // Every line end is CRLF: the terminal never shows a staircase.
    assert.equal(/[^\r]\n/.test(text), false, JSON.stringify(text.slice(0, 400)));
    await backend.request(RedirectionRequests.solClose, { sessionId: opened.sessionId });

    await store.refresh(SIM);
    const boot = bootRows(SIM, await store.bootStatus(SIM));
    assert.equal(boot[0]!.label, 'Boot Status');
    assert.match(boot[0]!.description ?? '', /^Next boot: /);
  });

  test('an ISO served without a reboot waits for the host; Stop ends it and the last progress reads as the status bar and notification word it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'amtwb-ider-'));
    try {
      mkdirSync(path.join(dir, 'src'));
      writeFileSync(path.join(dir, 'src', 'boot.img'), Buffer.alloc(2048, 0x90));
      execFileSync('/usr/bin/xorriso', ['-as', 'mkisofs', '-V', 'IDER_STOP', '-b', 'boot.img', '-no-emul-boot', '-boot-load-size', '4', '-o', path.join(dir, 'stop.iso'), path.join(dir, 'src')], { stdio: 'pipe' });
      const seen: IderProgress[] = [];
      let ended!: (p: IderProgress) => void;
      const last = new Promise<IderProgress>((r) => (ended = r));
      backend.onNotification(RedirectionNotifications.iderProgress, (p) => {
        seen.push(p);
        if (p.state === 'ended' || p.state === 'ejected') ended(p);
      });
      const mounted = await backend.request(RedirectionRequests.iderMount, { targetId: SIM, cd: path.join(dir, 'stop.iso') });
      assert.match(mounted.route, /^TCP /);
      await backend.request(RedirectionRequests.iderStop, { sessionId: mounted.sessionId });
      const end = await last;
      assert.equal(end.sessionId, mounted.sessionId);
      assert.equal(end.state, 'ended');
      assert.equal(iderStatusText(seen.find((p) => p.state !== 'ended'), 'stop.iso'), '$(sync~spin) IDE-R: stop.iso · waiting for the host');
      assert.match(iderEndMessage(end, 'stop.iso', 'Simulator', true), /^IDE-R of stop\.iso on Simulator stopped after the host read \d+ sectors? \(/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('One Click Recovery: an HTTPS boot reads as the device sentence and the steps sent', async () => {
    const result = await backend.request(BootRequests.https, { targetId: SIM, url: 'https://127.0.0.1/recovery.iso', verifyServerCertificate: true, power: 'none' });
    const text = summariseBoot('Simulator', result);
    assert.match(text, /^Simulator: .*Steps: /);
    assert.ok(result.steps.length > 0 && result.steps.every((s) => s.ok), JSON.stringify(result.steps));
  });
});
