/**
 * The Accounts and Network pages (client/src/pages/) against the real backend and a simulator on a
 * loopback port: what they render, what their actions do on the device, and that no password ever
 * appears in a rendered page — passwords come only from the (scripted) password input box.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { ACCOUNTS_PAGE } from '../../../client/src/pages/accounts';
import { NETWORK_PAGE, type NetworkPageData } from '../../../client/src/pages/network';
import type { PageContext, PageUi } from '../../../client/src/pages/page';
import { PAGES } from '../../../client/src/pages/registry';
import type { Request } from '../../../client/src/model/request';
import { Requests, type AccountsInfo } from '../../../server/src/protocol';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { TEST_CERT, TEST_CERT_SHA256 } from '../../unit/wsman/tlsTestCert';
import { startBackend, type Backend } from './backend';

const USER_PASSWORD = 'Pag3-user!pw';

/** A PageUi whose answers the test scripts; it records what was asked. */
class ScriptedUi implements PageUi {
  passwords: Array<string | undefined> = [];
  confirms: boolean[] = [];
  inputs: Array<string | undefined> = [];
  asked: string[] = [];
  saved: Array<{ name: string; content: string }> = [];
  async confirm(message: string) {
    this.asked.push(`confirm: ${message}`);
    return this.confirms.shift() ?? false;
  }
  async password(_title: string, prompt: string) {
    this.asked.push(`password: ${prompt}`);
    return this.passwords.shift();
  }
  async input(_title: string, prompt: string) {
    this.asked.push(`input: ${prompt}`);
    return this.inputs.shift();
  }
  async pick() {
    return undefined;
  }
  async saveFile(name: string, content: string | Uint8Array) {
    this.saved.push({ name, content: String(content) });
    return name;
  }
  async open() {}
  async diff() {}
}

describe('Accounts and Network pages against the backend', { timeout: 120_000 }, () => {
  let backend: Backend;
  let sim: Simulator;
  let page: PageContext;
  const rendered: string[] = [];
  const signal = new AbortController().signal;
  const sent: string[] = [];

  before(async () => {
    sim = await startSimulator({ port: 0 });
    sim.device.on('request', ({ action }: { action?: string }) => sent.push(action?.split('/').pop() ?? ''));
    backend = await startBackend();
    let targetId = '';
    // As Ctx.request does: the stored credentials go with every request that names the device.
    const request: Request = <P, R>(type: RequestType<P, R, void>, params: P) =>
      backend.request(type, ((params as { targetId?: string }).targetId === targetId ? { ...params, credentials: { ...DEFAULT_ACCOUNT } } : params) as P) as Promise<R>;
    targetId = (await request(Requests.addTarget, { url: `http://127.0.0.1:${sim.port}`, user: 'admin', label: 'Lab' })).id;
    page = { targetId, label: 'Lab', request };
  });
  after(async () => {
    await backend?.close();
    await sim?.close();
    for (const h of rendered) {
      for (const secret of [USER_PASSWORD, DEFAULT_ACCOUNT.password, 'weakpass']) assert.ok(!h.includes(secret), 'no password in any rendered page');
    }
  });

  async function show(): Promise<{ info: AccountsInfo; html: string }> {
    const info = await ACCOUNTS_PAGE.load(page, signal);
    const h = ACCOUNTS_PAGE.render(info, page).text;
    rendered.push(h);
    return { info, html: h };
  }
  async function act(name: string, ui: PageUi, fields: Record<string, string | boolean> = {}, args?: unknown): Promise<string | void> {
    const info = await ACCOUNTS_PAGE.load(page, signal);
    return ACCOUNTS_PAGE.actions![name]!(page, info, { args, fields }, ui, signal);
  }

  test('both pages are registered under their kinds', () => {
    assert.deepEqual(PAGES.filter((p) => ['accounts', 'network'].includes(p.kind)).map((p) => p.title), ['Accounts', 'Network']);
  });

  test('the Accounts page shows the admin, no users yet, and a realm checkbox per realm with its meaning', async () => {
    const { html } = await show();
    assert.match(html, /<dt>User<\/dt><dd><span class="value">admin<\/span>/);
    assert.match(html, /factory default/);
    assert.match(html, /No user accounts besides the admin\./);
    assert.match(html, /<label class="realm" title="power and boot control"><input type="checkbox" id="f-realm-5" name="realm-5"> Remote Control<\/label>/);
    assert.match(html, /<td>5<\/td><td>Remote Control<\/td><td>power and boot control<\/td>/);
    assert.match(html, /<input type="password"|Passwords are asked for in VS Code's password box/);
  });

  test('add a user: the password comes from the password box (twice), the device stores it, the page lists the user', async () => {
    const ui = new ScriptedUi();
    ui.passwords = [USER_PASSWORD, USER_PASSWORD];
    const said = await act('add', ui, { user: 'pageuser', access: '1', enabled: true, 'realm-2': true, 'realm-5': true, 'realm-7': false });
    assert.equal(said, 'Added the account "pageuser" (handle 1) with Redirection, Remote Control.');
    assert.equal(ui.asked.filter((a) => a.startsWith('password:')).length, 2);
    assert.match(ui.asked[0]!, /8–32 characters/);
    assert.ok(sim.device.accounts.byUser('pageuser')?.a1);
    const { html } = await show();
    assert.match(html, /<span class="user-name">pageuser<\/span>/);
    assert.match(html, /<td>network only<\/td><td>Redirection, Remote Control<\/td>/);
    assert.match(html, /<input type="checkbox" id="f-e1-realm-5" name="e1-realm-5" checked> Remote Control/);
  });

  test('a weak password typed in the box is refused with the rule named; nothing is sent and the list is unchanged', async () => {
    const before = sent.filter((s) => s === 'AddUserAclEntryEx').length;
    const ui = new ScriptedUi();
    ui.passwords = ['weakpass', 'weakpass'];
    await assert.rejects(act('add', ui, { user: 'weakling', access: '2', enabled: true, 'realm-5': true }), /breaks AMT's strong-password rule \(8 to 32 characters.*because it lacks an upper-case letter and a digit/);
    assert.equal(sent.filter((s) => s === 'AddUserAclEntryEx').length, before);
    const { info } = await show();
    assert.deepEqual(info.users.map((u) => u.user), ['pageuser']);
  });

  test('two different passwords, or no realm, are refused by the form before any request', async () => {
    const ui = new ScriptedUi();
    ui.passwords = [USER_PASSWORD, 'Other!pass1'];
    await assert.rejects(act('add', ui, { user: 'typo', 'realm-5': true }), /The two passwords typed differ; nothing was sent/);
    await assert.rejects(act('add', new ScriptedUi(), { user: 'norealm' }), /No realm is checked/);
    assert.equal(sim.device.accounts.byUser('typo'), undefined);
  });

  test("the device's refusal shows its ReturnValue and meaning in the banner sentence", async () => {
    const ui = new ScriptedUi();
    ui.passwords = [USER_PASSWORD, USER_PASSWORD];
    await assert.rejects(act('add', ui, { user: 'pageuser', 'realm-5': true }), /ReturnValue 2058: Duplicate \(DUPLICATE\)\); that user name is already in use/);
  });

  test('edit realms through the form, disable and enable, then remove the last PT Administration user after the lock-out warning', async () => {
    assert.equal(await act('edit', new ScriptedUi(), { 'e1-name': 'pageuser', 'e1-access': '2', 'e1-realm-3': true }, { handle: 1 }), 'Changed the account "pageuser": realms PT Administration; access local and network.');
    assert.deepEqual(sim.device.accounts.byUser('pageuser')?.realms, [3]);
    const disable = new ScriptedUi();
    disable.confirms = [true];
    assert.equal(await act('toggle', disable, {}, { handle: 1 }), 'Disabled the account "pageuser".');
    assert.match(disable.asked[0]!, /^confirm: Disabling "pageuser" leaves no user account with PT Administration/);
    assert.equal(await act('toggle', new ScriptedUi(), {}, { handle: 1 }), 'Enabled the account "pageuser".');
    const no = new ScriptedUi();
    no.confirms = [false];
    assert.equal(await act('remove', no, {}, { handle: 1 }), '"pageuser" was kept.');
    assert.match(no.asked[0]!, /^confirm: Removing "pageuser" leaves no user account with PT Administration/);
    assert.ok(sim.device.accounts.byUser('pageuser'));
    const yes = new ScriptedUi();
    yes.confirms = [true];
    assert.equal(await act('remove', yes, {}, { handle: 1 }), 'Removed the account "pageuser".');
    assert.match((await show()).html, /No user accounts besides the admin\./);
  });

  test('the admin password: asked in the box, warned about (signed in as admin), dismissed means nothing sent', async () => {
    const before = sent.filter((s) => s === 'SetAdminAclEntryEx').length;
    const ui = new ScriptedUi();
    ui.passwords = ['Adm1n!page', 'Adm1n!page'];
    ui.confirms = [false];
    assert.equal(await act('setAdmin', ui, {}), 'The admin password was not changed.');
    assert.match(ui.asked.at(-1)!, /You are signed in as "admin"/);
    assert.equal(sent.filter((s) => s === 'SetAdminAclEntryEx').length, before);
    const dismissed = new ScriptedUi();
    assert.equal(await act('setAdmin', dismissed, {}), 'The admin password was not changed: the password box was dismissed.');
  });

  async function network(): Promise<{ data: NetworkPageData; html: string }> {
    const data = await NETWORK_PAGE.load(page, signal);
    const h = NETWORK_PAGE.render(data, page).text;
    rendered.push(h);
    return { data, html: h };
  }
  async function netAct(name: string, ui: PageUi, fields: Record<string, string | boolean> = {}, args?: unknown): Promise<string | void> {
    return NETWORK_PAGE.actions![name]!(page, await NETWORK_PAGE.load(page, signal), { args, fields }, ui, signal);
  }

  test('the Network page shows wired and wireless settings, TLS and the device certificate decoded', async () => {
    const { data, html } = await network();
    assert.ok(html.includes(`<dt>MAC address</dt><dd><span class="value">${sim.device.identity.wiredMac}</span>`));
    assert.match(html, /<dt>Remote \(network\)<\/dt><dd><span class="value"><span class="badge warn">off \(plain HTTP\)<\/span>/);
    const own = data.certs.certificates[0]!;
    assert.ok(html.includes(`<span class="subject">${own.subject}</span>`));
    assert.match(html, new RegExp(`CN=${sim.device.identity.name}`));
    assert.ok(html.includes(`title="${own.fingerprint}"`));
    assert.match(html, /<span class="badge ok">key held<\/span>/);
  });

  test('add a trusted root from pasted PEM, generate a key pair, and save a CSR the device signed', async () => {
    assert.match(String(await netAct('addRoot', new ScriptedUi(), { pem: TEST_CERT })), /^Added the trusted root "CN=Intel\(r\) AMT test device"/);
    assert.ok((await network()).data.certs.certificates.some((c) => c.fingerprint === TEST_CERT_SHA256 && c.trustedRoot));
    await assert.rejects(netAct('addRoot', new ScriptedUi(), { pem: 'hello' }), /not an X\.509 certificate/);
    assert.match(String(await netAct('keygen', new ScriptedUi())), /^Generated a 2048-bit RSA key pair/);
    const key = (await network()).data.certs.keyPairs.at(-1)!;
    const ui = new ScriptedUi();
    ui.inputs = ['lab.example.test'];
    const said = await netAct('csr', ui, {}, { keyPair: key.instanceId });
    assert.match(String(said), /signed a certificate request for CN=lab\.example\.test .*Saved to amt-key-\d+\.csr\.pem\./);
    assert.match(ui.saved[0]!.content, /^-----BEGIN CERTIFICATE REQUEST-----/);
  });

  test('TLS only over plain HTTP: the warning comes first, and declining stages nothing', async () => {
    const before = sent.filter((s) => s === 'Put').length;
    const ui = new ScriptedUi();
    ui.confirms = [false];
    assert.equal(await netAct('tls', ui, {}, { interface: 'remote', enabled: true, tlsOnly: true }), 'Nothing was staged.');
    assert.match(ui.asked[0]!, /TLS-only on the remote interface refuses plain HTTP once committed, and this console reaches the device over plain HTTP that way/);
    assert.equal(sent.filter((s) => s === 'Put').length, before);
    assert.equal(await netAct('tls', new ScriptedUi(), {}, { interface: 'local', enabled: true, tlsOnly: false }), 'Staged TLS on, plain HTTP still accepted on the local interface; commit the changes for them to take effect.');
    assert.equal(await netAct('commit', new ScriptedUi()), 'Committed the staged settings; the device applies them now.');
    assert.match((await network()).html, /<dt>Local \(host, LMS\)<\/dt><dd><span class="value"><span class="badge ok">on, plain HTTP too<\/span>/);
  });
});
