/**
 * Boot options (Power view "Boot" rows and the palette), the redirection switches and "Request
 * User Consent". Each boot asks for confirmation in a modal naming the device; the result is one
 * notification: what the host does next, and the steps sent.
 */
import * as vscode from 'vscode';
import { BootRequests, RedirectionRequests, type BootResult, type BootTarget, type TargetInfo } from '../../../server/src/protocol';
import { targetOf } from '../commands/devices';
import type { Ctx } from '../ctx';
import { BOOT_OPTIONS, bootLabel, FEATURES } from '../model/bootTree';
import { summariseBoot, editorMessage } from '../model/redirection';
import type { TreeNode } from '../model/tree';
import { requestConsent, withConsent } from './consent';
import { pickImage, type IderMounts } from './mount';

type Feature = 'listener' | 'sol' | 'ider' | 'kvm';

async function deviceOf(ctx: Ctx, arg: TreeNode | string | undefined, prompt: string): Promise<TargetInfo | undefined> {
  return typeof arg === 'string' ? ctx.target(arg) : targetOf(ctx, arg ?? undefined, () => true, prompt);
}

export function bootCommands(ctx: Ctx, mounts: IderMounts): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('amt.boot.once', async (arg?: TreeNode | string, given?: BootTarget | 'https') => {
      const target = await deviceOf(ctx, arg, 'Boot which device?');
      if (!target) return;
      let option = given ?? (typeof arg === 'object' && arg?.data.kind === 'bootOption' ? arg.data.target : undefined);
      if (!option) {
        const pick = await vscode.window.showQuickPick(BOOT_OPTIONS.map((o) => ({ label: o.label, detail: o.detail, target: o.target })), { placeHolder: `Boot ${target.label} once from…` });
        if (!pick) return;
        option = pick.target;
      }
      if (option === 'https') return httpsBoot(ctx, target);
      if (option === 'ider-cd' && !mounts.forTarget(target.id)) {
        // Nothing served yet: mounting with reboot sends the same boot sequence once the drive is up.
        const file = await pickImage();
        if (file) await mounts.mount(target, file, true);
        return;
      }
      await boot(ctx, target, option);
    }),
    reg('amt.boot.status', async (arg?: TreeNode | string) => {
      const target = await deviceOf(ctx, arg, 'Boot status of which device?');
      if (!target) return;
      try {
        const status = await ctx.request(BootRequests.status, { targetId: target.id });
        void vscode.window.showInformationMessage(`${target.label}: ${status.nextBoot}`);
        await ctx.boot.refresh(target.id);
      } catch (err) {
        void vscode.window.showErrorMessage(editorMessage(err));
      }
    }),
    reg('amt.redirection.toggle', async (arg?: TreeNode | string, feature?: Feature, enable?: boolean) => {
      const target = await deviceOf(ctx, arg, 'Change redirection on which device?');
      if (!target) return;
      if (typeof arg === 'object' && arg?.data.kind === 'redirectionFeature') {
        feature ??= arg.data.feature;
        enable ??= !arg.data.enabled;
      }
      if (!feature || enable === undefined) {
        const now = await ctx.request(RedirectionRequests.features, { targetId: target.id }).catch((err) => void vscode.window.showErrorMessage(editorMessage(err)));
        if (!now) return;
        const pick = await vscode.window.showQuickPick(
          FEATURES.filter((f) => f.feature !== 'kvm' || now.kvm !== undefined).map((f) => ({ label: `Turn ${f.label} ${now[f.feature] ? 'off' : 'on'}`, feature: f.feature, enable: !now[f.feature] })),
          { placeHolder: `Redirection on ${target.label}` },
        );
        if (!pick) return;
        ({ feature, enable } = pick);
      }
      const label = FEATURES.find((f) => f.feature === feature)?.label ?? feature;
      try {
        const after = await ctx.request(RedirectionRequests.setFeatures, { targetId: target.id, [feature]: enable });
        ctx.boot.setFeatures(target.id, after);
        const now = Boolean(after[feature]);
        void (now === enable
          ? vscode.window.showInformationMessage(`${label} on ${target.label} is ${now ? 'on' : 'off'} now.`)
          : vscode.window.showWarningMessage(`${target.label} accepted the change but reads ${label} as ${now ? 'on' : 'off'} still.`));
      } catch (err) {
        void vscode.window.showErrorMessage(editorMessage(err));
      }
    }),
    reg('amt.boot.erase', async (arg?: TreeNode | string) => {
      const target = await deviceOf(ctx, arg, 'Erase which device?');
      if (target) await eraseDevice(ctx, target);
    }),
    reg('amt.requestConsent', async (arg?: TreeNode | string) => {
      const target = await deviceOf(ctx, arg, 'Ask for user consent on which device?');
      if (target) await requestConsent(ctx, target);
    }),
  ];
}

/** A one-time boot with the backend's default power change, after a modal naming the device. */
export async function boot(ctx: Ctx, target: TargetInfo, option: BootTarget): Promise<BootResult | undefined> {
  const label = bootLabel(option);
  const plain = 'Boot';
  const sol = 'Boot with BIOS Output to SOL';
  const answer = await vscode.window.showWarningMessage(
    `${label}: ${target.label}?`,
    { modal: true, detail: `The host boots once ${BOOT_OPTIONS.find((o) => o.target === option)?.detail ?? option}: it is powered on, or reset at once when on. "${sol}" also sends the BIOS screen to SOL ("AMT: Open SOL Terminal" shows it).` },
    plain,
    sol,
  );
  if (!answer) return undefined;
  return runBoot(ctx, target, `${label}: ${target.label}…`, () => ctx.request(BootRequests.set, { targetId: target.id, target: option, useSol: answer === sol }));
}

async function httpsBoot(ctx: Ctx, target: TargetInfo): Promise<void> {
  const url = await vscode.window.showInputBox({
    title: `One Click Recovery: HTTPS boot of ${target.label}`,
    prompt: 'The https:// URL of the boot image (an .iso the firmware downloads).',
    placeHolder: 'https://server.example/recovery.iso',
    ignoreFocusOut: true,
    validateInput: (v) => (/^https:\/\/[^\s/]+\/\S*$/i.test(v.trim()) ? undefined : 'An https:// URL with a host and a path, e.g. https://server.example/recovery.iso.'),
  });
  if (!url) return;
  const answer = await vscode.window.showWarningMessage(`Boot ${target.label} once from ${url.trim()}?`, { modal: true, detail: 'The host is powered on, or reset at once when on, and its firmware downloads the image over HTTPS (the server certificate is checked).' }, 'Boot');
  if (answer !== 'Boot') return;
  await runBoot(ctx, target, `HTTPS boot: ${target.label}…`, () => ctx.request(BootRequests.https, { targetId: target.id, url: url.trim(), verifyServerCertificate: true }));
}

async function runBoot(ctx: Ctx, target: TargetInfo, title: string, send: () => Promise<BootResult>): Promise<BootResult | undefined> {
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => withConsent(ctx, target, send));
    if (!result) return undefined;
    const failed = result.steps.some((s) => !s.ok);
    void (failed ? vscode.window.showWarningMessage(summariseBoot(target.label, result)) : vscode.window.showInformationMessage(summariseBoot(target.label, result)));
    await Promise.all([ctx.boot.refresh(target.id), ctx.power.refresh(target.id).catch(() => undefined)]);
    return result;
  } catch (err) {
    void vscode.window.showErrorMessage(editorMessage(err));
    return undefined;
  }
}

/**
 * Remote Platform Erase (AMT 16+): the user types the device's name to confirm, then a modal asks
 * once more; the backend checks the name against the device's own before anything is sent.
 */
async function eraseDevice(ctx: Ctx, target: TargetInfo): Promise<void> {
  const typed = await vscode.window.showInputBox({
    title: `Remote Platform Erase of ${target.label}`,
    prompt: `At its next boot the host erases its storage and settings; this cannot be undone. Type ${target.label} to confirm.`,
    placeHolder: target.label,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? `Type ${target.label} to confirm.` : undefined),
  });
  if (!typed) return;
  const answer = await vscode.window.showWarningMessage(`Erase ${target.label}?`, { modal: true, detail: 'The host is powered on, or reset at once when on, and erases itself as it boots.' }, 'Erase');
  if (answer !== 'Erase') return;
  await runBoot(ctx, target, `Remote Platform Erase: ${target.label}…`, () => ctx.request(BootRequests.erase, { targetId: target.id, confirmation: typed.trim() }));
}
