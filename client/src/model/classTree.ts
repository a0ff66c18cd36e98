/**
 * The classes of one device: grouped by schema (AMT, CIM, IPS) → class → instances (enumerated in
 * pages, with progress for large classes) → properties with their values. A reference-valued
 * property expands to the instance it points at. With `probe` set, listing the classes starts a
 * background probe (classProbe.ts) once per device: the classes the device does not serve are
 * marked "not served by this device" and the schema rows count the served ones. A class the
 * device refuses on expansion is marked the same way and stays marked until refreshed.
 */
import { Requests, type ClassSummary, type Fault, type InstanceRef, type InstanceView } from '../../../server/src/protocol';
import { ClassProbe, refusalText, type ProbeProgress, type ProbeStatus } from './classProbe';
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
  /** Probe which classes the device serves, in the background, when the classes are first listed. */
  probe?: { withProgress?: ProbeProgress; concurrency?: number; label?: () => string };
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
  private readonly schemaNodes = new Map<Schema, TreeNode>();
  private readonly prober: ClassProbe | undefined;
  private readonly changed = new Emitter<TreeNode | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly prefix: string;

  constructor(
    private readonly request: Request,
    readonly targetId: string,
    private readonly options: ClassTreeOptions,
  ) {
    this.prefix = options.idPrefix ?? `classes:${targetId}`;
    if (options.probe) {
      this.prober = new ClassProbe(request, targetId, {
        ...options.probe,
        onResult: (className) => this.probed(className),
        // The schema rows say how far it got; they are redrawn when it ends.
        onStatus: (status) => {
          if (status.kind !== 'running') this.changed.fire(undefined);
        },
      });
    }
  }

  /** How far the probe of served classes got (idle without `probe`). */
  get probeStatus(): ProbeStatus {
    return this.prober?.status ?? { kind: 'idle' };
  }

  /** Probes every catalog class again (the "Check Which Classes the Device Serves" command). */
  async probe(): Promise<void> {
    if (!this.prober) return;
    const all = await this.listClasses();
    const run = this.prober.run(all.map((c) => c.name), true);
    this.changed.fire(undefined);
    await run;
  }

  /** One probe answer: redraws that class's row, unless a load of it says more (or is under way). */
  private probed(className: string): void {
    const node = this.classNodes.get(className);
    if (node && !this.loads.has(className) && this.redecorate(node, className)) this.changed.fire(node);
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
      // A probe that failed (device unreachable, password refused) is tried again with the list.
      this.prober?.forgetFailure();
    }
    this.changed.fire(undefined);
  }

  /** The filter changed: every group is listed again. */
  filterChanged(): void {
    this.changed.fire(undefined);
  }

  async roots(): Promise<TreeNode[]> {
    const all = await this.listClasses();
    if (this.prober && !this.prober.started) void this.prober.run(all.map((c) => c.name)).catch(() => undefined);
    const filter = this.filterText();
    const status = this.probeStatus;
    const nodes: TreeNode[] = [];
    for (const schema of SCHEMAS) {
      const inSchema = all.filter((c) => c.schema === schema);
      const shown = inSchema.filter((c) => matches(c.name, filter));
      if (filter && shown.length === 0) continue;
      let node = this.schemaNodes.get(schema);
      if (!node) {
        node = { id: `${this.prefix}/${schema}`, label: SCHEMA_LABEL[schema], icon: 'symbol-namespace', collapsible: 'collapsed', data: { kind: 'schema', targetId: this.targetId, schema } };
        this.schemaNodes.set(schema, node);
      }
      node.collapsible = filter ? 'expanded' : 'collapsed';
      const served = shown.filter((c) => this.prober?.result(c.name)?.served).length;
      const counted = filter ? `${shown.length} of ${inSchema.length} classes` : `${inSchema.length} classes`;
      node.description =
        status.kind === 'done'
          ? filter ? `${counted} · ${served} served` : `${served} of ${inSchema.length} classes served`
          : status.kind === 'running' ? `${counted} · checking…` : counted;
      node.tooltip =
        status.kind === 'failed'
          ? `Which classes the device serves is not known: ${status.error} Run "AMT: Check Which Classes the Device Serves" to try again.`
          : status.kind === 'stopped'
            ? `The check of which classes the device serves was stopped after ${status.done} of ${status.total}; run "AMT: Check Which Classes the Device Serves" to finish it.`
            : undefined;
      nodes.push(node);
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
    const fault = load ? load.fault : this.prober?.result(className)?.fault;
    node.tooltip = undefined;
    node.iconColor = undefined;
    if (fault) {
      node.description = lowerFirst(refusalText(fault));
      node.tooltip = faultTooltip(fault);
      node.icon = 'circle-slash';
      node.iconColor = 'disabledForeground';
      node.contextValue = 'amt.class.unserved';
    } else if (!load) {
      node.description = undefined;
      node.icon = 'symbol-class';
      node.contextValue = 'amt.class';
    } else {
      const n = load.items.length;
      node.description = `${n} instance${n === 1 ? '' : 's'}${load.stopped ? ' (stopped)' : ''}`;
      node.icon = 'symbol-class';
      node.contextValue = 'amt.class';
    }
  }

  private async instanceRows(node: TreeNode, className: string): Promise<TreeNode[]> {
    // The probe already knows the device refuses it: nothing to ask.
    const refused = this.loaded.has(className) ? undefined : this.prober?.result(className)?.fault;
    if (refused) return [this.faultRow(node, refused)];
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
    if (load.fault) return [this.faultRow(node, load.fault)];
    const rows = load.items.map((view) => this.instanceNode(node.id, view.ref, view));
    if (load.stopped) rows.push(infoNode(`${node.id}/stopped`, `Stopped after ${load.items.length} instances`, { description: 'refresh the class to load them all', icon: 'debug-pause' }));
    if (rows.length === 0) rows.push(infoNode(`${node.id}/empty`, 'No instances', { icon: 'circle-outline' }));
    return rows;
  }

  private faultRow(node: TreeNode, fault: Fault): TreeNode {
    return infoNode(`${node.id}/fault`, refusalText(fault), { tooltip: faultTooltip(fault), icon: 'circle-slash' });
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

/** The WS-Management detail of a refusal, for the tooltip: what the device said, and its fault code. */
function faultTooltip(fault: Fault): string {
  return `${refusalText(fault)}.\nThe device answered: ${fault.message || fault.reason} (WS-Management fault ${fault.subcode}).`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Case-insensitive substring match; every space-separated word must occur. */
export function matches(name: string, filter: string): boolean {
  if (!filter) return true;
  const lower = name.toLowerCase();
  return filter.toLowerCase().split(/\s+/).every((w) => lower.includes(w));
}
