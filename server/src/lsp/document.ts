/**
 * The .wsman file model: requests separated by `###` lines (the rest of the line is the title),
 * `@name = value` variable lines and `#`/`//` comment lines before (or after) a request's XML,
 * `{{name}}` substitutions, and the built-ins `{{$uuid}}` and `{{$target}}`. The format is
 * documented for users in docs/wsman-files.md.
 *
 * The model is incremental (blocks.ts): a version stores offsets into its text, not copies;
 * request XML trees are parsed on demand and only the last few are kept; variables are indexed
 * once per version. `WsmanFileCache` builds each version from the one before.
 */
import { diffBlocks, readBlocks, VARIABLE_REF, type BlockCore, type BlockList } from './blocks';
import { parseXmlTree, type XDocument } from './xmlTree';

export { VARIABLE_REF } from './blocks';

export interface VariableDef {
  name: string;
  /** Raw value (may itself contain `{{other}}`). */
  value: string;
  /** Offset of the line's `@`. */
  start: number;
  /** Offset of the end of the line (before the newline). */
  end: number;
  nameStart: number;
  nameEnd: number;
  valueStart: number;
}

/** What `{{name}}` resolves to at some point of the file. */
export interface VariableLookup {
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** Built-in variables, resolved at send time. */
export const BUILTIN_VARIABLES = {
  $uuid: 'a fresh `uuid:…` for each send (use it in MessageID)',
  $target: "the selected device's URL, e.g. `http://127.0.0.1:16992`",
} as const;

/** Parsed XML trees kept per file version: the few requests being worked on, not every request. */
const TREES_KEPT = 8;

/**
 * One request of one version of the file. Offsets are absolute; the parsed block (`core`) is
 * shared with the other versions in which the block's text did not change.
 */
export class RequestBlock {
  constructor(
    private readonly file: WsmanFile,
    /** The block as read, shared across versions while its text is unchanged. */
    readonly core: BlockCore,
    /** Offset where the block starts (its `###` line, or the file start). */
    readonly start: number,
    /** 0-based position among the file's requests (blocks that hold XML). */
    readonly index: number,
  ) {}

  /** Text after `###`, trimmed; undefined when the block has no separator line or it is bare. */
  get title(): string | undefined {
    return this.core.title;
  }

  /** Offset where the block ends (the next `###` line, or the end of the file). */
  get end(): number {
    return this.start + this.core.len;
  }

  /** The `###` line, when there is one. */
  get separator(): { start: number; end: number } | undefined {
    return this.core.separatorEnd === undefined ? undefined : { start: this.start, end: this.start + this.core.separatorEnd };
  }

  /** The XML region, trimmed of surrounding blank, variable and comment lines. */
  get xmlStart(): number {
    return this.start + this.core.xmlStart!;
  }

  get xmlEnd(): number {
    return this.start + this.core.xmlEnd!;
  }

  /** The request's XML tree, read when first asked for (the file keeps the last few). */
  get xml(): XDocument {
    return this.file.treeOf(this);
  }
}

/**
 * One version of a .wsman file: its text, its requests, and the variables defined in it. Built
 * by `parseWsmanFile` (every block) or `updateWsmanFile` (only the blocks an edit touched).
 */
export class WsmanFile {
  readonly requests: RequestBlock[] = [];
  /** Blocks read to build this version: all of them for a fresh parse, the edited ones after an edit. */
  readonly blocksParsed: number;
  /** Requests whose diagnostics were computed (not taken from a previous version) in this version. */
  requestsDiagnosed = 0;
  private readonly trees = new Map<RequestBlock, XDocument>();
  private index?: Map<string, { at: number[]; values: string[] }>;
  private allVariables?: VariableDef[];
  private comments?: { start: number; end: number }[];

  constructor(
    readonly text: string,
    /** Block starts and cores, in file order (blocks without XML included). */
    readonly blocks: BlockList,
    parsed: number,
    /**
     * Shared by consecutive versions whose variable lines are all the same: within it, every
     * unchanged request sees the same variable values, so its cached analysis holds as it is.
     */
    readonly variableGeneration: object = {},
  ) {
    this.blocksParsed = parsed;
    blocks.cores.forEach((core, i) => {
      if (core.xmlStart !== undefined) this.requests.push(new RequestBlock(this, core, blocks.starts[i]!, this.requests.length));
    });
  }

  /** Every `@name = value` line outside the XML, in file order. */
  get variables(): VariableDef[] {
    if (!this.allVariables) {
      const out: VariableDef[] = [];
      this.blocks.cores.forEach((core, i) => {
        const base = this.blocks.starts[i]!;
        for (const v of core.variables) {
          out.push({ name: v.name, value: v.value, start: base + v.start, end: base + v.end, nameStart: base + v.nameStart, nameEnd: base + v.nameEnd, valueStart: base + v.valueStart });
        }
      });
      this.allVariables = out;
    }
    return this.allVariables;
  }

  /** Comment lines outside the XML (`# …`, `// …`), kept by the formatter. */
  get commentLines(): { start: number; end: number }[] {
    if (!this.comments) {
      this.comments = this.blocks.cores.flatMap((core, i) => core.commentLines.map((c) => ({ start: this.blocks.starts[i]! + c.start, end: this.blocks.starts[i]! + c.end })));
    }
    return this.comments;
  }

  /** The value of `name` at `offset`: its last definition before the offset. */
  lookup(name: string, offset: number): string | undefined {
    const defs = this.variableIndex().get(name);
    if (!defs || defs.at[0]! >= offset) return undefined;
    let lo = 0;
    let hi = defs.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (defs.at[mid]! < offset) lo = mid;
      else hi = mid - 1;
    }
    return defs.values[lo];
  }

  /** The variables visible at `offset`, looked up on demand (no map is built). */
  scopeAt(offset: number): VariableLookup {
    return { get: (name) => this.lookup(name, offset), has: (name) => this.lookup(name, offset) !== undefined };
  }

  /** Name → definition offsets and values, built once per version. */
  variableIndex(): ReadonlyMap<string, { at: number[]; values: string[] }> {
    if (!this.index) {
      const index = new Map<string, { at: number[]; values: string[] }>();
      this.blocks.cores.forEach((core, i) => {
        for (const v of core.variables) {
          let defs = index.get(v.name);
          if (!defs) index.set(v.name, (defs = { at: [], values: [] }));
          defs.at.push(this.blocks.starts[i]! + v.start);
          defs.values.push(v.value);
        }
      });
      this.index = index;
    }
    return this.index;
  }

  /** The tree of a request of this version, parsed on demand; the last few stay cached. */
  treeOf(block: RequestBlock): XDocument {
    let tree = this.trees.get(block);
    if (tree) {
      this.trees.delete(block);
    } else {
      tree = parseXmlTree(this.text, block.xmlStart, block.xmlEnd);
      if (this.trees.size >= TREES_KEPT) this.trees.delete(this.trees.keys().next().value!);
    }
    this.trees.set(block, tree);
    return tree;
  }
}

export function parseWsmanFile(text: string): WsmanFile {
  const { parsed, ...blocks } = readBlocks(text);
  return new WsmanFile(text, blocks, parsed);
}

/** The next version of `previous`: only the blocks the change touched are read again. */
export function updateWsmanFile(previous: WsmanFile, text: string): WsmanFile {
  const { parsed, variablesChanged, ...blocks } = diffBlocks(previous.text, previous.blocks, text);
  return new WsmanFile(text, blocks, parsed, variablesChanged ? {} : previous.variableGeneration);
}

/** The request whose block contains the offset (binary search over the request starts). */
export function requestAt(file: WsmanFile, offset: number): RequestBlock | undefined {
  const rs = file.requests;
  let lo = 0;
  let hi = rs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rs[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const r = rs[found];
  return r && offset <= r.end && (offset < r.end || r.end === file.text.length) ? r : undefined;
}

/** Variables visible at an offset: every definition before it, a later one overriding an earlier. */
export function variablesAt(file: WsmanFile, offset: number): Map<string, string> {
  const vars = new Map<string, string>();
  for (const name of file.variableIndex().keys()) {
    const value = file.lookup(name, offset);
    if (value !== undefined) vars.set(name, value);
  }
  return vars;
}

export interface Substitution {
  text: string;
  /** Names that had no value (left as `{{name}}` in the text). */
  unresolved: string[];
}

/**
 * Replaces `{{name}}` with values; values may refer to other variables (resolved up to a depth
 * of 10, which also stops cycles). Names not in `vars` stay as written and are reported.
 */
export function substitute(text: string, vars: Pick<VariableLookup, 'get'>): Substitution {
  const unresolved = new Set<string>();
  const expand = (s: string, depth: number): string =>
    s.replace(VARIABLE_REF, (whole, name: string) => {
      const value = vars.get(name);
      if (value === undefined || depth >= 10) {
        unresolved.add(name);
        return whole;
      }
      return expand(value, depth + 1);
    });
  return { text: expand(text, 0), unresolved: [...unresolved] };
}

/** True when a value still holds a `{{…}}` reference (so its type cannot be checked yet). */
export function hasVariable(text: string): boolean {
  return /\{\{.*?\}\}/.test(text);
}

/**
 * The model of each open document, per URI. A new version is built from the previous one, so an
 * edit re-reads only the blocks it touched and unchanged requests keep their cached analysis.
 */
export class WsmanFileCache {
  private readonly entries = new Map<string, { version: number; file: WsmanFile }>();

  get(doc: { uri: string; version: number; getText(): string }): WsmanFile {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.file;
    const text = doc.getText();
    const file = hit ? updateWsmanFile(hit.file, text) : parseWsmanFile(text);
    this.entries.set(doc.uri, { version: doc.version, file });
    return file;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
