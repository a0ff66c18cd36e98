/** Where snapshots go and how they are named: `snapshots/<device>-<UTC time>.amt-snapshot.json`, so names sort by time. */

export const SNAPSHOT_SUFFIX = '.amt-snapshot.json';
export const SNAPSHOT_GLOB = `**/*${SNAPSHOT_SUFFIX}`;

/** `Simulator-20261203-171502.amt-snapshot.json`: the device's label made safe for any file system, then the time. */
export function snapshotFileName(label: string, at: Date): string {
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'device';
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `${safe}-${stamp}${SNAPSHOT_SUFFIX}`;
}
