/**
 * Choices around .wsman requests that need no vscode: which request the cursor is in (from the
 * positions of the "Send" code lenses), and what "New WS-Man Request…" offers for a class or an
 * instance of the tree (Get, Enumerate, and each method of the class).
 */
import type { MethodDescription, WsmanNewRequestParams } from '../../../server/src/protocol';
import type { Selectors } from '../../../server/src/wsman/types';

/** A request of a .wsman document: its index and the line its code lenses sit on. */
export interface RequestLine {
  index: number;
  line: number;
  /** The `###` title, when the request has one. */
  title?: string;
}

/** The request whose lenses are at or above the line (the one the cursor is in); the first when above all. */
export function requestAtLine(requests: readonly RequestLine[], line: number): RequestLine | undefined {
  const sorted = [...requests].sort((a, b) => a.line - b.line);
  let hit = sorted[0];
  for (const r of sorted) if (r.line <= line) hit = r;
  return hit;
}

/** `### Read the general settings` → `Read the general settings`; undefined for other lines or a bare `###`. */
export function titleOfLine(text: string): string | undefined {
  if (!text.startsWith('###')) return undefined;
  const title = text.replace(/^#+/, '').trim();
  return title || undefined;
}

export interface NewRequestChoice {
  label: string;
  description?: string;
  detail?: string;
  params: WsmanNewRequestParams;
}

/**
 * For a class: Get (its only instance), Enumerate, and every method. For an instance (its
 * selectors given): Get this instance and every method, invoked on it.
 */
export function newRequestChoices(className: string, methods: readonly MethodDescription[], selectors?: Selectors): NewRequestChoice[] {
  const onInstance = selectors !== undefined && Object.keys(selectors).length > 0;
  const base = { className, ...(onInstance ? { selectors } : {}) };
  const choices: NewRequestChoice[] = [
    {
      label: '$(arrow-down) Get',
      description: onInstance ? 'this instance' : 'the instance (singleton classes)',
      detail: 'WS-Transfer Get',
      params: { ...base, operation: 'get' },
    },
  ];
  if (!onInstance) choices.push({ label: '$(list-unordered) Enumerate', description: 'every instance', detail: 'WS-Enumeration Enumerate, instances in the answer', params: { className, operation: 'enumerate' } });
  for (const m of methods) {
    const inputs = m.in.map((p) => `${p.name}${p.required ? '' : '?'}`).join(', ');
    choices.push({
      label: `$(symbol-method) ${m.name}`,
      description: `(${inputs})`,
      detail: `Invoke${onInstance ? ' on this instance' : ''}${m.declaredIn !== className ? ` · declared in ${m.declaredIn}` : ''}`,
      params: { ...base, operation: 'invoke', method: m.name },
    });
  }
  return choices;
}
