/**
 * The AMT Workbench custom LSP protocol: every request and notification name and payload type
 * between the extension (client/) and the backend (server/). This is the only place a method name
 * is spelled; both sides import these objects.
 *
 * Credentials: a remote device's password never lives in the backend's target list. The client
 * keeps it in VS Code SecretStorage and sends it with each request that talks to the device
 * (`credentials`), so the backend holds it only for the duration of a connection.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { EndpointReference, Instance, Selectors, WsValue } from './wsman/types';

export interface Credentials {
  user: string;
  password: string;
}

export type TargetKind = 'sim' | 'remote' | 'local' | 'lms';

/** A device as the backend knows it (no password). */
export interface TargetInfo {
  id: string;
  kind: TargetKind;
  label: string;
  /** `http://host:port` / `https://host:port` for remote targets, the simulator's URL once started. */
  url?: string;
  user?: string;
  /** Whether the device can be removed (the embedded simulator cannot). */
  removable: boolean;
  state: 'disconnected' | 'connecting' | 'connected' | 'error';
  /** Last connection error, one sentence. */
  error?: string;
}

/** Every device request names its target and may carry credentials. */
export interface TargetParams {
  targetId: string;
  credentials?: Credentials;
}

export interface AddTargetParams {
  label?: string;
  /** `http://host:16992` or `https://host:16993`. */
  url: string;
  user: string;
  /** PEM CA bundle or a trusted SHA-256 certificate fingerprint for https targets. */
  trustedFingerprint256?: string;
}

export interface IdentifyResult {
  protocolVersion: string;
  productVendor: string;
  productVersion: string;
  dashVersion?: string;
  securityProfiles: string[];
  /** The HTTP `Server` header, which carries the firmware version. */
  server?: string;
}

export interface ClassSummary {
  name: string;
  schema: 'amt' | 'cim' | 'ips';
  resourceUri: string;
}

export interface EnumerateParams extends TargetParams {
  className: string;
  /** Items per Pull; the backend reports progress per page. */
  maxElements?: number;
}

export interface EnumeratedItem {
  instance?: Instance;
  epr?: EndpointReference;
}

export interface GetParams extends TargetParams {
  className: string;
  selectors?: Selectors;
}

export interface PutParams extends GetParams {
  properties: Record<string, WsValue>;
}

export interface InvokeParams extends GetParams {
  method: string;
  input: Record<string, WsValue>;
}

export interface InvokeResult {
  returnValue: number;
  returnMeaning: string;
  output: Record<string, WsValue>;
}

export type PowerAction = 'on' | 'off' | 'reset' | 'cycle' | 'soft-off' | 'soft-reset';

export interface PowerStateResult {
  powerState: number;
  label: string;
}

export interface PowerActionParams extends TargetParams {
  action: PowerAction;
}

export interface PowerActionResult {
  returnValue: number;
  returnMeaning: string;
  powerState?: PowerStateResult;
}

/** Requests, client → backend. */
export const Requests = {
  listTargets: new RequestType<void, TargetInfo[], void>('amt/targets/list'),
  addTarget: new RequestType<AddTargetParams, TargetInfo, void>('amt/targets/add'),
  removeTarget: new RequestType<{ targetId: string }, void, void>('amt/targets/remove'),
  connect: new RequestType<TargetParams, TargetInfo, void>('amt/connect'),
  identify: new RequestType<TargetParams, IdentifyResult, void>('amt/identify'),
  listClasses: new RequestType<void, ClassSummary[], void>('amt/classes/list'),
  enumerate: new RequestType<EnumerateParams, EnumeratedItem[], void>('amt/instances/enumerate'),
  get: new RequestType<GetParams, Instance, void>('amt/instances/get'),
  put: new RequestType<PutParams, Instance | null, void>('amt/instances/put'),
  invoke: new RequestType<InvokeParams, InvokeResult, void>('amt/methods/invoke'),
  powerState: new RequestType<TargetParams, PowerStateResult, void>('amt/power/state'),
  powerAction: new RequestType<PowerActionParams, PowerActionResult, void>('amt/power/action'),
} as const;

/** Notifications, backend → client. */
export const Notifications = {
  /** A target was added, removed, connected or failed: the client refreshes its Devices view. */
  targetsChanged: new NotificationType<TargetInfo[]>('amt/targets/changed'),
  /** Redacted WS-Man wire trace lines (only while `amt.trace.server` is not `off`). */
  trace: new NotificationType<{ targetId: string; direction: 'request' | 'response'; text: string }>('amt/trace'),
} as const;

/** Error codes the backend puts in ResponseError.data so the client can react (e.g. ask for a password). */
export interface ErrorData {
  code: string;
}

// --- wsman language (issue: WS-Man XML authoring) ---
// Requests behind the "Send" / "Send to …" code lenses of .wsman files. The lenses run the client
// commands `amt.wsman.send` (selected device) and `amt.wsman.sendTo` (pick one) with
// `WsmanCommandArgs`; the client then calls `amt/wsman/send`. `amt/wsman/render` shows what would
// be sent (variables substituted, omitted headers filled) and the equivalent curl / amtwb lines.

export const WsmanCommands = {
  send: 'amt.wsman.send',
  sendTo: 'amt.wsman.sendTo',
} as const;

/** The argument of both code-lens commands. */
export interface WsmanCommandArgs {
  /** The .wsman document. */
  uri: string;
  /** 0-based index of the request in the file (blocks separated by `###` that hold XML). */
  requestIndex: number;
}

export interface WsmanSendParams extends TargetParams, WsmanCommandArgs {
  /** Extra variables (e.g. from a client environment); the file's own `@name = value` lines win. */
  variables?: Record<string, string>;
}

export interface WsmanFault {
  /** Local name of the SOAP subcode, e.g. `DestinationUnreachable` (or the SOAP code when there is none). */
  subcode: string;
  /** The device's reason text. */
  reason: string;
  /** One sentence: what the fault means and what to do. */
  meaning: string;
}

export interface WsmanSendResult {
  /** HTTP status of the reply. */
  status: number;
  elapsedMs: number;
  /** The target's label and URL, e.g. `Simulator (http://127.0.0.1:16992)`. */
  target: string;
  /** The reply, pretty-printed. */
  xml: string;
  fault?: WsmanFault;
  /** The envelope exactly as sent. */
  request: string;
}

export interface WsmanRenderParams extends WsmanCommandArgs {
  /** When given, `{{$target}}` and the command lines use this device's URL and user. */
  targetId?: string;
  variables?: Record<string, string>;
}

export interface WsmanRenderResult {
  /** The final envelope: variables substituted, omitted headers filled, pretty-printed. */
  envelope: string;
  /** A curl command line (Digest auth; curl asks for the password). */
  curl: string;
  /** The equivalent `amtwb` command line, when the CLI has a command for this operation. */
  amtwb?: string;
  /** Why there is no amtwb line, or what to do before running it. */
  amtwbNote?: string;
}

export const WsmanRequests = {
  send: new RequestType<WsmanSendParams, WsmanSendResult, void>('amt/wsman/send'),
  render: new RequestType<WsmanRenderParams, WsmanRenderResult, void>('amt/wsman/render'),
} as const;
