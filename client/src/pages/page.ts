/**
 * A device page: a webview panel for one device and one class family (Hardware, Storage, System
 * Defense, …), the editor's counterpart of MeshCommander's pages. A page is a PageSpec — vscode-free,
 * so the client tests can load and render one against the real backend — and panel.ts shows it.
 *
 * The flow: `load` reads what the page shows through the backend's requests, `render` turns that into
 * HTML (html.ts: every value escaped), and buttons (`button(label, action, args)`) run one of the
 * page's `actions`, after which the page loads and renders again. An action's returned sentence is
 * shown in the page's banner; a thrown error's sentence is shown there as an error. Passwords are
 * asked for with `ui.password` (VS Code's password input box), never typed into the page.
 */
import type { Request } from '../model/request';
import type { Safe } from './html';

/** What a page gets: the device and the one way to reach the backend. */
export interface PageContext {
  targetId: string;
  /** The device's label, for titles and sentences. */
  label: string;
  /** Ctx.request in the extension (credentials attached), a JSON-RPC connection in tests. */
  request: Request;
}

/** VS Code's UI as actions need it; the tests pass a scripted one. */
export interface PageUi {
  /** A modal question; true when the user chose `button`. */
  confirm(message: string, detail: string | undefined, button: string): Promise<boolean>;
  /** A password input box (never echoed); undefined when dismissed. */
  password(title: string, prompt: string): Promise<string | undefined>;
  input(title: string, prompt: string, value?: string): Promise<string | undefined>;
  pick(title: string, items: readonly string[]): Promise<string | undefined>;
  /** Writes a file into the workspace (asking where when there is no folder); its path, or undefined when cancelled. */
  saveFile(defaultName: string, content: string | Uint8Array): Promise<string | undefined>;
  /** Opens a document or a diff in the editor. */
  open(uri: string): Promise<void>;
  diff(left: string, right: string, title: string): Promise<void>;
  /** Opens (or reveals) another page of the same device, e.g. the Overview's "Hardware" button. */
  openPage?(kind: string, targetId: string): Promise<void>;
}

/** What a button sent: its `args` (the JSON in data-args) and the values of its form's fields. */
export interface ActionInput {
  args: unknown;
  /** Field name → text (checkboxes: true/false); empty when the button is not in a form. */
  fields: Record<string, string | boolean>;
}

export type PageAction<D> = (page: PageContext, data: D | undefined, input: ActionInput, ui: PageUi, signal: AbortSignal) => Promise<string | void>;

export interface PageSpec<D = unknown> {
  /** Unique, lower-case: `hardware`; the command `amt.page.hardware` opens it. */
  kind: string;
  /** `Hardware`: the panel's title is `Hardware — <device>`. */
  title: string;
  /** A codicon for the Devices view's row. */
  icon: string;
  /** Reads everything the page shows. */
  load(page: PageContext, signal: AbortSignal): Promise<D>;
  /** The page's body. */
  render(data: D, page: PageContext): Safe;
  /** Button actions by name (`$refresh` is built in). */
  actions?: Readonly<Record<string, PageAction<D>>>;
  /** While the panel is visible, load and render again every this many seconds (live counters). */
  pollSeconds?: number;
}

/** A page as the registry keeps it (the data type erased). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPageSpec = PageSpec<any>;
