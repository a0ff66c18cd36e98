/** The pure parts of SOL, IDE-R, boot and consent in the editor: what the terminal, status bar, rows and notifications say. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BootStore, bootRows, redirectionRows } from '../../../client/src/model/bootTree';
import { CP437_HIGH, SolDecoder, consentPolicyText, iderEndMessage, iderStatusText, imageDrive, needsConsent, summariseBoot, validateConsentCode, withoutCliHint, editorWords, screenshotName } from '../../../client/src/model/redirection';
import type { Request } from '../../../client/src/model/request';
import { BootRequests, RedirectionRequests, type RedirectionFeatures } from '../../../server/src/protocol';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('a UTF-8 character split across two SOL chunks comes out whole, and lone LFs become CRLF', () => {
  const d = new SolDecoder();
  const text = Buffer.from('héllo → login: \n', 'utf8');
  const at = text.indexOf(0xe2) + 1; // inside the three bytes of →
  const out = d.decode(text.subarray(0, at)) + d.decode(text.subarray(at));
  assert.equal(out, 'héllo → login: \r\n');
  // A CR at the end of one chunk and its LF at the start of the next stay one line end.
  assert.equal(d.decode(Buffer.from('a\r')) + d.decode(Buffer.from('\nb')), 'a\r\nb');
});

test('a BIOS screen in CP437 (not UTF-8) shows its box drawing; the table has 128 characters', () => {
  assert.equal([...CP437_HIGH].length, 128);
  const d = new SolDecoder();
  // ╔══╗ is C9 CD CD BB in CP437: not valid UTF-8.
  assert.equal(d.decode(bytes(0xc9, 0xcd, 0xcd, 0xbb, 0x0d, 0x0a)), '╔══╗\r\n');
  // An unfinished sequence at the very end is shown as CP437 when the stream ends.
  assert.equal(d.decode(bytes(0x41, 0xc9)), 'A');
  assert.equal(d.flush(), '╔');
});

test('the IDE-R status bar counts sectors and speed; the end notification says why it ended', () => {
  assert.equal(iderStatusText(undefined, 'test.iso'), '$(sync~spin) IDE-R: test.iso · waiting for the host');
  assert.equal(iderStatusText({ state: 'reading', sectorsRead: 1234, mbPerSecond: 2.14 }, 'test.iso'), '$(sync~spin) IDE-R: 1234 sectors · 2.1 MB/s');
  assert.equal(
    iderEndMessage({ state: 'ejected', sectorsRead: 600, bytesRead: 1_228_800 }, 'test.iso', 'Simulator', false),
    'Simulator ejected test.iso from its IDE-R drive after the host read 600 sectors (1.2 MB); the IDE-R session ended.',
  );
  assert.equal(
    iderEndMessage({ state: 'ended', sectorsRead: 0, bytesRead: 0, reason: 'The host powered off.' }, 'a.img', 'Lab PC', false),
    'IDE-R of a.img on Lab PC ended after the host read 0 sectors (0 B): The host powered off.',
  );
  assert.equal(iderStatusText({ state: 'reading', sectorsRead: 1, mbPerSecond: 0 }, 'test.iso'), '$(sync~spin) IDE-R: 1 sector · 0.0 MB/s');
  assert.equal(iderEndMessage({ state: 'ended', sectorsRead: 3, bytesRead: 6144 }, 'a.iso', 'Lab PC', true), 'IDE-R of a.iso on Lab PC stopped after the host read 3 sectors (6.0 KB).');
  assert.equal(imageDrive('/w/boot.IMG'), 'floppy');
  assert.equal(imageDrive('/w/test.iso'), 'cd');
});

test('a boot result reads as the device sentence, the power state and the steps, a failed step with its answer', () => {
  const text = summariseBoot('Simulator', {
    message: 'Next boot: once from PXE',
    steps: [
      { step: 'Put AMT_BootSettingData', ok: true, detail: '200' },
      { step: 'ChangeBootOrder', ok: false, detail: 'ReturnValue 1' },
    ],
    powerState: { powerState: 2, label: 'On' },
  });
  assert.equal(text, 'Simulator: Next boot: once from PXE. The host is On now. Steps: Put AMT_BootSettingData, ChangeBootOrder failed (ReturnValue 1).');
});

test('the consent input box takes six digits only and says what is wrong otherwise', () => {
  assert.equal(validateConsentCode(' 123456 '), undefined);
  assert.equal(validateConsentCode('12345'), 'The code is six digits; 5 typed.');
  assert.equal(validateConsentCode('12a456'), 'The code is six digits (0–9) only.');
  assert.equal(needsConsent(Object.assign(new Error('x'), { data: { code: 'boot.consent' } })), true);
  assert.equal(needsConsent(Object.assign(new Error('x'), { data: { code: 'wsman.fault' } })), false);
  assert.equal(
    withoutCliHint('The device did not accept the code (ReturnValue 2: Invalid State) because no code is showing any more: the code expired or was cancelled — start again with amtwb consent start.'),
    'The device did not accept the code (ReturnValue 2: Invalid State) because no code is showing any more: the code expired or was cancelled.',
  );
  const plain = 'The device did not accept that code (ReturnValue 2: Invalid State): wrong code — check the six digits on the host screen and try again.';
  assert.equal(withoutCliHint(plain), plain);
  assert.equal(
    editorWords('SOL is disabled on Simulator (AMT_RedirectionService.EnabledState); enable it with `amtwb redirection --sol on`.'),
    `SOL is disabled on Simulator (AMT_RedirectionService.EnabledState); enable it with the "SOL" switch in the Power view's Redirection rows.`,
  );
  assert.equal(consentPolicyText({ required: 'all', controlMode: 'CCM' }), 'everything (CCM)');
});

const FEATURES: RedirectionFeatures = {
  listener: true,
  sol: true,
  ider: false,
  consent: { required: 'kvm', state: 0, stateText: '0 (not started)', codeTimeoutSeconds: 120, displayTimeoutSeconds: 300, controlMode: 'ACM' },
};

test('the Redirection rows show each switch with the command that flips it; KVM only when the device has it', () => {
  const rows = redirectionRows('sim', { value: FEATURES });
  assert.deepEqual(rows.map((r) => r.label), ['Redirection listener: on', 'SOL: on', 'IDE-R: off', 'Consent: KVM only (ACM)']);
  assert.deepEqual(rows[2]!.command, { id: 'amt.redirection.toggle', title: 'Turn IDE-R On', args: ['sim', 'ider', true] });
  assert.equal(rows[3]!.description, '0 (not started)');
  const withKvm = redirectionRows('sim', { value: { ...FEATURES, kvm: false } });
  assert.ok(withKvm.some((r) => r.label === 'KVM: off'));
  assert.deepEqual(redirectionRows('sim', { error: 'The device refused.' }).map((r) => [r.label, r.description]), [['Redirection state unknown', 'The device refused.']]);
});

test('the Boot rows: the next boot, then each option, those the device does not support marked', () => {
  const rows = bootRows('sim', { value: { nextBoot: 'Next boot: the host’s own order.', options: {}, supported: ['pxe', 'hdd', 'bios-setup', 'ider-cd'] } });
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [
    ['Boot Status', 'Next boot: the host’s own order.'],
    ['Boot Once from Hard Disk', undefined],
    ['Boot Once into BIOS Setup', undefined],
    ['Boot Once from PXE', undefined],
    ['Boot Once from IDE-R CD…', undefined],
    ['Boot Once from HTTPS (One Click Recovery)…', 'not supported by this device'],
  ]);
  assert.deepEqual(rows[3]!.command?.args, ['sim', 'pxe']);
});

test('the boot store reads status and features once, again on refresh, and a failure becomes the row text', async () => {
  const calls: string[] = [];
  let fail = false;
  const request = (async (type: { method: string }) => {
    calls.push(type.method);
    if (type.method === BootRequests.status.method) {
      if (fail) throw Object.assign(new Error('The device did not answer in 20 s; check it is on the network.'), { data: { code: 'timeout' } });
      return { nextBoot: 'Next boot: once from PXE.', options: {}, supported: [] };
    }
    return FEATURES;
  }) as unknown as Request;
  const store = new BootStore(request);
  const changed: string[] = [];
  store.onDidChange((id) => changed.push(id));
  assert.deepEqual(await store.bootStatus('sim'), { value: { nextBoot: 'Next boot: once from PXE.', options: {}, supported: [] } });
  await store.bootStatus('sim');
  await store.redirection('sim');
  assert.deepEqual(calls, [BootRequests.status.method, RedirectionRequests.features.method]);
  fail = true;
  await store.refresh('sim');
  assert.deepEqual(changed, ['sim']);
  assert.deepEqual(await store.bootStatus('sim'), { error: 'The device did not answer in 20 s; check it is on the network.' });
});

test('a KVM screenshot is named after the device and the UTC time, safe as a file name', () => {
  assert.equal(screenshotName('Lab PC #3 (floor 2)', new Date('2026-12-03T15:04:05.678Z')), 'kvm-Lab-PC-3-floor-2-2026-12-03T150405Z.png');
  assert.equal(screenshotName('///', new Date('2026-12-03T00:00:00Z')), 'kvm-device-2026-12-03T000000Z.png');
});
