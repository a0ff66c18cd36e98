// A node:test reporter for scripts/run-tests.mjs: one JSON line per finished test (not per suite)
// with its outcome and, for a skipped or todo test, the reason it gave. The runner reads the file
// this writes to count passed/failed/skipped and to tell explained skips from unexplained ones;
// the human-readable output stays with node's own `spec` reporter.
export default async function* outcomes(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    const suite = data.details?.type === 'suite';
    // A suite is counted through its tests, except one skipped as a whole (its tests never run).
    if (suite && !data.skip && !data.todo) continue;
    let outcome = event.type === 'test:fail' ? 'failed' : 'passed';
    if (data.skip !== undefined && data.skip !== false) outcome = 'skipped';
    else if (data.todo !== undefined && data.todo !== false) outcome = 'skipped';
    const reason = typeof data.skip === 'string' ? data.skip : typeof data.todo === 'string' ? data.todo : '';
    yield JSON.stringify({ outcome, name: data.name, file: data.file ?? '', reason, todo: data.todo !== undefined && data.todo !== false }) + '\n';
  }
}
