/**
 * Device snapshots (features/snapshot/): take one with progress (`amt/snapshot/progress`
 * notifications naming the request's `progressToken`; cancelling the request stops it and
 * returns nothing), and compare two snapshot files' texts (needs no device).
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export interface SnapshotTakeParams extends TargetParams {
  /** Echoed in each progress notification, so the client knows which take it belongs to. */ progressToken?: string;
}

export interface SnapshotTakeResult {
  /** The snapshot file's text (docs/snapshot-format.md), to be written as is. */ text: string;
  /** Classes with instances read, classes the device refused (with a fault), classes not served. */
  classes: number; refused: number; notServed: number;
  instances: number;
}

export interface SnapshotProgress {
  progressToken: string;
  /** Classes answered so far, of `total`. */ done: number; total: number;
  /** The class just answered. */ className: string;
  /** Instances read so far. */ instances: number;
}

/** One side of a comparison: a snapshot file's text and the name to call it by (its file name, or "the device now"). */
export interface SnapshotInput { text: string; name: string }

export interface SnapshotDiffParams { before: SnapshotInput; after: SnapshotInput }

export interface SnapshotSide { name: string; /** The device's label in the snapshot. */ label: string; takenAt: string }

export interface SnapshotChange {
  /** class-added/removed: became served or stopped being served; class-refused/readable: the device began or stopped refusing it. */
  kind: 'class-added' | 'class-removed' | 'class-refused' | 'class-readable' | 'instance-added' | 'instance-removed' | 'property-added' | 'property-removed' | 'property-changed';
  className: string;
  /** The instance's key (`Class?Key=Value`). */ instance?: string;
  property?: string;
  /** Values as text (value-map labels included). */ before?: string; after?: string;
}

/** A volatile value (or a class of log records) that moved: shown, not compared. */
export interface SnapshotVolatile {
  className: string; instance?: string; property?: string;
  /** Why it moves by itself. */ reason: string;
  before?: string; after?: string;
}

export interface SnapshotDiff {
  /** No change beyond volatile values. */ same: boolean;
  before: SnapshotSide; after: SnapshotSide;
  changes: SnapshotChange[];
  volatile: SnapshotVolatile[];
}

export interface SnapshotDiffResult {
  diff: SnapshotDiff;
  /** The comparison as text (what `amtwb snapshot diff` prints). */ report: string;
  /** Each side rendered with volatile values marked, for a line diff. */ beforeText: string; afterText: string;
}

export const SnapshotRequests = {
  /** Reads every served class of the device into one snapshot; reports `amt/snapshot/progress`. */
  take: new RequestType<SnapshotTakeParams, SnapshotTakeResult, void>('amt/snapshot/take'),
  /** Compares two snapshots' texts (needs no device). */ diff: new RequestType<SnapshotDiffParams, SnapshotDiffResult, void>('amt/snapshot/diff'),
} as const;

export const SnapshotNotifications = {
  /** After each class of a take that named a progressToken. */ progress: new NotificationType<SnapshotProgress>('amt/snapshot/progress'),
} as const;
