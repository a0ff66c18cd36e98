/**
 * The method form as a QuickPick/InputBox sequence: a list of the parameters with their current
 * values and an "Invoke" row; picking a parameter asks for its value (a pick list for value maps,
 * booleans and references, an input box checked against the CIM type otherwise) and comes back.
 */
import * as vscode from 'vscode';
import type { InvokeResult } from '../../server/src/protocol';
import type { FormField, MethodForm } from './model/methodForm';
import { errorMessage } from './model/request';

type Row = vscode.QuickPickItem & { field?: FormField; invoke?: true };

const NOT_SET = '$(circle-slash) Not set';

/** Runs the form until the user invokes (returns the result) or dismisses it (undefined). */
export async function runMethodForm(form: MethodForm, device: string): Promise<InvokeResult | undefined> {
  const title = `${form.cls.name}.${form.method.name} on ${device}`;
  if (form.fields.length > 0) {
    for (;;) {
      const missing = form.missing();
      const rows: Row[] = [
        {
          label: `$(play) Invoke ${form.method.name}`,
          description: missing.length > 0 ? `needs ${missing.join(', ')}` : `on ${device}`,
          invoke: true,
          alwaysShow: true,
        },
        { label: 'Parameters', kind: vscode.QuickPickItemKind.Separator },
        ...form.fields.map((f): Row => ({
          label: `${f.param.name}${f.param.required ? ' *' : ''}`,
          description: form.display(f.param.name),
          detail: f.title + (f.placeholder ? ` — ${f.placeholder}` : ''),
          field: f,
        })),
      ];
      const pick = await vscode.window.showQuickPick(rows, { title, placeHolder: 'Pick a parameter to set it, then Invoke (* = required)', ignoreFocusOut: true, matchOnDescription: true });
      if (!pick) return undefined;
      if (pick.invoke) {
        if (missing.length === 0) break;
        void vscode.window.showWarningMessage(`${form.method.name} needs ${missing.join(', ')} before it can be invoked.`);
        continue;
      }
      if (pick.field) await editField(form, pick.field, title);
    }
  }
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Invoking ${form.method.name} on ${device}…` }, () => form.invoke());
}

async function editField(form: MethodForm, f: FormField, title: string): Promise<void> {
  const name = f.param.name;
  if (f.input === 'text') {
    const value = await vscode.window.showInputBox({
      title: `${title}: ${f.title}`,
      prompt: f.placeholder ?? `Value of ${name}; leave empty to leave it out`,
      value: form.get(name)?.join(', ') ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? undefined : form.validate(name, v)),
    });
    if (value !== undefined) form.set(name, value);
    return;
  }
  let choices;
  try {
    choices = await form.choices(name);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not list the choices for ${name}: ${errorMessage(err)}`);
    return;
  }
  const current = new Set(form.get(name) ?? []);
  type ChoiceRow = vscode.QuickPickItem & { value?: string; clear?: true; type?: true };
  const rows: ChoiceRow[] = [
    ...choices.map((c) => ({ label: c.label, ...(c.description ? { description: c.description } : {}), value: c.value, picked: current.has(c.value) })),
    ...(f.input === 'reference' ? [{ label: '$(edit) Type a reference…', type: true as const }] : []),
    ...(f.param.array ? [] : [{ label: NOT_SET, clear: true as const }]),
  ];
  if (f.param.array) {
    const picked = await vscode.window.showQuickPick(rows.filter((r) => r.value !== undefined), { title: `${title}: ${f.title}`, canPickMany: true, ignoreFocusOut: true });
    if (picked) form.set(name, picked.map((p) => p.value!), picked.map((p) => p.label).join(', ') || undefined);
    return;
  }
  const pick = await vscode.window.showQuickPick(rows, {
    title: `${title}: ${f.title}`,
    placeHolder: f.input === 'reference' ? `An instance of ${f.param.eprClass}` : `Value of ${name}`,
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  if (!pick) return;
  if (pick.clear) form.set(name, undefined);
  else if (pick.type) {
    const typed = await vscode.window.showInputBox({ title: `${title}: ${f.title}`, prompt: 'A reference: Class?Key=Value&Key2=Value2', ignoreFocusOut: true, validateInput: (v) => form.validate(name, v) });
    if (typed) form.set(name, typed);
  } else if (pick.value !== undefined) form.set(name, pick.value, f.input === 'reference' ? pick.label : undefined);
}
