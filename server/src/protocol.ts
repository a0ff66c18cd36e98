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
import type { IdentifyInfo } from './wsman/client';
import type { AgentActionSpec, AgentActionView, AgentView } from './features/agentPresence';
import type { DecodedLogRecord } from './features/eventLog';
import type { AmtEvent } from './features/events/parse';
import type { WatchdogInfo } from './features/watchdog';

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
  /** `http://host:16992`, `https://host:16993`, or `local` / `lms` / `auto` for AMT on this machine. */
  url: string;
  user: string;
  /** PEM CA bundle or a trusted SHA-256 certificate fingerprint for https targets. */
  trustedFingerprint256?: string;
}

/** What `amt/identify` answers: the IdentifyResponse and the HTTP `Server` header (the firmware version). */
export type IdentifyResult = IdentifyInfo;

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

/** What `amt/wsman/newRequest` writes: Get of one instance (or a singleton), Enumerate of a class, or a method call. */
export type WsmanNewRequestOperation = 'get' | 'enumerate' | 'invoke';

export interface WsmanNewRequestParams {
  className: string;
  operation: WsmanNewRequestOperation;
  /** The method, for `invoke`. */
  method?: string;
  /** The instance's selectors (a tree's instance row); absent for a class. */
  selectors?: Selectors;
}

export interface WsmanNewRequestResult {
  /** A complete .wsman document: a `###` title, comment lines on the inputs, one envelope. */
  text: string;
  /** e.g. `Get AMT_GeneralSettings`, `CIM_PowerManagementService.RequestPowerStateChange`. */
  title: string;
}

export const WsmanRequests = {
  send: new RequestType<WsmanSendParams, WsmanSendResult, void>('amt/wsman/send'),
  render: new RequestType<WsmanRenderParams, WsmanRenderResult, void>('amt/wsman/render'),
  /** A new request from the class catalog (the tree's "New WS-Man Request…"); needs no device. */
  newRequest: new RequestType<WsmanNewRequestParams, WsmanNewRequestResult, void>('amt/wsman/newRequest'),
} as const;

// --- editor UI (issue: the editor) ---
// Requests behind the tree views, the instance documents (`amt:` scheme) and the method form of
// the extension (client/src/model/*). Values come back rendered — value-map labels, references as
// one line of text — so the client needs no class catalog of its own. Method inputs go out as text
// and the backend converts them by the catalog's types (features/arguments.ts), so the form and
// the CLI accept the same spellings.

/** One instance as Get/Put address it, plus its one-line text (`Class?Key=Value&Key2=Value2`). */
export interface InstanceRef {
  className: string;
  selectors: Selectors;
  /** The reference as text, also what an EPR method parameter accepts. */
  text: string;
}

export interface PropertyView {
  name: string;
  /** CIM type from the catalog (`uint16`, `string`, `EPR`, …); absent for properties the catalog lacks. */
  type?: string;
  array: boolean;
  key: boolean;
  /** The value as a user reads it: `2 (On)`, `0 (Unknown), 2 (OK)` for arrays, a reference as its text, `(nil)`. */
  text: string;
  /** The references the value holds (EPR-valued properties), to follow. */
  refs?: InstanceRef[];
}

export interface InstanceView {
  ref: InstanceRef;
  /** A short name: ElementName, else Name, else InstanceID, else the key values. */
  label: string;
  properties: PropertyView[];
}

/** Why a device refused a class or an instance operation (a WS-Man fault). */
export interface EditorFault {
  /** e.g. `DestinationUnreachable`. */
  subcode: string;
  /** The device's own reason text ('' when it gave none). */
  reason: string;
  /** One sentence: what the fault means and what to do. */
  message: string;
}

export interface EnumeratePageParams extends TargetParams {
  className: string;
  /** Absent for the first page (Enumerate); the previous page's `context` for the next one (Pull). */
  context?: string;
  /** Items per page. */
  maxElements: number;
  /** With `context`: release the enumeration instead of pulling (the user stopped it). */
  release?: boolean;
}

export interface EnumeratePageResult {
  items: InstanceView[];
  /** Present while more pages remain. */
  context?: string;
  /** The device refused to enumerate the class (not served, access denied, …); the tree marks the class. */
  fault?: EditorFault;
}

export interface InstanceParams extends TargetParams {
  className: string;
  selectors?: Selectors;
}

export interface ParameterDescription {
  name: string;
  type: string;
  array: boolean;
  required: boolean;
  /** Exact value-map entries (ranges left out), for a pick list. */
  choices?: { value: string; label: string }[];
  /** For EPR parameters: the class whose instances may be passed (from the catalog, else a known AMT default). */
  eprClass?: string;
  embeddedInstance?: string;
}

export interface MethodDescription {
  name: string;
  /** The class that declares it (may be an ancestor of the described class). */
  declaredIn: string;
  in: ParameterDescription[];
  out: ParameterDescription[];
}

export interface ClassDescription {
  name: string;
  schema: 'amt' | 'cim' | 'ips';
  resourceUri: string;
  superclass: string | null;
  keys: string[];
  properties: { name: string; type: string; array: boolean; key: boolean; required: boolean }[];
  methods: MethodDescription[];
}

export interface InstanceXmlResult {
  /** The instance as an XML document (what the `amt:` document shows and Put reads back). */
  xml: string;
  ref: InstanceRef;
}

export interface PutXmlParams extends InstanceParams {
  /** The edited document. */
  xml: string;
}

export interface PropertyChange {
  name: string;
  /** Text of the value on the device now ('' when absent). */
  before: string;
  /** Text of the value in the document ('' when absent). */
  after: string;
}

export interface PlanPutResult {
  /** What the Put would change, compared with the instance on the device now. */
  changes: PropertyChange[];
}

export interface PutXmlResult {
  /** The instance after the Put, as the device reports it (re-read when the reply is empty). */
  xml: string;
  changes: PropertyChange[];
}

export interface EditorInvokeParams extends InstanceParams {
  method: string;
  /** Parameter → text (a value, a value-map label, `true`/`false`, or a reference as InstanceRef.text); arrays repeat. */
  input: Record<string, string | string[]>;
}

export interface EditorInvokeResult {
  returnValue: number;
  returnMeaning: string;
  output: PropertyView[];
  /** A plain-text report of the call (for a read-only document). */
  report: string;
}

export interface EventLogRecordView {
  /** ISO 8601 time (the record's seconds, as AMT keeps them). */
  time: string;
  severity: string;
  /** What happened, decoded from the sensor type and event data. */
  description: string;
  entity: string;
  /** The 21 record bytes, base64. */
  raw: string;
}

export interface EventLogResult {
  records: EventLogRecordView[];
}

export const EditorRequests = {
  enumeratePage: new RequestType<EnumeratePageParams, EnumeratePageResult, void>('amt/editor/enumeratePage'),
  getInstance: new RequestType<InstanceParams, InstanceView, void>('amt/editor/getInstance'),
  describeClass: new RequestType<{ className: string }, ClassDescription, void>('amt/editor/describeClass'),
  instanceXml: new RequestType<InstanceParams, InstanceXmlResult, void>('amt/editor/instanceXml'),
  planPut: new RequestType<PutXmlParams, PlanPutResult, void>('amt/editor/planPut'),
  putXml: new RequestType<PutXmlParams, PutXmlResult, void>('amt/editor/putXml'),
  invoke: new RequestType<EditorInvokeParams, EditorInvokeResult, void>('amt/editor/invoke'),
  eventLog: new RequestType<TargetParams, EventLogResult, void>('amt/editor/eventLog'),
} as const;
// --- end editor UI ---

// --- OS health watchdog (issue: OS health watchdog end to end) ---
// The iAMT OS watchdog of the machine the backend runs on (not a target: /dev/watchdogN or the
// firmware client over MEI), a keepalive loop the backend runs for it, WS-Eventing event streams
// from a target, its decoded firmware event log, and agent presence. Served by
// server/src/features/watchdogRequests.ts.

export interface WatchdogDeviceParams {
  /** A watchdog device path; absent: find the iAMT watchdog. */
  device?: string;
}

export interface WatchdogKeepaliveParams extends WatchdogDeviceParams {
  /** 120..65535; default 120. Heartbeats go every timeout/2. */
  timeoutSeconds?: number;
}

export interface WatchdogKeepaliveStatus {
  running: boolean;
  path?: string;
  timeoutSeconds?: number;
  heartbeats: number;
  /** Why the last loop ended, when it failed. */
  error?: string;
}

export interface EventFollowParams extends TargetParams {
  /** CIM_FilterCollection InstanceID; default `Intel(r) AMT:All`. */
  filter?: string;
}

export interface EventFollowResult {
  /** Names this stream in `amt/events/event` and `amt/events/unfollow`. */
  streamId: string;
  /** The listener URL the device posts to. */
  notifyTo: string;
}

export interface AgentParams extends TargetParams {
  /** The agent GUID. */
  agent: string;
}

export interface AgentRegisterParams extends AgentParams {
  /** Used when the agent's watchdog must be created first. */
  timeoutIntervalSeconds?: number;
  startupIntervalSeconds?: number;
}

export interface AgentAssertParams extends AgentParams {
  sequenceNumber: number;
  /** AssertShutdown instead of AssertPresence. */
  shutdown?: boolean;
}

export interface AgentAddActionParams extends AgentParams {
  action: AgentActionSpec;
}

export const WatchdogRequests = {
  info: new RequestType<WatchdogDeviceParams, WatchdogInfo, void>('amt/watchdog/info'),
  startKeepalive: new RequestType<WatchdogKeepaliveParams, WatchdogKeepaliveStatus, void>('amt/watchdog/startKeepalive'),
  stopKeepalive: new RequestType<void, WatchdogKeepaliveStatus, void>('amt/watchdog/stopKeepalive'),
  keepaliveStatus: new RequestType<void, WatchdogKeepaliveStatus, void>('amt/watchdog/keepaliveStatus'),
  followEvents: new RequestType<EventFollowParams, EventFollowResult, void>('amt/events/follow'),
  unfollowEvents: new RequestType<{ streamId: string }, void, void>('amt/events/unfollow'),
  readLog: new RequestType<TargetParams, DecodedLogRecord[], void>('amt/log/read'),
  listAgents: new RequestType<TargetParams, { agents: AgentView[]; actions: AgentActionView[] }, void>('amt/agents/list'),
  registerAgent: new RequestType<AgentRegisterParams, { sessionSequenceNumber: number; timeoutIntervalSeconds: number }, void>('amt/agents/register'),
  assertAgent: new RequestType<AgentAssertParams, void, void>('amt/agents/assert'),
  addAgentAction: new RequestType<AgentAddActionParams, void, void>('amt/agents/addAction'),
  deleteAgentActions: new RequestType<AgentParams, void, void>('amt/agents/deleteActions'),
} as const;

export const WatchdogNotifications = {
  /** One pushed event of a stream started with `amt/events/follow`. */
  event: new NotificationType<{ streamId: string; targetId: string; event: AmtEvent }>('amt/events/event'),
  /** Each keepalive heartbeat, and the loop's end (running: false). */
  keepalive: new NotificationType<WatchdogKeepaliveStatus>('amt/watchdog/keepalive'),
} as const;
// --- end OS health watchdog ---

// --- watchdog view (issue: OS health watchdog end to end, editor part) ---
// The Watchdog view's session with the iAMT OS watchdog that belongs to a target, driven from the
// machine the backend runs on: the embedded simulator's emulated device (the backend mounts one,
// features/simWatchdog.ts), this machine's iAMT watchdog for local targets and loopback devices
// (`watchdogDevice`, else discovery), none for other remote devices (their OS watchdog is
// heartbeated on their own host). Unlike the keepalive loop above, the session keeps the device
// open between requests, so a watchdog can be armed and left to expire, heartbeated by hand, or
// kept alive (every timeout/2, like LMS). Closing the device (disarm, backend exit) stops it.
// Served by server/src/features/watchdogView.ts.

/** Fields of the LSP initializationOptions the watchdog view reads (the client's amt.* settings). */
export interface WatchdogInitOptions {
  /** amt.watchdog.device: this machine's iAMT watchdog device; absent or '': find it. */
  watchdogDevice?: string;
  /** amt.simulator.timeScale: the embedded simulator's firmware clock runs this many times faster. */
  simulatorTimeScale?: number;
}

export interface WatchdogSessionState {
  targetId: string;
  /** False when there is no iAMT watchdog to drive for this target; `reason` says why. */
  available: boolean;
  /** One sentence: why there is none, and what to do. */
  reason?: string;
  /** The device path (absent for the firmware client over MEI when found by discovery). */
  path?: string;
  /** `emulated`: the embedded simulator's FUSE device; `linux`: a watchdog device; `mei`: the firmware client. */
  via?: 'emulated' | 'linux' | 'mei';
  /** The driver's identity (`iamt_wdt`), once the device was opened. */
  identity?: string;
  armed: boolean;
  /** The armed timeout in firmware seconds (120..65535). */
  timeoutSeconds?: number;
  /** Wall-clock ms since the epoch of the latest heartbeat (arming counts as one). */
  lastHeartbeatAt?: number;
  /** Wall-clock ms since the epoch when the firmware fires unless another heartbeat comes. */
  expiresAt?: number;
  /** Heartbeats since the session armed it (arming included). */
  heartbeats: number;
  /** The session's keepalive loop runs. */
  keepalive: boolean;
  /** Wall-clock seconds between the loop's heartbeats. */
  keepaliveIntervalSeconds?: number;
  /** How many times faster the firmware clock runs than the wall clock (the simulator's time scale; 1 on hardware). */
  timeScale: number;
  /** Why the last heartbeat or the keepalive loop failed. */
  error?: string;
}

export interface WatchdogArmParams extends TargetParams {
  /** 120..65535. */
  timeoutSeconds: number;
}

export interface WatchdogSessionKeepaliveParams extends TargetParams {
  /** Arms with this timeout first when the watchdog is not armed; default 120. */
  timeoutSeconds?: number;
}

export const WatchdogSessionRequests = {
  /** The session's state; opens nothing when there is no session (reads the device's identity). */
  state: new RequestType<TargetParams, WatchdogSessionState, void>('amt/watchdog/session/state'),
  /** Opens the device and arms the watchdog with this timeout (a first heartbeat). */
  arm: new RequestType<WatchdogArmParams, WatchdogSessionState, void>('amt/watchdog/session/arm'),
  /** One heartbeat now; the watchdog must be armed. */
  heartbeat: new RequestType<TargetParams, WatchdogSessionState, void>('amt/watchdog/session/heartbeat'),
  /** Heartbeats every timeout/2 until stopKeepalive or disarm; arms first when needed. */
  startKeepalive: new RequestType<WatchdogSessionKeepaliveParams, WatchdogSessionState, void>('amt/watchdog/session/startKeepalive'),
  /** Stops the loop; the watchdog stays armed and fires unless heartbeats come from elsewhere. */
  stopKeepalive: new RequestType<TargetParams, WatchdogSessionState, void>('amt/watchdog/session/stopKeepalive'),
  /** Stops the loop, disarms the watchdog and closes the device. */
  disarm: new RequestType<TargetParams, WatchdogSessionState, void>('amt/watchdog/session/disarm'),
} as const;

export const WatchdogSessionNotifications = {
  /** A session changed (armed, heartbeat, keepalive started or ended, disarmed, failed). */
  state: new NotificationType<WatchdogSessionState>('amt/watchdog/session/changed'),
} as const;
// --- end watchdog view ---
