/** The editor's live KVM viewer (features/kvm/wsRelay.ts): a one-time websocket URL per connection. */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export type KvmViewerOpenParams = TargetParams;
export interface KvmViewerOpenResult {
  /** `ws://127.0.0.1:PORT/kvm/<token>`: accepted once, within a minute; the backend adds the password. */
  url: string;
  /** The token in the URL, to revoke it when the viewer closes before connecting. */
  token: string;
  label: string;
}
export interface KvmViewerRevokeParams { token: string }

export const KvmViewerRequests = {
  /** Checks that KVM is on and has consent, then mints a URL for one viewer connection. */ open: new RequestType<KvmViewerOpenParams, KvmViewerOpenResult, void>('amt/kvm/openViewer'),
  /** Forgets an unused URL. */ revoke: new RequestType<KvmViewerRevokeParams, null, void>('amt/kvm/revokeViewer'),
} as const;
