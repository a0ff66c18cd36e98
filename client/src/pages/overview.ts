/**
 * The Overview page: what a console shows first on connect (amt/overview/report), with the actions
 * beside what they change — power (amt/power/action), the redirection switches
 * (amt/redirection/setFeatures) — and buttons to the device's other pages.
 */
import { OverviewRequests, RedirectionRequests, Requests, type OverviewReport, type PowerAction } from '../../../server/src/protocol';
import { badge, button, html, keyValues, section, table, type Safe } from './html';
import type { PageSpec } from './page';

type Switch = 'listener' | 'sol' | 'ider' | 'kvm';

const POWER_BUTTONS: ReadonlyArray<readonly [PowerAction, string, string | undefined]> = [
  ['on', 'Power on', undefined],
  ['off', 'Power off', 'Power the host off? Its operating system is not shut down first.'],
  ['reset', 'Reset', 'Reset the host? Unsaved work on it is lost.'],
  ['cycle', 'Power cycle', 'Power-cycle the host? Unsaved work on it is lost.'],
];

const SWITCH_NAMES: Readonly<Record<Switch, string>> = { listener: 'Redirection listener (16994/16995)', sol: 'Serial over LAN', ider: 'IDE redirection', kvm: 'KVM' };

/** Pages the overview links to, when the extension has them (registry.ts lists them all). */
const LINKS: ReadonlyArray<readonly [kind: string, label: string]> = [
  ['hardware', 'Hardware'],
  ['storage', 'Software and storage'],
];

function onOff(v: boolean | undefined): Safe {
  if (v === undefined) return badge('not on this device', 'info');
  return v ? badge('on', 'ok') : badge('off', 'warn');
}

function render(o: OverviewReport): Safe {
  const id = o.identity;
  const powerOn = o.power.state === 2;
  const redirRows = (['listener', 'sol', 'ider', 'kvm'] as const).map((k): readonly [string, Safe, Safe | undefined] => {
    const v = o.redirection[k];
    return [SWITCH_NAMES[k], onOff(v), v === undefined ? undefined : button(v ? 'Turn off' : 'Turn on', 'redirection', { name: k, on: !v }, { title: `${v ? 'Disable' : 'Enable'} ${SWITCH_NAMES[k]}` })];
  });
  return html`
${o.problems.length ? html`<p class="error" id="problems">${o.problems.join(' ')}</p>` : ''}
${section('Identity', keyValues([
  ['Host name', [id.hostName, id.domainName].filter(Boolean).join('.') || '(not set)'],
  ['Platform', [id.manufacturer, id.model].filter(Boolean).join(' ')],
  ['Serial number', id.serialNumber],
  ['System ID', id.systemId],
]), LINKS.map(([kind, label]) => button(label, 'openPage', { kind })), 'identity')}
${section('Firmware', keyValues([
  ['AMT version', `${o.firmware.amtVersion}${o.firmware.build ? ` (build ${o.firmware.build})` : ''}`],
  ['SKU', o.firmware.sku],
  ['Flash', o.firmware.flash],
  ...(o.firmware.server ? [['Web server', o.firmware.server] as const] : []),
]), button('Firmware components', 'openPage', { kind: 'storage' }), 'firmware')}
${section('Provisioning', keyValues([
  ['State', o.provisioning.stateText],
  ['Control mode', badge(o.provisioning.controlMode, o.provisioning.controlMode === 'ACM' || o.provisioning.controlMode === 'CCM' ? 'ok' : 'warn')],
  ['Provisioning mode', o.provisioning.modeText],
]), undefined, 'provisioning')}
${section('Power', keyValues([['Power state', badge(`${o.power.label} (${o.power.state})`, powerOn ? 'ok' : 'warn')]]),
  POWER_BUTTONS.map(([action, label, confirm]) => button(label, 'power', { action }, { ...(confirm ? { confirm } : {}), primary: action === 'on' && !powerOn })), 'power')}
${section('Network', table(['Port', 'IP address', 'MAC address', 'Link', 'DHCP', 'Gateway', 'DNS'],
  o.network.map((n) => [n.name, n.ip || '—', n.mac, n.linkUp ? badge('up', 'ok') : badge('down', 'warn'), n.dhcp ? 'yes' : 'no', n.gateway || '—', n.dns || '—']), 'The device lists no network ports.'), undefined, 'network')}
${section('Redirection', keyValues(redirRows), undefined, 'redirection')}
${section('User consent', keyValues([
  ['Consent required', o.consent.required === 'all' ? 'for everything (redirection and boot changes)' : o.consent.required === 'kvm' ? 'for KVM only' : 'never'],
  ['State', o.consent.stateText],
]), undefined, 'consent')}`;
}

export const overviewPage: PageSpec<OverviewReport> = {
  kind: 'overview',
  title: 'Overview',
  icon: 'dashboard',
  load: (page) => page.request(OverviewRequests.report, { targetId: page.targetId }),
  render,
  actions: {
    async power(page, _data, input) {
      const action = (input.args as { action?: PowerAction } | undefined)?.action;
      if (!action) return;
      const r = await page.request(Requests.powerAction, { targetId: page.targetId, action });
      return `The device accepted "${action}"${r.powerState ? `; the host is now ${r.powerState.label}` : ''}.`;
    },
    async redirection(page, _data, input) {
      const a = input.args as { name?: Switch; on?: boolean } | undefined;
      if (!a?.name || typeof a.on !== 'boolean') return;
      const after = await page.request(RedirectionRequests.setFeatures, { targetId: page.targetId, [a.name]: a.on });
      const now = after[a.name];
      return `${SWITCH_NAMES[a.name]} is ${now ? 'on' : 'off'} now.`;
    },
    async openPage(page, _data, input, ui) {
      const kind = (input.args as { kind?: string } | undefined)?.kind;
      if (kind && ui.openPage) await ui.openPage(kind, page.targetId);
    },
  },
};
