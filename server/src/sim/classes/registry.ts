/**
 * The simulator's class table: every class it serves, looked up by name or resource URI, with
 * the property specs parsed once. The data is immutable; instance state lives in SimDevice.
 */
import { AGENT_PRESENCE_CLASSES } from './agent-presence';
import { BOOT_CLASSES } from './boot';
import { BOOT_CONTROL_CLASSES } from './boot-control';
import { CERTIFICATE_CLASSES } from './certificates';
import { TLS_CLASSES } from './tls';
import { REMOTE_ACCESS_CLASSES } from './remote-access';
import { ALARM_CLOCK_CLASSES } from './alarm-clock';
import { SECURITY_SETTING_CLASSES } from './security-settings';
import { EVENT_CLASSES } from './events';
import { cimUri } from './common';
import { GENERAL_CLASSES } from './general';
import { HARDWARE_CLASSES } from './hardware';
import { LOG_CLASSES } from './log';
import { NETWORK_CLASSES } from './network';
import { PARENT_CLASSES } from './parents';
import { PLATFORM_CLASSES } from './platform';
import { POWER_CLASSES } from './power';
import { REDIRECTION_CLASSES } from './redirection';
import { SETUP_CLASSES } from './setup';
import { SOFTWARE_CLASSES } from './software';
import { WIFI_CLASSES_DEFS } from './wifi';
import { STORAGE_CLASSES } from './storage';
import { SYSTEM_DEFENSE_CLASSES } from './system-defense';
import { ASSET_CLASSES } from './assets';
import { parseSpec, type ClassDef, type PropDef } from './types';

export interface ClassInfo {
  readonly def: ClassDef;
  readonly uri: string;
  readonly props: ReadonlyMap<string, PropDef>;
  /** Key property names in ASCII order (the order AMT writes selectors in EPRs). */
  readonly keys: readonly string[];
}

const DEFS: readonly ClassDef[] = [
  ...GENERAL_CLASSES, ...SETUP_CLASSES, ...NETWORK_CLASSES, ...BOOT_CLASSES, ...POWER_CLASSES,
  ...HARDWARE_CLASSES, ...SOFTWARE_CLASSES, ...REDIRECTION_CLASSES, ...LOG_CLASSES, ...EVENT_CLASSES,
  ...AGENT_PRESENCE_CLASSES,
  ...BOOT_CONTROL_CLASSES, ...PLATFORM_CLASSES, ...WIFI_CLASSES_DEFS, ...PARENT_CLASSES,
  ...CERTIFICATE_CLASSES, ...TLS_CLASSES, ...REMOTE_ACCESS_CLASSES, ...ALARM_CLOCK_CLASSES, ...SECURITY_SETTING_CLASSES,
  ...STORAGE_CLASSES, ...SYSTEM_DEFENSE_CLASSES, ...ASSET_CLASSES,
];

function compile(def: ClassDef): ClassInfo {
  const props = new Map(Object.entries(def.props).map(([n, spec]) => [n, parseSpec(spec)]));
  const keys = [...props].filter(([, p]) => p.key).map(([n]) => n).sort();
  return { def, uri: cimUri(def.name), props, keys };
}

const BY_NAME: ReadonlyMap<string, ClassInfo> = new Map(DEFS.map((d) => [d.name, compile(d)]));
const BY_URI: ReadonlyMap<string, ClassInfo> = new Map([...BY_NAME.values()].map((c) => [c.uri, c]));

export function allClasses(): readonly ClassDef[] {
  return DEFS;
}

export function classByName(name: string): ClassDef | undefined {
  return BY_NAME.get(name)?.def;
}

export function classInfo(name: string): ClassInfo | undefined {
  return BY_NAME.get(name);
}

export function classByUri(uri: string): ClassInfo | undefined {
  return BY_URI.get(uri);
}
