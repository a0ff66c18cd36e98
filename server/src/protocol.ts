/**
 * The AMT Workbench custom protocol between the extension (client/) and the backend (server/):
 * every request and notification name and every payload type, declared here and nowhere else.
 * It imports no project module, so a change in a feature cannot change the wire format unseen:
 * server/src/handlers/ map these requests to feature functions, and the compiler checks that what
 * a feature returns fits the payload declared here.
 *
 * Credentials: a remote device's password never lives in the backend's target list. The client
 * keeps it in VS Code SecretStorage and sends it with each request that talks to the device
 * (`credentials`). A password the device refused is not used again until the client sends
 * another (the target's state is then `wrong-password`).
 *
 * Families added later each declare their requests and payloads in their own file under
 * protocol/ (same rules: types and names only, importing nothing but './protocol/shared' and the
 * LSP types), re-exported at the end of this file, so `../protocol` stays the one place to look.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

// ---- Shared shapes ----

export interface Credentials { user: string; password: string }

/** A WS-Addressing reference as the wire carries it (the shape wsman/types.ts parses). */
export interface Reference {
  readonly kind: 'epr';
  address: string;
  resourceUri: string;
  selectors: Selectors;
}

/** Selector name → text, or a nested reference. */
export type Selectors = Record<string, string | Reference>;

/** Why a device refused an operation (a WS-Man fault); one shape for every request that reports one. */
export interface Fault {
  /** Local name of the SOAP subcode, e.g. `DestinationUnreachable` (the SOAP code when there is none). */ subcode: string;
  /** The device's own reason text ('' when it gave none). */ reason: string;
  /** One sentence: what the fault means and what to do. */ message: string;
}

/** What the backend puts in ResponseError.data, so the client can react (e.g. ask for a password on `auth.missing`). */
export interface ErrorData { code: string }

/** The LSP initializationOptions: the client's amt.* settings the backend reads when it starts. */
export interface InitializationOptions {
  /** amt.requestTimeoutSeconds. */ requestTimeoutSeconds?: number;
  /** amt.trace.server: anything but `off` sends `amt/trace` notifications. */ trace?: string;
  /** amt.watchdog.device: this machine's iAMT watchdog device; absent or '': find it. */ watchdogDevice?: string;
  /** amt.simulator.timeScale: the embedded simulator's firmware clock runs this many times faster. */ simulatorTimeScale?: number;
}

/** Every device request names its target and may carry credentials. */
export interface TargetParams {
  targetId: string;
  credentials?: Credentials;
}

// ---- Targets (the device list) ----

export type TargetKind = 'sim' | 'remote' | 'local' | 'lms' | 'mps';

/**
 * `wrong-password`: the device refused the password last given; the backend will not send it
 * again (each try counts towards AMT's lock-out) until the client sends another one.
 */
export type TargetState = 'disconnected' | 'connecting' | 'connected' | 'error' | 'wrong-password';

/** A device as the backend knows it (no password). */
export interface TargetInfo {
  id: string;
  kind: TargetKind;
  label: string;
  /** `http://host:port` / `https://host:port` for remote targets, the simulator's URL once started. */ url?: string;
  user?: string;
  /** Whether the device can be removed (the embedded simulator cannot). */ removable: boolean;
  state: TargetState;
  /** Last connection error, one sentence. */ error?: string;
}

export interface AddTargetParams {
  label?: string;
  /** `http://host:16992`, `https://host:16993`, or `local` / `lms` / `auto` for AMT on this machine. */ url: string;
  user: string;
  /** PEM CA bundle or a trusted SHA-256 certificate fingerprint for https targets. */ trustedFingerprint256?: string;
}

/** One target's change: the client applies it to its copy of the list. */
export type TargetChange =
  | { kind: 'added'; target: TargetInfo }
  | { kind: 'updated'; target: TargetInfo }
  | { kind: 'removed'; targetId: string };

/** The IdentifyResponse plus the HTTP `Server` header (which carries the firmware version). */
export interface IdentifyResult {
  productVendor: string;
  productVersion: string;
  protocolVersion: string;
  dashVersion?: string;
  securityProfiles: string[];
  /** The HTTP Server header. */ server?: string;
}

// ---- Classes, instances and methods ----
// Values come back rendered (value-map labels, references as one line of text), so the client
// needs no class catalog of its own. Method inputs go out as text and the backend converts them
// by the catalog's types, so the method form and the CLI accept the same spellings.

export interface ClassSummary {
  name: string;
  schema: 'amt' | 'cim' | 'ips';
  resourceUri: string;
}

/** One instance as Get/Put address it, plus its one-line text (`Class?Key=Value&Key2=Value2`). */
export interface InstanceRef {
  className: string;
  selectors: Selectors;
  /** The reference as text, also what an EPR method parameter accepts. */ text: string;
}

export interface PropertyView {
  name: string;
  /** CIM type from the catalog (`uint16`, `string`, `EPR`, …); absent for properties the catalog lacks. */ type?: string;
  array: boolean;
  key: boolean;
  /** The value as a user reads it: `2 (On)`, `0 (Unknown), 2 (OK)` for arrays, a reference as its text, `(nil)`. */ text: string;
  /** The references the value holds (EPR-valued properties), to follow. */ refs?: InstanceRef[];
}

export interface InstanceView {
  ref: InstanceRef;
  /** A short name: ElementName, else Name, else InstanceID, else the key values. */ label: string;
  properties: PropertyView[];
}

export interface EnumeratePageParams extends TargetParams {
  className: string;
  /** Absent for the first page (Enumerate); the previous page's `context` for the next one (Pull). */ context?: string;
  /** Items per page. */ maxElements: number;
  /** With `context`: release the enumeration instead of pulling (the user stopped it). */ release?: boolean;
}

export interface EnumeratePageResult {
  items: InstanceView[];
  /** Present while more pages remain. */ context?: string;
  /** The device refused to enumerate the class (not served, access denied, …); the tree marks the class. */ fault?: Fault;
}

export interface ProbeClassParams extends TargetParams {
  className: string;
}

/** Whether the device serves a class (answers its Enumerate); `fault` says how it refused. */
export interface ProbeClassResult {
  className: string;
  served: boolean;
  fault?: Fault;
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
  /** Exact value-map entries (ranges left out), for a pick list. */ choices?: { value: string; label: string }[];
  /** For EPR parameters: the class whose instances may be passed (from the catalog, else a known AMT default). */ eprClass?: string;
  embeddedInstance?: string;
}

export interface MethodDescription {
  name: string;
  /** The class that declares it (may be an ancestor of the described class). */ declaredIn: string;
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
  /** The instance as an XML document (what the `amt:` document shows and Put reads back). */ xml: string;
  ref: InstanceRef;
}

export interface PutXmlParams extends InstanceParams {
  /** The edited document. */ xml: string;
}

export interface PropertyChange {
  name: string;
  /** Text of the value on the device now ('' when absent). */ before: string;
  /** Text of the value in the document ('' when absent). */ after: string;
}

export interface PlanPutResult {
  /** What the Put would change, compared with the instance on the device now. */ changes: PropertyChange[];
}

export interface PutXmlResult {
  /** The instance after the Put, as the device reports it (re-read when the reply is empty). */ xml: string;
  changes: PropertyChange[];
}

export interface InvokeParams extends InstanceParams {
  method: string;
  /** Parameter → text (a value, a value-map label, `true`/`false`, or a reference as InstanceRef.text); arrays repeat. */
  input: Record<string, string | string[]>;
}

export interface InvokeResult {
  returnValue: number;
  returnMeaning: string;
  output: PropertyView[];
  /** A plain-text report of the call (for a read-only document). */ report: string;
}

// ---- Power ----

export type PowerAction = 'on' | 'off' | 'reset' | 'cycle' | 'soft-off' | 'soft-reset';

export interface PowerStateResult { powerState: number; label: string }

export interface PowerActionParams extends TargetParams {
  action: PowerAction;
}

export interface PowerActionResult {
  returnValue: number;
  returnMeaning: string;
  powerState?: PowerStateResult;
}

// ---- Event log (AMT_MessageLog): one decoded record shape, for the CLI and the editor alike ----

export interface LogRecord {
  /** ISO 8601 from the record's Unix seconds ('' for a record too short to decode). */ time: string;
  timestamp: number;
  /** EventSourceType label, e.g. `ASF 1.0` for 0x68. */ source: string;
  sourceType: number;
  /** The IPMI sensor type's name, e.g. `OS critical stop`. */ event: string;
  sensorType: number;
  eventType: number;
  eventOffset: number;
  severity: string;
  severityCode: number;
  entity: string;
  entityInstance: number;
  sensorNumber: number;
  deviceAddress: number;
  /** What happened, decoded from the sensor type and event data. */ description: string;
  eventData: number[];
  /** The 21 record bytes, base64. */ raw: string;
}

export interface LogResult {
  /** Oldest first, as the device keeps them. */ records: LogRecord[];
}

// ---- OS watchdog (the Watchdog view) ----
// The iAMT OS watchdog that belongs to a target, driven from the machine the backend runs on: the
// embedded simulator's emulated device, this machine's iAMT watchdog for local targets and loopback
// devices, none for other remote devices. The backend keeps the device open between requests, so a
// watchdog can be armed and left to expire, heartbeated by hand, or kept alive (every timeout/2).

export interface WatchdogState {
  targetId: string;
  /** False when there is no iAMT watchdog to drive for this target; `reason` says why. */ available: boolean;
  /** One sentence: why there is none, and what to do. */ reason?: string;
  /** The device path (absent for the firmware client over MEI when found by discovery). */ path?: string;
  /** `emulated`: the embedded simulator's FUSE device; `linux`: a watchdog device; `mei`: the firmware client. */
  via?: 'emulated' | 'linux' | 'mei';
  /** The driver's identity (`iamt_wdt`), once the device was opened. */ identity?: string;
  armed: boolean;
  /** The armed timeout in firmware seconds (120..65535). */ timeoutSeconds?: number;
  /** Wall-clock ms since the epoch of the latest heartbeat (arming counts as one). */ lastHeartbeatAt?: number;
  /** Wall-clock ms since the epoch when the firmware fires unless another heartbeat comes. */ expiresAt?: number;
  /** Heartbeats since the session armed it (arming included). */ heartbeats: number;
  /** The keepalive loop runs. */ keepalive: boolean;
  /** Wall-clock seconds between the loop's heartbeats. */ keepaliveIntervalSeconds?: number;
  /** How many times faster the firmware clock runs than the wall clock (the simulator's time scale; 1 on hardware). */ timeScale: number;
  /** Why the last heartbeat or the keepalive loop failed. */ error?: string;
}

export interface WatchdogArmParams extends TargetParams {
  /** 120..65535. */ timeoutSeconds: number;
}

export interface WatchdogKeepaliveParams extends TargetParams {
  /** Arms with this timeout first when the watchdog is not armed; default 120. */ timeoutSeconds?: number;
}

// ---- Events (WS-Eventing) and agent presence ----

/** One event a device pushed (CIM_AlertIndication), decoded. */
export interface AmtEvent {
  /** e.g. `iAMT0005`, `PLAT0322`. */ messageId: string;
  /** What happened, readable. */ text: string;
  messageArguments: string[];
  /** CIM PerceivedSeverity and its label. */ severity: number;
  severityLabel: string;
  alertType: number;
  /** IndicationTime as the device wrote it (ISO 8601), or '' when absent. */ time: string;
  /** IndicationIdentifier, unique per event on the device. */ indicationId: string;
  /** The filter that selected it, e.g. `Intel(r) AMT:AllEvents`. */ filterName: string;
  systemName: string;
}

export interface EventFollowParams extends TargetParams {
  /** CIM_FilterCollection InstanceID; default `Intel(r) AMT:All`. */ filter?: string;
}

export interface EventFollowResult {
  /** Names this stream in `amt/events/event` and `amt/events/unfollow`. */ streamId: string;
  /** The listener URL the device posts to. */ notifyTo: string;
}

export interface EventNotice {
  streamId: string;
  targetId: string;
  event: AmtEvent;
}

export interface AgentView {
  /** The agent's GUID, canonical text. */ agent: string;
  deviceId: string;
  state: number;
  stateLabel: string;
  startupIntervalSeconds?: number;
  timeoutIntervalSeconds?: number;
  name?: string;
}

export interface AgentActionView {
  rule: string;
  action: string;
  oldState: number;
  oldStateLabel: string;
  newState: number;
  newStateLabel: string;
  eventOnTransition: boolean;
  actionSd?: number;
  actionSdLabel?: string;
}

export interface AgentList {
  agents: AgentView[];
  actions: AgentActionView[];
}

export interface AgentRegisterParams extends TargetParams {
  /** The agent GUID. */ agent: string;
  /** Used when the agent's watchdog must be created first. */ timeoutIntervalSeconds?: number;
  startupIntervalSeconds?: number;
}

export interface AgentRegistration {
  sessionSequenceNumber: number;
  timeoutIntervalSeconds: number;
}

export interface AgentAssertParams extends TargetParams {
  agent: string;
  sequenceNumber: number;
  /** AssertShutdown instead of AssertPresence. */ shutdown?: boolean;
}

// ---- The wsman language: requests behind the "Send" / "Send to …" code lenses of .wsman files ----

export const WsmanCommands = {
  send: 'amt.wsman.send',
  sendTo: 'amt.wsman.sendTo',
} as const;

/** The argument of both code-lens commands. */
export interface WsmanCommandArgs {
  /** The .wsman document. */ uri: string;
  /** 0-based index of the request in the file (blocks separated by `###` that hold XML). */ requestIndex: number;
}

export interface WsmanSendParams extends TargetParams, WsmanCommandArgs {
  /** Extra variables (e.g. from a client environment); the file's own `@name = value` lines win. */ variables?: Record<string, string>;
}

export interface WsmanSendResult {
  /** HTTP status of the reply. */ status: number;
  elapsedMs: number;
  /** The target's label and URL, e.g. `Simulator (http://127.0.0.1:16992)`. */ target: string;
  /** The reply, pretty-printed. */ xml: string;
  fault?: Fault;
  /** The envelope exactly as sent. */ request: string;
}

export interface WsmanRenderParams extends WsmanCommandArgs {
  /** When given, `{{$target}}` and the command lines use this device's URL and user. */ targetId?: string;
  variables?: Record<string, string>;
}

export interface WsmanRenderResult {
  /** The final envelope: variables substituted, omitted headers filled, pretty-printed. */ envelope: string;
  /** A curl command line (Digest auth; curl asks for the password). */ curl: string;
  /** The equivalent `amtwb` command line, when the CLI has a command for this operation. */ amtwb?: string;
  /** Why there is no amtwb line, or what to do before running it. */ amtwbNote?: string;
}

/** What `amt/wsman/newRequest` writes: Get of one instance (or a singleton), Enumerate of a class, or a method call. */
export type WsmanNewRequestOperation = 'get' | 'enumerate' | 'invoke';

export interface WsmanNewRequestParams {
  className: string;
  operation: WsmanNewRequestOperation;
  /** The method, for `invoke`. */ method?: string;
  /** The instance's selectors (a tree's instance row); absent for a class. */ selectors?: Selectors;
}

export interface WsmanNewRequestResult {
  /** A complete .wsman document: a `###` title, comment lines on the inputs, one envelope. */ text: string;
  /** e.g. `Get AMT_GeneralSettings`, `CIM_PowerManagementService.RequestPowerStateChange`. */ title: string;
}

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

// ---- Requests, client → backend (one line each) ----

export const Requests = {
  /** Every known device, in the order they were added. */ listTargets: new RequestType<void, TargetInfo[], void>('amt/targets/list'),
  /** Adds a device by URL (or `local`/`lms`/`auto`) and returns it. */
  addTarget: new RequestType<AddTargetParams, TargetInfo, void>('amt/targets/add'),
  /** Removes a device and closes its connections. */ removeTarget: new RequestType<{ targetId: string }, void, void>('amt/targets/remove'),
  /** WS-Man Identify of a device, with its firmware's Server header. */
  identify: new RequestType<TargetParams, IdentifyResult, void>('amt/targets/identify'),
  /** Every class of the catalog (needs no device). */ listClasses: new RequestType<void, ClassSummary[], void>('amt/classes/list'),
  /** One class of the catalog: keys, properties, methods and their parameters (needs no device). */
  describeClass: new RequestType<{ className: string }, ClassDescription, void>('amt/classes/describe'),
  /** One page of a class's instances (Enumerate, then Pull with the context; or Release). */
  enumeratePage: new RequestType<EnumeratePageParams, EnumeratePageResult, void>('amt/instances/enumeratePage'),
  /** Whether the device serves a class (an Enumerate, released at once). */ probeClass: new RequestType<ProbeClassParams, ProbeClassResult, void>('amt/classes/probe'),
  /** Get of one instance, rendered. */ getInstance: new RequestType<InstanceParams, InstanceView, void>('amt/instances/get'),
  /** Get of one instance as the editable XML document. */
  instanceXml: new RequestType<InstanceParams, InstanceXmlResult, void>('amt/instances/xml'),
  /** What a Put of the edited document would change (sends nothing but a Get). */
  planPut: new RequestType<PutXmlParams, PlanPutResult, void>('amt/instances/planPut'),
  /** Put of the edited document; returns the instance after it. */
  putXml: new RequestType<PutXmlParams, PutXmlResult, void>('amt/instances/put'),
  /** Calls a method with text inputs converted by the catalog. */
  invoke: new RequestType<InvokeParams, InvokeResult, void>('amt/methods/invoke'),
  /** The host power state. */ powerState: new RequestType<TargetParams, PowerStateResult, void>('amt/power/state'),
  /** Requests a power change and reads the new state back. */
  powerAction: new RequestType<PowerActionParams, PowerActionResult, void>('amt/power/action'),
  /** The whole firmware event log, decoded, oldest first. */ readLog: new RequestType<TargetParams, LogResult, void>('amt/log/read'),
} as const;

export const WatchdogRequests = {
  /** The target's watchdog state; opens nothing but reads the device's identity. */
  state: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/state'),
  /** Opens the device and arms the watchdog with this timeout (a first heartbeat). */
  arm: new RequestType<WatchdogArmParams, WatchdogState, void>('amt/watchdog/arm'),
  /** One heartbeat now; the watchdog must be armed. */
  heartbeat: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/heartbeat'),
  /** Heartbeats every timeout/2 until stopKeepalive or disarm; arms first when needed. */
  startKeepalive: new RequestType<WatchdogKeepaliveParams, WatchdogState, void>('amt/watchdog/startKeepalive'),
  /** Stops the loop; the watchdog stays armed and fires unless heartbeats come from elsewhere. */
  stopKeepalive: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/stopKeepalive'),
  /** Stops the loop, disarms the watchdog and closes the device. */
  disarm: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/disarm'),
} as const;

export const EventRequests = {
  /** Subscribes the device to a backend listener; its events arrive as `amt/events/event`. */
  follow: new RequestType<EventFollowParams, EventFollowResult, void>('amt/events/follow'),
  /** Unsubscribes and stops the listener. */ unfollow: new RequestType<{ streamId: string }, void, void>('amt/events/unfollow'),
} as const;

export const AgentRequests = {
  /** Agent presence watchdogs and their actions. */ list: new RequestType<TargetParams, AgentList, void>('amt/agents/list'),
  /** Creates the agent's watchdog when missing, then RegisterAgent. */
  register: new RequestType<AgentRegisterParams, AgentRegistration, void>('amt/agents/register'),
  /** AssertPresence (or AssertShutdown) with a sequence number. */
  assert: new RequestType<AgentAssertParams, void, void>('amt/agents/assert'),
} as const;

export const WsmanRequests = {
  /** Sends one request of a .wsman file to a device. */ send: new RequestType<WsmanSendParams, WsmanSendResult, void>('amt/wsman/send'),
  /** What would be sent, and the equivalent curl / amtwb lines. */
  render: new RequestType<WsmanRenderParams, WsmanRenderResult, void>('amt/wsman/render'),
  /** A new request from the class catalog (the tree's "New WS-Man Request…"); needs no device. */
  newRequest: new RequestType<WsmanNewRequestParams, WsmanNewRequestResult, void>('amt/wsman/newRequest'),
} as const;

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

// ---- Notifications, backend → client ----

export const Notifications = {
  /** One target was added, changed state or was removed. */ targetChanged: new NotificationType<TargetChange>('amt/targets/changed'),
  /** Redacted WS-Man wire trace lines (only while `amt.trace.server` is not `off`). */
  trace: new NotificationType<{ targetId: string; direction: 'request' | 'response'; text: string }>('amt/trace'),
  /** A watchdog changed (armed, heartbeat, keepalive started or ended, disarmed, failed). */
  watchdogChanged: new NotificationType<WatchdogState>('amt/watchdog/changed'),
  /** One pushed event of a stream started with `amt/events/follow`. */ event: new NotificationType<EventNotice>('amt/events/event'),
} as const;

export const RedirectionNotifications = {
  /** Keystrokes for a SOL session (client → backend). */ solInput: new NotificationType<SolData>('amt/sol/input'),
  /** Bytes the host printed (backend → client). */ solOutput: new NotificationType<SolData>('amt/sol/output'),
  /** A SOL session ended. */ solEnded: new NotificationType<SessionEnded>('amt/sol/ended'),
  /** IDE-R progress, at most a few times a second, and once when it ends. */ iderProgress: new NotificationType<IderProgress>('amt/ider/progress'),
} as const;

/* ---- KVM (features/kvm/) ---- */

export interface KvmScreenshotParams extends TargetParams {
  /** Pixel format to ask AMT for; default rgb565 (AMT's own). */
  format?: 'rgb565' | 'rgb332' | 'grey8';
  /** Raw pixels only (no Intel RLE). */
  raw?: boolean;
}
export interface KvmScreenshotResult { /** PNG, base64. */ png: string; width: number; height: number; route: string }
export interface KvmTypeParams extends TargetParams {
  /** Typed as key presses and releases (a newline is Enter); ASCII and Latin-1 only. */
  text?: string;
  /** Press Enter after the text. */
  enter?: boolean;
  /** Send Ctrl-Alt-Del (after the text, if any). */
  ctrlAltDel?: boolean;
}
export interface KvmTypeResult { keys: number; route: string }

export const KvmRequests = {
  /** One full frame of the host's screen as a PNG. */ screenshot: new RequestType<KvmScreenshotParams, KvmScreenshotResult, void>('amt/kvm/screenshot'),
  /** Keystrokes on the host's keyboard. */ type: new RequestType<KvmTypeParams, KvmTypeResult, void>('amt/kvm/type'),
} as const;

// ---- Families declared in protocol/ (one file each) ----
export * from './protocol/fleet';
