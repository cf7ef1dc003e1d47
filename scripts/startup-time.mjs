// Start-up time of the built CLI: `phoenix --version` and `--help` against the floor of starting
// Node itself (`node -e 0`), measured the same way in the same run. Prints medians and ratios.
// Usage: node scripts/startup-time.mjs [runs]   (needs `npm run build` first)
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 30);
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const cases = {
  'node -e 0 (floor)': [process.execPath, '-e', '0'],
  'phoenix --version': [process.execPath, cli, '--version'],
  'phoenix --help': [process.execPath, cli, '--help'],
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const [name, argv] of Object.entries(cases)) {
  for (let i = 0; i < 3; i++) spawnSync(argv[0], argv.slice(1)); // warm the page cache
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(argv[0], argv.slice(1));
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
  }
  results[name] = median(times);
}
const floor = results['node -e 0 (floor)'];
for (const [name, ms] of Object.entries(results)) {
  console.log(`${name.padEnd(22)} median ${ms.toFixed(1).padStart(6)} ms   ${(ms / floor).toFixed(2)}× node's own start`);
}
console.log(`target: phoenix --version under 200 ms → ${results['phoenix --version'] < 200 ? 'met' : 'MISSED'}`);
