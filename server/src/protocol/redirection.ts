/**
 * Redirection (SOL, IDE-R), redirection features, user consent and boot control:
 * requests and payloads. protocol.ts re-exports them; the same rules hold (names and types only).
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { PowerStateResult, TargetParams } from './shared';

// ---- Redirection: SOL and IDE-R sessions (features/redirection/), port 16994/16995 or the local APF path ----

export interface SolOpenParams extends TargetParams { /** The terminal's size (SOL itself carries none). */ columns?: number; rows?: number }
export interface SolOpenResult { sessionId: string; /** How it reached the device, e.g. `TCP 127.0.0.1:16994`, `TLS …:16995`, `local APF channel`. */ route: string; hostPowered: boolean }
/** Bytes of a SOL session, base64: to the host (`amt/sol/input`) or from it (`amt/sol/output`). */
export interface SolData { sessionId: string; data: string }
/** A SOL or IDE-R session ended; `reason` (one sentence) only when it was not closed on request. */
export interface SessionEnded { sessionId: string; reason?: string }
export interface IderMountParams extends TargetParams {
  /** Absolute paths of the images to serve: an ISO 9660 `.iso` as the CD, a `.img` as the floppy. */ cd?: string; floppy?: string;
  /** Once the drives are up: boot once from the IDE-R CD (the floppy when no CD), powering on or resetting the host. */ reboot?: boolean;
}
export interface IderMountResult { sessionId: string; route: string }
export interface IderProgress {
  sessionId: string; /** Sectors the host read so far. */ sectorsRead: number; bytesRead: number; /** Over the last second. */ mbPerSecond: number;
  /** `ejected`: the host ejected the medium (START STOP UNIT), which ends the session. */ state: 'waiting' | 'reading' | 'ejected' | 'ended'; reason?: string;
}

// ---- Redirection features, user consent, boot control (features/redirection/features.ts, features/consent/, features/boot/) ----

export type ConsentPolicy = 'none' | 'kvm' | 'all';
export interface ConsentState {
  /** IPS_OptInService.OptInRequired: 0 none, 1 KVM only, 0xFFFFFFFF everything. */ required: ConsentPolicy;
  /** OptInState 0–4 and its words, e.g. `2 (code displayed)`. */ state: number; stateText: string;
  codeTimeoutSeconds: number; displayTimeoutSeconds: number; /** `ACM`, `CCM` or `not provisioned`. */ controlMode: string;
}
export interface RedirectionFeatures {
  /** AMT_RedirectionService.ListenerEnabled: port 16994/16995 open. */ listener: boolean; sol: boolean; ider: boolean;
  /** CIM_KVMRedirectionSAP enabled; absent when the device has no KVM. */ kvm?: boolean; consent: ConsentState;
}
export interface SetRedirectionFeaturesParams extends TargetParams { listener?: boolean; sol?: boolean; ider?: boolean; kvm?: boolean }
export interface ConsentCodeParams extends TargetParams { /** The six digits the host screen shows. */ code: string }
export type BootTarget = 'pxe' | 'hdd' | 'cd' | 'ider-cd' | 'ider-floppy' | 'bios-setup';
export type BootPower = 'on' | 'reset' | 'cycle' | 'none';
export interface BootParams extends TargetParams { target: BootTarget; /** Default: on when off, reset when on. */ power?: BootPower; /** BIOS console to SOL (UseSOL). */ useSol?: boolean; biosPause?: boolean }
export interface HttpsBootParams extends TargetParams {
  /** `https://…` of the boot image (One Click Recovery, AMT 16+). */ url: string; /** The HTTPS server's account, not AMT's. */ username?: string; password?: string;
  verifyServerCertificate?: boolean; power?: BootPower;
}
export interface EraseParams extends TargetParams {
  /** The device name the user typed to confirm. */ confirmation: string; power?: BootPower;
  /** Erase actions (`ssd`, `verify`, `tpm`, `oem`, `bios-nvm`, `bios-golden`); default: each of ssd, tpm, bios-nvm the device offers. */ actions?: string[];
}
/** One WS-Man step of a boot sequence, in the order sent. */
export interface BootStep { step: string; ok: boolean; /** The device's answer, e.g. `ReturnValue 0`. */ detail: string }
export interface BootResult { steps: BootStep[]; /** One sentence: what the host does at its next boot. */ message: string; powerState?: PowerStateResult }
export interface BootStatus {
  /** One sentence, e.g. `Next boot: once from IDE-R CD, BIOS output to SOL.` or `Next boot: the host's own order.` */ nextBoot: string;
  /** The forced CIM_BootSourceSetting InstanceID, if any. */ forcedSource?: string;
  /** AMT_BootSettingData flags that are set (true or non-zero). */ options: Record<string, string | number | boolean>;
  /** What AMT_BootCapabilities allows, by BootTarget and `https`, `erase`. */ supported: string[];
}

export const RedirectionRequests = {
  /** Opens SOL (session, digest, StartSOLRedirection); output arrives as `amt/sol/output`. */ solOpen: new RequestType<SolOpenParams, SolOpenResult, void>('amt/sol/open'),
  /** Ends SOL (EndSOLRedirection, EndRedirectionSession). */ solClose: new RequestType<{ sessionId: string }, void, void>('amt/sol/close'),
  /** Opens IDE-R serving the images; progress arrives as `amt/ider/progress`. */ iderMount: new RequestType<IderMountParams, IderMountResult, void>('amt/ider/mount'),
  /** Ends IDE-R. */ iderStop: new RequestType<{ sessionId: string }, void, void>('amt/ider/stop'),
  /** Listener, SOL, IDE-R, KVM and consent state. */ features: new RequestType<TargetParams, RedirectionFeatures, void>('amt/redirection/features'),
  /** Changes what is given, then reads the state back. */ setFeatures: new RequestType<SetRedirectionFeaturesParams, RedirectionFeatures, void>('amt/redirection/setFeatures'),
  /** IPS_OptInService.StartOptIn (the host shows a code). */ consentStart: new RequestType<TargetParams, ConsentState, void>('amt/consent/start'),
  /** SendOptInCode. */ consentCode: new RequestType<ConsentCodeParams, ConsentState, void>('amt/consent/code'),
  /** CancelOptIn. */ consentCancel: new RequestType<TargetParams, ConsentState, void>('amt/consent/cancel'),
} as const;

export const BootRequests = {
  /** The next boot as the device has it. */ status: new RequestType<TargetParams, BootStatus, void>('amt/boot/status'),
  /** The full one-time boot sequence, then the power change. */ set: new RequestType<BootParams, BootResult, void>('amt/boot/set'),
  /** One Click Recovery: HTTPS boot from a URL (AMT 16+). */ https: new RequestType<HttpsBootParams, BootResult, void>('amt/boot/https'),
  /** Remote Platform Erase at the next boot. */ erase: new RequestType<EraseParams, BootResult, void>('amt/boot/erase'),
} as const;

export const RedirectionNotifications = {
  /** Keystrokes for a SOL session (client → backend). */ solInput: new NotificationType<SolData>('amt/sol/input'),
  /** Bytes the host printed (backend → client). */ solOutput: new NotificationType<SolData>('amt/sol/output'),
  /** A SOL session ended. */ solEnded: new NotificationType<SessionEnded>('amt/sol/ended'),
  /** IDE-R progress, at most a few times a second, and once when it ends. */ iderProgress: new NotificationType<IderProgress>('amt/ider/progress'),
} as const;
