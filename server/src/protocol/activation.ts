/**
 * amt/activation/*: the local agent — activate, deactivate and read AMT on the machine the
 * backend runs on, through its MEI device (features/activation/). Passwords travel per request
 * under keys named `password` (the client's output channel redacts those) and are never stored.
 * Long requests send `amt/activation/progress` notifications with the request's `progressId`.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export interface LocalMeiParams {
  /** The MEI device file; absent = the first of /dev/mei0 … /dev/mei3. */
  meiPath?: string;
  /** Names the progress notifications of this request. */
  progressId?: string;
}

export interface ActivateParams extends LocalMeiParams {
  mode: 'ccm' | 'acm';
  /** The new AMT admin password (checked against AMT's strong-password rule first). */
  password: string;
  /** ACM only: the provisioning certificate as a .pfx file. */
  certificate?: { name: string; pfxBase64: string; password: string };
}

export interface DeactivateParams extends LocalMeiParams {
  /** The admin password; needed in ACM only. */
  password?: string;
}

export interface LocalStatusSummary {
  controlMode?: 'none' | 'ccm' | 'acm';
  provisioningState?: 'pre' | 'in' | 'post';
  uuid?: string;
  amtVersion?: string;
  dnsSuffix?: string;
  /** What `amtwb status --local` prints. */
  text: string;
}

export interface ActivationOutcome {
  /** False when nothing needed doing (already activated, or not activated). */
  changed: boolean;
  /** One sentence for the user. */
  message: string;
  /** The state read afterwards. */
  status: LocalStatusSummary;
}

export interface ActivationProgress {
  progressId: string;
  step: string;
}

export const ActivationRequests = {
  /** Host-based setup to CCM, or ACM with a provisioning certificate; then reads the state. */ activate: new RequestType<ActivateParams, ActivationOutcome, void>('amt/activation/activate'),
  /** Back to pre-provisioning (CCM through AMTHI; ACM as admin). */ deactivate: new RequestType<DeactivateParams, ActivationOutcome, void>('amt/activation/deactivate'),
  /** What the firmware reports over MEI (rpc-go's amtinfo). */ status: new RequestType<LocalMeiParams, LocalStatusSummary, void>('amt/activation/status'),
} as const;

export const ActivationNotifications = {
  /** One step of a running activate/deactivate. */ progress: new NotificationType<ActivationProgress>('amt/activation/progress'),
} as const;
