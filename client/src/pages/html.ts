/**
 * HTML for the device pages (client/src/pages/): a tagged template that escapes every
 * interpolated value, and the few building blocks every page uses — key/value lists, tables,
 * badges, buttons, form fields and a small SVG line chart. vscode-free, so the models' tests can
 * render a page and look at it. Nothing here runs script: page.js (media/pages/) wires the
 * `data-action` attributes to the extension.
 */

/** HTML that is already safe; `html` inserts it as is. */
export class Safe {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Piece = Safe | string | number | boolean | undefined | null | readonly Piece[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function piece(p: Piece): string {
  if (p === undefined || p === null || p === false) return '';
  if (p instanceof Safe) return p.text;
  if (Array.isArray(p)) return (p as readonly Piece[]).map(piece).join('');
  return escapeHtml(String(p));
}

/** `html\`<td>${value}</td>\``: values are escaped, Safe values and arrays of them are not. */
export function html(strings: TemplateStringsArray, ...values: Piece[]): Safe {
  let out = strings[0]!;
  values.forEach((v, i) => (out += piece(v) + strings[i + 1]!));
  return new Safe(out);
}

/** A section with a heading and an optional row of buttons beside it. */
export function section(title: string, body: Piece, actions: Piece = undefined, id?: string): Safe {
  return html`<section${id ? html` id="${id}"` : ''}><header><h2>${title}</h2><div class="actions">${actions}</div></header>${body}</section>`;
}

/** Label/value rows; a value may carry its own buttons. */
export function keyValues(rows: ReadonlyArray<readonly [label: string, value: Piece, actions?: Piece]>): Safe {
  return html`<dl class="kv">${rows.map(([k, v, a]) => html`<dt>${k}</dt><dd><span class="value">${v}</span>${a ? html` <span class="actions">${a}</span>` : ''}</dd>`)}</dl>`;
}

/** A table; `rows` are cells (already pieces). `empty` shows when there are no rows. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly Piece[]>, empty = 'None.', id?: string): Safe {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table${id ? html` id="${id}"` : ''}><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info';
export function badge(text: string, tone: Tone = 'info'): Safe {
  return html`<span class="badge ${tone}">${text}</span>`;
}

/**
 * A button that runs the page's action `action` with `args` (JSON). Inside a `form()`, the form's
 * fields are sent too. `confirm`: the extension asks this (modal) before running it.
 */
export function button(label: string, action: string, args: unknown = undefined, opts: { confirm?: string; primary?: boolean; title?: string } = {}): Safe {
  return html`<button type="button" class="${opts.primary ? 'primary' : 'secondary'}" data-action="${action}"${args !== undefined ? html` data-args="${JSON.stringify(args)}"` : ''}${opts.confirm ? html` data-confirm="${opts.confirm}"` : ''}${opts.title ? html` title="${opts.title}"` : ''}>${label}</button>`;
}

export interface FieldSpec {
  name: string;
  label: string;
  kind?: 'text' | 'number' | 'checkbox' | 'select' | 'textarea' | 'password';
  value?: string | number | boolean;
  options?: ReadonlyArray<readonly [value: string, label: string]>;
  placeholder?: string;
  hint?: string;
  required?: boolean;
}

function field(f: FieldSpec): Safe {
  const id = `f-${f.name}`;
  const common = html`id="${id}" name="${f.name}"${f.required ? html` required` : ''}`;
  let input: Safe;
  switch (f.kind ?? 'text') {
    case 'checkbox':
      input = html`<input type="checkbox" ${common}${f.value ? html` checked` : ''}>`;
      break;
    case 'select':
      input = html`<select ${common}>${(f.options ?? []).map(([v, l]) => html`<option value="${v}"${String(f.value ?? '') === v ? html` selected` : ''}>${l}</option>`)}</select>`;
      break;
    case 'textarea':
      input = html`<textarea ${common} rows="6"${f.placeholder ? html` placeholder="${f.placeholder}"` : ''}>${f.value === undefined ? '' : String(f.value)}</textarea>`;
      break;
    default:
      // A password field never carries a value into the page: the user types it each time.
      input = html`<input type="${f.kind ?? 'text'}" ${common}${f.kind !== 'password' && f.value !== undefined ? html` value="${String(f.value)}"` : ''}${f.placeholder ? html` placeholder="${f.placeholder}"` : ''}>`;
  }
  return html`<div class="field"><label for="${id}">${f.label}</label>${input}${f.hint ? html`<small>${f.hint}</small>` : ''}</div>`;
}

/** A form: its fields, then buttons (made with `button()`), which send the fields' values. */
export function form(id: string, fields: readonly FieldSpec[], buttons: Piece): Safe {
  return html`<form id="${id}" class="form" onsubmit="return false">${fields.map(field)}<div class="buttons">${buttons}</div></form>`;
}

/** A small line chart of one or more series over the same x values (e.g. counters over time). */
export function lineChart(series: ReadonlyArray<{ label: string; points: readonly number[] }>, opts: { width?: number; height?: number; title?: string } = {}): Safe {
  const w = opts.width ?? 360;
  const h = opts.height ?? 120;
  const n = Math.max(0, ...series.map((s) => s.points.length));
  const max = Math.max(1, ...series.flatMap((s) => s.points));
  const x = (i: number) => (n <= 1 ? 0 : (i / (n - 1)) * (w - 8) + 4);
  const y = (v: number) => h - 4 - (v / max) * (h - 8);
  const lines = series.map((s, k) => html`<polyline class="series s${k % 6}" fill="none" points="${s.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"><title>${s.label}</title></polyline>`);
  const legend = series.map((s, k) => html`<span class="legend s${k % 6}">${s.label}: ${s.points.at(-1) ?? 0}</span>`);
  return html`<figure class="chart"><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${opts.title ?? 'chart'}"><rect class="frame" x="0.5" y="0.5" width="${w - 1}" height="${h - 1}" fill="none"/>${lines}</svg><figcaption>${legend}</figcaption></figure>`;
}
