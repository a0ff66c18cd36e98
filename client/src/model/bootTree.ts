/**
 * The Power view's "Boot" and "Redirection" sections: the next boot as the device has it, the
 * one-time boot options, and the redirection switches (listener, SOL, IDE-R, KVM) with the
 * user-consent policy and state. Readings are cached per device; commands refresh them.
 */
import { BootRequests, RedirectionRequests, type BootStatus, type BootTarget, type RedirectionFeatures } from '../../../server/src/protocol';
import { consentPolicyText } from './redirection';
import { Emitter, errorMessage, type Request } from './request';
import { infoNode, type TreeNode } from './tree';

/** The one-time boot options, in the order the Power view lists them. */
export const BOOT_OPTIONS: readonly { target: BootTarget | 'https'; label: string; icon: string; detail: string }[] = [
  { target: 'hdd', label: 'Boot Once from Hard Disk', icon: 'database', detail: "boots the host's own disk once" },
  { target: 'bios-setup', label: 'Boot Once into BIOS Setup', icon: 'settings-gear', detail: 'stops in the BIOS setup screen' },
  { target: 'pxe', label: 'Boot Once from PXE', icon: 'globe', detail: 'boots from the network once' },
  { target: 'ider-cd', label: 'Boot Once from IDE-R CD…', icon: 'package', detail: 'boots the image served over IDE-R (mounts one first when none is)' },
  { target: 'https', label: 'Boot Once from HTTPS (One Click Recovery)…', icon: 'cloud-download', detail: 'boots an image from an https:// URL (AMT 16+)' },
];

export function bootLabel(target: BootTarget | 'https'): string {
  return BOOT_OPTIONS.find((o) => o.target === target)?.label.replace(/…$/, '') ?? target;
}

export const FEATURES: readonly { feature: 'listener' | 'sol' | 'ider' | 'kvm'; label: string }[] = [
  { feature: 'listener', label: 'Redirection listener' },
  { feature: 'sol', label: 'SOL' },
  { feature: 'ider', label: 'IDE-R' },
  { feature: 'kvm', label: 'KVM' },
];

type Reading<T> = { value: T } | { error: string };

export class BootStore {
  private readonly status = new Map<string, Reading<BootStatus>>();
  private readonly features = new Map<string, Reading<RedirectionFeatures>>();
  private readonly changed = new Emitter<string>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly request: Request) {}

  async bootStatus(targetId: string): Promise<Reading<BootStatus>> {
    return this.status.get(targetId) ?? (await this.readStatus(targetId));
  }

  async redirection(targetId: string): Promise<Reading<RedirectionFeatures>> {
    return this.features.get(targetId) ?? (await this.readFeatures(targetId));
  }

  /** Reads both again (after a boot, a toggle, consent, or the view's refresh). */
  async refresh(targetId: string): Promise<void> {
    await Promise.all([this.readStatus(targetId), this.readFeatures(targetId)]);
    this.changed.fire(targetId);
  }

  /** The device's own answer to a switch becomes the reading. */
  setFeatures(targetId: string, features: RedirectionFeatures): void {
    this.features.set(targetId, { value: features });
    this.changed.fire(targetId);
  }

  private async readStatus(targetId: string): Promise<Reading<BootStatus>> {
    const r = await this.request(BootRequests.status, { targetId }).then((value) => ({ value }), (err) => ({ error: errorMessage(err) }));
    this.status.set(targetId, r);
    return r;
  }

  private async readFeatures(targetId: string): Promise<Reading<RedirectionFeatures>> {
    const r = await this.request(RedirectionRequests.features, { targetId }).then((value) => ({ value }), (err) => ({ error: errorMessage(err) }));
    this.features.set(targetId, r);
    return r;
  }
}

/** The two section rows the Power view adds after its actions. */
export function sectionRoots(targetId: string): TreeNode[] {
  return [
    { id: `power:${targetId}/boot`, label: 'Boot', icon: 'rocket', collapsible: 'expanded', contextValue: 'amt.bootSection', data: { kind: 'bootSection', targetId } },
    { id: `power:${targetId}/redirection`, label: 'Redirection', icon: 'terminal', collapsible: 'expanded', contextValue: 'amt.redirectionSection', data: { kind: 'redirectionSection', targetId } },
  ];
}

/** The rows under a section row; undefined for rows that are not sections. */
export async function sectionChildren(store: BootStore, node: TreeNode): Promise<TreeNode[] | undefined> {
  const d = node.data;
  if (d.kind === 'bootSection') return bootRows(d.targetId, await store.bootStatus(d.targetId));
  if (d.kind === 'redirectionSection') return redirectionRows(d.targetId, await store.redirection(d.targetId));
  return undefined;
}

export function bootRows(targetId: string, status: Reading<BootStatus>): TreeNode[] {
  const head =
    'value' in status
      ? infoNode(`power:${targetId}/boot/status`, 'Boot Status', {
          description: status.value.nextBoot,
          tooltip: [status.value.nextBoot, status.value.forcedSource ? `Forced source: ${status.value.forcedSource}` : undefined, `Supported: ${status.value.supported.join(', ') || 'nothing reported'}`]
            .filter(Boolean)
            .join('\n'),
          icon: 'info',
          targetId,
        })
      : infoNode(`power:${targetId}/boot/status`, 'Boot status unknown', { description: status.error, tooltip: status.error, icon: 'error', iconColor: 'errorForeground', targetId });
  const supported = 'value' in status ? new Set(status.value.supported) : undefined;
  const options = BOOT_OPTIONS.map(
    (o): TreeNode => ({
      id: `power:${targetId}/boot/${o.target}`,
      label: o.label,
      ...(supported && supported.size > 0 && !supported.has(o.target) ? { description: 'not supported by this device' } : {}),
      tooltip: `${o.label}: ${o.detail}, powering the host on (or resetting it when on).`,
      icon: o.icon,
      collapsible: 'none',
      contextValue: 'amt.bootOption',
      command: { id: 'amt.boot.once', title: o.label, args: [targetId, o.target] },
      data: { kind: 'bootOption', targetId, target: o.target },
    }),
  );
  return [head, ...options];
}

export function redirectionRows(targetId: string, features: Reading<RedirectionFeatures>): TreeNode[] {
  if ('error' in features) {
    return [infoNode(`power:${targetId}/redirection/error`, 'Redirection state unknown', { description: features.error, tooltip: features.error, icon: 'error', iconColor: 'errorForeground', targetId })];
  }
  const f = features.value;
  const rows = FEATURES.filter((x) => x.feature !== 'kvm' || f.kvm !== undefined).map((x): TreeNode => {
    const enabled = Boolean(f[x.feature]);
    return {
      id: `power:${targetId}/redirection/${x.feature}`,
      label: `${x.label}: ${enabled ? 'on' : 'off'}`,
      tooltip: `${x.label} is ${enabled ? 'enabled' : 'disabled'}. Click to turn it ${enabled ? 'off' : 'on'}.`,
      icon: enabled ? 'pass-filled' : 'circle-large-outline',
      collapsible: 'none',
      contextValue: `amt.redirectionFeature.${enabled ? 'on' : 'off'}`,
      command: { id: 'amt.redirection.toggle', title: `Turn ${x.label} ${enabled ? 'Off' : 'On'}`, args: [targetId, x.feature, !enabled] },
      data: { kind: 'redirectionFeature', targetId, feature: x.feature, enabled },
    };
  });
  const c = f.consent;
  rows.push({
    id: `power:${targetId}/redirection/consent`,
    label: `Consent: ${consentPolicyText(c)}`,
    description: c.stateText,
    tooltip: `IPS_OptInService: user consent asked for ${consentPolicyText(c)}, state ${c.stateText}; a code is shown for ${c.displayTimeoutSeconds} s and must be typed within ${c.codeTimeoutSeconds} s. Click to ask for consent.`,
    icon: 'shield',
    collapsible: 'none',
    contextValue: 'amt.consent',
    command: { id: 'amt.requestConsent', title: 'Request User Consent', args: [targetId] },
    data: { kind: 'info', targetId },
  });
  return rows;
}
