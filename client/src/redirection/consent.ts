/**
 * User consent (IPS_OptInService), which a CCM device needs before redirection and boot changes:
 * StartOptIn makes the host show a six-digit code; the user types it here; SendOptInCode. A wrong
 * code asks again, an expired one offers to start again, dismissing the box cancels at the device.
 */
import * as vscode from 'vscode';
import { RedirectionRequests, type ConsentState, type TargetInfo } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { CONSENT_STATE_CODES, CONSENT_WRONG_CODES, consentGiven, needsConsent, validateConsentCode, withoutCliHint, editorMessage } from '../model/redirection';
import { errorCode, errorMessage } from '../model/request';

/** Runs `action`; when the device wants consent first, asks for it and runs `action` once more. Undefined: consent not given. */
export async function withConsent<T>(ctx: Ctx, target: TargetInfo, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (err) {
    if (!needsConsent(err)) throw err;
    if (!(await requestConsent(ctx, target, editorMessage(err)))) return undefined;
    return action();
  }
}

/** The whole consent flow; true once the device has accepted a code (or already had consent). */
export async function requestConsent(ctx: Ctx, target: TargetInfo, why?: string): Promise<boolean> {
  let state: ConsentState | undefined;
  try {
    state = await ctx.request(RedirectionRequests.consentStart, { targetId: target.id });
  } catch (err) {
    // A code is on the host's screen already (an earlier start): ask for that one.
    if (!CONSENT_STATE_CODES.has(errorCode(err) ?? '')) {
      void vscode.window.showErrorMessage(editorMessage(err));
      return false;
    }
  }
  if (state && consentGiven(state)) return true;
  let problem: string | undefined;
  for (;;) {
    const code = await vscode.window.showInputBox({
      title: `User consent for ${target.label}${why ? ` — ${why}` : ''}`,
      prompt: `${problem ? `${problem} ` : ''}Type the six-digit code shown on ${target.label}'s screen${state ? ` (it is valid for ${state.codeTimeoutSeconds} s)` : ''}.`,
      placeHolder: 'six digits',
      validateInput: validateConsentCode,
      ignoreFocusOut: true,
    });
    if (code === undefined) {
      await ctx.request(RedirectionRequests.consentCancel, { targetId: target.id }).catch(() => undefined);
      void vscode.window.showInformationMessage(`Consent on ${target.label} was cancelled; the host no longer shows the code.`);
      await ctx.boot.refresh(target.id);
      return false;
    }
    let after: ConsentState;
    try {
      after = await ctx.request(RedirectionRequests.consentCode, { targetId: target.id, code: code.trim() });
    } catch (err) {
      const c = errorCode(err) ?? '';
      if (CONSENT_WRONG_CODES.has(c)) {
        problem = withoutCliHint(errorMessage(err));
        continue;
      }
      if (CONSENT_STATE_CODES.has(c)) return startAgain(ctx, target, withoutCliHint(errorMessage(err)), why);
      void vscode.window.showErrorMessage(editorMessage(err));
      return false;
    }
    if (consentGiven(after)) {
      void vscode.window.showInformationMessage(`${target.label} accepted the consent code (${after.stateText}).`);
      await ctx.boot.refresh(target.id);
      return true;
    }
    // The device answered without an error but did not take the code.
    if (after.state === 0) return startAgain(ctx, target, `The consent code on ${target.label} is no longer valid (it expired or was refused too often).`, why);
    problem = `${target.label} did not accept ${code.trim()}; check the code on its screen.`;
  }
}

async function startAgain(ctx: Ctx, target: TargetInfo, message: string, why: string | undefined): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(`${message} Start again to show a new code.`, 'Start Again');
  return answer === 'Start Again' ? requestConsent(ctx, target, why) : false;
}
