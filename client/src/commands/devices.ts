/** Device commands: add (host, port, TLS, user; password to SecretStorage), remove, identify, select, refresh, restart. */
import * as vscode from 'vscode';
import { Requests, type AddTargetParams, type TargetInfo } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import type { DeviceStore } from '../deviceStore';
import { errorMessage } from '../model/request';
import type { TreeNode } from '../model/tree';

export function deviceCommands(ctx: Ctx, store: DeviceStore): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('amt.refreshDevices', () => ctx.devices.reload()),
    reg('amt.addDevice', () => addDevice(ctx, store)),
    reg('amt.addLocalDevice', () => addLocalDevice(ctx, store)),
    reg('amt.removeDevice', async (node?: TreeNode) => {
      const target = await targetOf(ctx, node, (t) => t.removable, 'Remove which device?');
      if (!target) return;
      const answer = await vscode.window.showWarningMessage(`Remove ${target.label} from AMT Workbench?`, { modal: true, detail: 'Its stored password is deleted too.' }, 'Remove');
      if (answer !== 'Remove') return;
      await ctx.request(Requests.removeTarget, { targetId: target.id });
      await ctx.secrets.forget(target);
      await store.forget(target.id);
      ctx.forget(target.id);
      await ctx.devices.reload();
      await ctx.reselect();
    }),
    reg('amt.identify', async (node?: TreeNode) => {
      const target = await targetOf(ctx, node, () => true, 'Identify which device?');
      if (!target) return;
      const id = await ctx.request(Requests.identify, { targetId: target.id });
      void vscode.window.showInformationMessage(
        `${target.label}: ${id.productVendor} ${id.productVersion}, protocol ${id.protocolVersion}${id.server ? `, firmware "${id.server}"` : ''}.`,
      );
    }),
    reg('amt.selectDevice', async (node?: TreeNode) => {
      const target = await targetOf(ctx, node, () => true, 'Show which device in the Classes and Power views?', true);
      if (!target) return;
      ctx.select(target);
      if (!ctx.power.get(target.id)) void ctx.power.refresh(target.id).catch(() => undefined);
    }),
    reg('amt.enterPassword', async (targetId?: string) => {
      const target = targetId ? await ctx.target(targetId) : ctx.selectedNow();
      if (!target) return;
      if (target.kind !== 'remote') {
        void vscode.window.showInformationMessage(`${target.label} uses the account the backend knows; there is no password to enter.`);
        return;
      }
      if (await ctx.enterPassword(target.id)) await ctx.power.refresh(target.id).catch(() => undefined);
    }),
    reg('amt.restartBackend', async () => {
      await ctx.client.restart();
      const problems = await store.restore(ctx.request);
      if (problems.length > 0) void vscode.window.showWarningMessage(`Some devices could not be added again: ${problems.join(' ')}`);
      await ctx.devices.reload();
      await ctx.reselect();
    }),
  ];
}

/** The device of a tree row, else one picked from the list (skipped when there is only one). */
export async function targetOf(ctx: Ctx, node: TreeNode | undefined, accept: (t: TargetInfo) => boolean, prompt: string, alwaysAsk = false): Promise<TargetInfo | undefined> {
  if (node?.data.kind === 'device') return node.data.target;
  const id = node && 'targetId' in node.data ? node.data.targetId : undefined;
  if (id) return ctx.target(id);
  const targets = (await ctx.devices.list()).filter(accept);
  if (targets.length === 0) {
    void vscode.window.showInformationMessage('There is no such device; add one with "AMT: Add Device…".');
    return undefined;
  }
  if (targets.length === 1 && !alwaysAsk) return targets[0];
  const selected = ctx.selectedNow()?.id;
  const pick = await vscode.window.showQuickPick(
    targets.map((t) => ({ label: `${t.id === selected ? '$(check) ' : ''}${t.label}`, description: [t.state, t.url].filter(Boolean).join(' · '), target: t })),
    { placeHolder: prompt },
  );
  return pick?.target;
}

/** AMT on this machine: our own APF over /dev/mei0, an installed LMS, or whichever answers (docs/local-access.md). */
async function addLocalDevice(ctx: Ctx, store: DeviceStore): Promise<void> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Auto', description: 'an installed LMS if one listens on 127.0.0.1:16992, else our own port forwarding over /dev/mei0', url: 'auto' },
      { label: 'Local (MEI)', description: 'our own APF port forwarding over /dev/mei0; no Intel LMS needed', url: 'local' },
      { label: 'Intel LMS', description: 'an installed LMS on 127.0.0.1:16992', url: 'lms' },
    ],
    { title: 'Add AMT on this machine', placeHolder: "How to reach this machine's AMT (the local system account is used, no password needed)", ignoreFocusOut: true },
  );
  if (!kind) return;
  const params: AddTargetParams = { url: kind.url, user: '' };
  let target: TargetInfo;
  try {
    target = await ctx.request(Requests.addTarget, params);
  } catch (err) {
    void vscode.window.showErrorMessage(`This machine's AMT was not added: ${errorMessage(err)}`);
    return;
  }
  await store.remember(target, params);
  await ctx.devices.reload();
  ctx.select(target);
}

async function addDevice(ctx: Ctx, store: DeviceStore): Promise<void> {
  const steps = 5;
  const host = await vscode.window.showInputBox({
    title: `Add AMT device (1/${steps})`,
    prompt: 'Host name or IP address of the AMT device',
    placeHolder: '192.0.2.10',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w.-]+$|^\[?[0-9a-f:]+\]?$/i.test(v.trim()) ? undefined : 'Give a host name or an IPv4/IPv6 address'),
  });
  if (!host) return;
  const tls = await vscode.window.showQuickPick(
    [
      { label: 'HTTP', description: 'port 16992, no TLS', tls: false },
      { label: 'HTTPS (TLS)', description: 'port 16993', tls: true },
    ],
    { title: `Add AMT device (2/${steps})`, placeHolder: 'How does the device serve WS-Man?', ignoreFocusOut: true },
  );
  if (!tls) return;
  const port = await vscode.window.showInputBox({
    title: `Add AMT device (3/${steps})`,
    prompt: 'Port',
    value: tls.tls ? '16993' : '16992',
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'Give a port from 1 to 65535'),
  });
  if (!port) return;
  const user = await vscode.window.showInputBox({ title: `Add AMT device (4/${steps})`, prompt: 'AMT user name', value: 'admin', ignoreFocusOut: true });
  if (!user) return;
  const password = await vscode.window.showInputBox({
    title: `Add AMT device (5/${steps})`,
    prompt: `Password of ${user} (kept in VS Code's secret storage, never in settings)`,
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return;
  let fingerprint: string | undefined;
  if (tls.tls) {
    fingerprint = await vscode.window.showInputBox({
      title: 'Add AMT device: trusted certificate (optional)',
      prompt: "SHA-256 fingerprint of the device's TLS certificate, for self-signed AMT certificates; leave empty to trust the system's CAs",
      ignoreFocusOut: true,
    });
    if (fingerprint === undefined) return;
  }
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host.trim()}]` : host.trim();
  const params: AddTargetParams = {
    url: `${tls.tls ? 'https' : 'http'}://${hostPart}:${port.trim()}`,
    user: user.trim(),
    ...(fingerprint?.trim() ? { trustedFingerprint256: fingerprint.trim() } : {}),
  };
  let target: TargetInfo;
  try {
    target = await ctx.request(Requests.addTarget, params);
  } catch (err) {
    void vscode.window.showErrorMessage(`The device was not added: ${errorMessage(err)}`);
    return;
  }
  await ctx.secrets.store(target, password);
  await store.remember(target, params);
  await ctx.devices.reload();
  ctx.select(target);
  try {
    const id = await ctx.request(Requests.identify, { targetId: target.id });
    void vscode.window.showInformationMessage(`Added ${target.label}: ${id.productVendor} ${id.productVersion}.`);
  } catch (err) {
    void vscode.window.showWarningMessage(`Added ${target.label}, but it did not answer yet: ${errorMessage(err)}`);
  }
}
