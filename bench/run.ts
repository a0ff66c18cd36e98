/**
 * `npm run bench`: performance measures, each against its own baseline measured in the same run,
 * reported as ratios of medians (so the numbers mean the same on a slow or a busy machine).
 * Benchmarks are never assertions; tests do not time anything.
 */
import { measures } from './measures';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: { name: string; lines: string[] }[] = [];
  for (const m of measures) {
    if (only.length && !only.some((o) => m.name.includes(o))) continue;
    process.stdout.write(`running: ${m.name} …\n`);
    results.push({ name: m.name, lines: await m.run() });
  }
  console.log('');
  for (const r of results) {
    console.log(`## ${r.name}`);
    for (const l of r.lines) console.log(`  ${l}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
