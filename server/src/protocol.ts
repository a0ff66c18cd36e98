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
import type { EventNotice } from './protocol/events';
import type { WatchdogState } from './protocol/watchdog';

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

// ---- Notifications, backend → client ----

export const Notifications = {
  /** One target was added, changed state or was removed. */ targetChanged: new NotificationType<TargetChange>('amt/targets/changed'),
  /** Redacted WS-Man wire trace lines (only while `amt.trace.server` is not `off`). */
  trace: new NotificationType<{ targetId: string; direction: 'request' | 'response'; text: string }>('amt/trace'),
  /** A watchdog changed (armed, heartbeat, keepalive started or ended, disarmed, failed). */
  watchdogChanged: new NotificationType<WatchdogState>('amt/watchdog/changed'),
  /** One pushed event of a stream started with `amt/events/follow`. */ event: new NotificationType<EventNotice>('amt/events/event'),
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
export * from './protocol/defense';
export * from './protocol/auditlog';
export * from './protocol/activation';
export * from './protocol/accounts';
export * from './protocol/network';
export * from './protocol/overview';
export * from './protocol/hardware';
export * from './protocol/storage';
export * from './protocol/snapshot';
export * from './protocol/watchdog';
export * from './protocol/events';
export * from './protocol/wsman-language';
export * from './protocol/redirection';
export * from './protocol/legacy';
export * from './protocol/kvm-viewer';
