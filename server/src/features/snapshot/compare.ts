/** What the protocol and the CLI ask of snapshots: a take's summary, and two files' texts compared and rendered. */
import { Catalog } from '../../catalog/catalog';
import type { SnapshotDiffParams, SnapshotDiffResult, SnapshotTakeResult } from '../../protocol';
import { diffSnapshots } from './diff';
import { parseSnapshot, serializeSnapshot, type Snapshot } from './format';
import { renderDiff, renderSnapshot } from './render';

export function takeResult(s: Snapshot): SnapshotTakeResult {
  const classes = Object.values(s.classes);
  return {
    text: serializeSnapshot(s),
    classes: classes.filter((c) => !c.fault).length,
    refused: classes.filter((c) => c.fault).length,
    notServed: s.notServed.length,
    instances: classes.reduce((n, c) => n + (c.instances?.length ?? 0), 0),
  };
}

export function compareSnapshots(p: SnapshotDiffParams, catalog = Catalog.default()): SnapshotDiffResult {
  const before = parseSnapshot(p.before.text, p.before.name);
  const after = parseSnapshot(p.after.text, p.after.name);
  const diff = diffSnapshots(before, after, { before: p.before.name, after: p.after.name }, catalog);
  return { diff, report: renderDiff(diff), beforeText: renderSnapshot(before, catalog), afterText: renderSnapshot(after, catalog) };
}
