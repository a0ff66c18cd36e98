/**
 * The classes of one device: grouped by schema (AMT, CIM, IPS) → class → instances (enumerated in
 * pages, with progress for large classes) → properties with their values. A reference-valued
 * property expands to the instance it points at. A class the device refuses is marked with the
 * fault's reason after the first try and stays marked until refreshed.
 */
import { Requests, type ClassSummary, type Fault, type InstanceRef, type InstanceView } from '../../../server/src/protocol';
import { Emitter, errorMessage, type Request } from './request';
import { infoNode, type TreeModel, type TreeNode } from './tree';

export type Schema = 'amt' | 'cim' | 'ips';
export const SCHEMAS: readonly Schema[] = ['amt', 'cim', 'ips'];
const SCHEMA_LABEL: Record<Schema, string> = { amt: 'AMT', cim: 'CIM', ips: 'IPS' };

/** Runs a long enumeration: `report(count)` after each page; the signal says the user stopped it. */
export type WithProgress = <T>(title: string, work: (report: (count: number) => void, signal: AbortSignal) => Promise<T>) => Promise<T>;

export interface ClassTreeOptions {
  /** Instances per Pull. */
  pageSize: number;
  /** The current class-name filter ('' for none); shared by every device's tree. */
  filter?: () => string;
  /** Progress UI for enumerations of more than one page; without it pages load silently. */
  withProgress?: WithProgress;
  /** Prefix for node ids, so the same class under two devices (or two views) stays distinct. */
  idPrefix?: string;
}

export interface ClassLoad {
  items: InstanceView[];
  fault?: Fault;
  /** The user stopped a long enumeration: `items` is what arrived until then. */
  stopped?: boolean;
}

const noProgress: WithProgress = (_title, work) => work(() => undefined, new AbortController().signal);

export class ClassTree implements TreeModel {
  private classes: Promise<readonly ClassSummary[]> | undefined;
  private readonly loads = new Map<string, Promise<ClassLoad>>();
  private readonly loaded = new Map<string, ClassLoad>();
  /** Class rows are kept so a change to one (marked unserved, counted) refreshes that very row. */
  private readonly classNodes = new Map<string, TreeNode>();
  private readonly changed = new Emitter<TreeNode | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly prefix: string;

  constructor(
    private readonly request: Request,
    readonly targetId: string,
    private readonly options: ClassTreeOptions,
  ) {
    this.prefix = options.idPrefix ?? `classes:${targetId}`;
  }

  /** The fault a class was refused with, once it has been tried. */
  faultOf(className: string): Fault | undefined {
    return this.loaded.get(className)?.fault;
  }

  /** Forgets enumerated instances (of one class, or all) so the next expansion asks the device again. */
  refresh(className?: string): void {
    if (className) {
      this.loads.delete(className);
      this.loaded.delete(className);
      // The row keeps what it said until the class is read again: redrawing it now, and again
      // when the new count arrives, would redraw it twice while its children are being fetched.
      const node = this.classNodes.get(className);
      if (node) {
        this.changed.fire(node);
        return;
      }
    } else {
      this.loads.clear();
      this.loaded.clear();
    }
    this.changed.fire(undefined);
  }

  /** The filter changed: every group is listed again. */
  filterChanged(): void {
    this.changed.fire(undefined);
  }

  async roots(): Promise<TreeNode[]> {
    const all = await this.listClasses();
    const filter = this.filterText();
    const nodes: TreeNode[] = [];
    for (const schema of SCHEMAS) {
      const total = all.filter((c) => c.schema === schema).length;
      const shown = all.filter((c) => c.schema === schema && matches(c.name, filter)).length;
      if (filter && shown === 0) continue;
      nodes.push({
        id: `${this.prefix}/${schema}`,
        label: SCHEMA_LABEL[schema],
        description: filter ? `${shown} of ${total} classes` : `${total} classes`,
        icon: 'symbol-namespace',
        collapsible: filter ? 'expanded' : 'collapsed',
        data: { kind: 'schema', targetId: this.targetId, schema },
      });
    }
    if (nodes.length === 0) return [infoNode(`${this.prefix}/none`, `No class name contains "${filter}"`, { description: 'clear the filter to see all classes', icon: 'filter' })];
    return nodes;
  }

  async children(node: TreeNode): Promise<TreeNode[]> {
    const d = node.data;
    switch (d.kind) {
      case 'schema':
        return this.classRows(d.schema);
      case 'class':
        return this.instanceRows(node, d.className);
      case 'instance':
        return this.propertyRows(node, d.ref);
      case 'property':
        return (d.property.refs ?? []).map((ref) => this.instanceNode(node.id, ref, undefined));
      default:
        return [];
    }
  }

  /**
   * Every instance of a class (all pages), cached until refresh. The class row is redrawn when the
   * result changes what it says; `quiet` leaves that to the caller (see instanceRows).
   */
  load(className: string, quiet = false): Promise<ClassLoad> {
    let p = this.loads.get(className);
    if (!p) {
      p = this.enumerate(className).then(
        (result) => {
          this.loaded.set(className, result);
          return result;
        },
        (err) => {
          this.loads.delete(className);
          throw err;
        },
      );
      this.loads.set(className, p);
    }
    if (!quiet) {
      void p.then(() => {
        const node = this.classNodes.get(className);
        if (node && this.redecorate(node, className)) this.changed.fire(node);
      }, () => undefined);
    }
    return p;
  }

  /** Decorates the row again; true when what it shows changed. */
  private redecorate(node: TreeNode, className: string): boolean {
    const before = `${node.description}|${node.icon}|${node.contextValue}`;
    this.decorate(node, className);
    return before !== `${node.description}|${node.icon}|${node.contextValue}`;
  }

  private listClasses(): Promise<readonly ClassSummary[]> {
    this.classes ??= this.request(Requests.listClasses, undefined).catch((err) => {
      this.classes = undefined;
      throw err;
    });
    return this.classes;
  }

  private filterText(): string {
    return (this.options.filter?.() ?? '').trim();
  }

  private async classRows(schema: Schema): Promise<TreeNode[]> {
    const filter = this.filterText();
    return (await this.listClasses())
      .filter((c) => c.schema === schema && matches(c.name, filter))
      .map((c) => {
        let node = this.classNodes.get(c.name);
        if (!node) {
          node = {
            id: `${this.prefix}/class/${c.name}`,
            label: c.name,
            collapsible: 'collapsed',
            contextValue: 'amt.class',
            data: { kind: 'class', targetId: this.targetId, className: c.name },
          };
          this.classNodes.set(c.name, node);
        }
        this.decorate(node, c.name);
        return node;
      });
  }

  /** The row of a class says what is known about it: not tried, n instances, or refused and why. */
  private decorate(node: TreeNode, className: string): void {
    const load = this.loaded.get(className);
    node.tooltip = undefined;
    node.iconColor = undefined;
    if (!load) {
      node.description = undefined;
      node.icon = 'symbol-class';
      node.contextValue = 'amt.class';
    } else if (load.fault) {
      node.description = `not served: ${load.fault.reason || load.fault.subcode}`;
      node.tooltip = load.fault.message;
      node.icon = 'circle-slash';
      node.iconColor = 'disabledForeground';
      node.contextValue = 'amt.class.unserved';
    } else {
      const n = load.items.length;
      node.description = `${n} instance${n === 1 ? '' : 's'}${load.stopped ? ' (stopped)' : ''}`;
      node.icon = 'symbol-class';
      node.contextValue = 'amt.class';
    }
  }

  private async instanceRows(node: TreeNode, className: string): Promise<TreeNode[]> {
    let load: ClassLoad;
    try {
      load = await this.load(className, true);
    } catch (err) {
      return [infoNode(`${node.id}/error`, errorMessage(err), { icon: 'error', iconColor: 'errorForeground', tooltip: errorMessage(err) })];
    }
    // The row says what was learned. It is redrawn at once only when its children are leaves (a
    // fault, no instances): VS Code loses expanded rows below a row redrawn while they load, so
    // an instance count waits for the row's next redraw.
    if (this.redecorate(node, className) && (load.fault || load.items.length === 0)) setTimeout(() => this.changed.fire(node), 0);
    if (load.fault) {
      return [infoNode(`${node.id}/fault`, `Not served: ${load.fault.subcode}`, { description: load.fault.reason, tooltip: load.fault.message, icon: 'circle-slash' })];
    }
    const rows = load.items.map((view) => this.instanceNode(node.id, view.ref, view));
    if (load.stopped) rows.push(infoNode(`${node.id}/stopped`, `Stopped after ${load.items.length} instances`, { description: 'refresh the class to load them all', icon: 'debug-pause' }));
    if (rows.length === 0) rows.push(infoNode(`${node.id}/empty`, 'No instances', { icon: 'circle-outline' }));
    return rows;
  }

  private instanceNode(parentId: string, ref: InstanceRef, view: InstanceView | undefined): TreeNode {
    return {
      id: `${parentId}/i/${ref.text}`,
      label: view?.label ?? ref.text,
      description: view ? undefined : 'reference',
      tooltip: ref.text,
      icon: view ? 'symbol-object' : 'references',
      collapsible: 'collapsed',
      contextValue: 'amt.instance',
      data: { kind: 'instance', targetId: this.targetId, ref },
    };
  }

  private async propertyRows(node: TreeNode, ref: InstanceRef): Promise<TreeNode[]> {
    let view = this.loaded.get(ref.className)?.items.find((v) => v.ref.text === ref.text);
    if (!view) {
      try {
        view = await this.request(Requests.getInstance, { targetId: this.targetId, className: ref.className, selectors: ref.selectors });
      } catch (err) {
        return [infoNode(`${node.id}/error`, errorMessage(err), { icon: 'error', iconColor: 'errorForeground', tooltip: errorMessage(err) })];
      }
    }
    return view.properties.map((p) => ({
      id: `${node.id}/p/${p.name}`,
      label: `${p.name}: ${p.text}`,
      tooltip: `${p.name}: ${p.type ?? 'unknown type'}${p.array ? '[]' : ''}${p.key ? ' (key)' : ''}\n${p.text}`,
      icon: p.key ? 'key' : p.refs ? 'references' : 'symbol-field',
      collapsible: p.refs ? 'collapsed' : 'none',
      contextValue: p.refs ? 'amt.property.ref' : 'amt.property',
      data: { kind: 'property', targetId: this.targetId, owner: ref, property: p },
    }));
  }

  private async enumerate(className: string): Promise<ClassLoad> {
    const base = { targetId: this.targetId, className, maxElements: this.options.pageSize };
    const first = await this.request(Requests.enumeratePage, base);
    if (first.fault) return { items: [], fault: first.fault };
    const items = [...first.items];
    let context = first.context;
    if (!context) return { items };
    let stopped = false;
    const withProgress = this.options.withProgress ?? noProgress;
    await withProgress(`Enumerating ${className}`, async (report, signal) => {
      report(items.length);
      while (context) {
        if (signal.aborted) {
          await this.request(Requests.enumeratePage, { ...base, context, release: true }).catch(() => undefined);
          stopped = true;
          return;
        }
        const page = await this.request(Requests.enumeratePage, { ...base, context });
        items.push(...page.items);
        context = page.context;
        report(items.length);
      }
    });
    return stopped ? { items, stopped } : { items };
  }
}

/** Case-insensitive substring match; every space-separated word must occur. */
export function matches(name: string, filter: string): boolean {
  if (!filter) return true;
  const lower = name.toLowerCase();
  return filter.toLowerCase().split(/\s+/).every((w) => lower.includes(w));
}
