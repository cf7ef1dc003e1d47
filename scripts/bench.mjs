// `npm run bench`: builds dist/ (the benchmark runs the real binary) and runs bench/run.ts.
// Arguments pass through: npm run bench -- --only homelab --scale 0.5 (see bench/README.md).
import { spawnSync } from 'node:child_process';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
