/**
 * The wsman language (.wsman files):
 * requests and payloads. protocol.ts re-exports them; the same rules hold (names and types only).
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { Fault, Selectors, TargetParams } from './shared';

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

export const WsmanRequests = {
  /** Sends one request of a .wsman file to a device. */ send: new RequestType<WsmanSendParams, WsmanSendResult, void>('amt/wsman/send'),
  /** What would be sent, and the equivalent curl / amtwb lines. */
  render: new RequestType<WsmanRenderParams, WsmanRenderResult, void>('amt/wsman/render'),
  /** A new request from the class catalog (the tree's "New WS-Man Request…"); needs no device. */
  newRequest: new RequestType<WsmanNewRequestParams, WsmanNewRequestResult, void>('amt/wsman/newRequest'),
} as const;
