/**
 * The one order the event log is shown in, by `amtwb log` (text and --json) and by the editor's
 * Event log rows: newest first, the way event logs are read (MeshCommander's event log lists the
 * same way). The device keeps the records oldest first (AMT_MessageLog GetRecords), and
 * amt/log/read returns them so; this reverses that order and nothing else.
 */
export function newestFirst<T>(records: readonly T[]): T[] {
  return [...records].reverse();
}
