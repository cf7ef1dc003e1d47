// `phoenix --version` against `node -e 0` in the same run: the cost of Phoenix's own start-up
// (module loading) over Node's. Each is run N times alternately, as a child process, and the
// median wall time is kept; the ratio is what to compare (absolute times depend on the machine).

import { spawnSync } from 'node:child_process';
import { CLI } from './lib.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}`);
  return performance.now() - t0;
}

export interface StartupResult {
  runs: number;
  versionMs: number;
  nodeMs: number;
  ratio: number;
}

export function measureStartup(runs = 21): StartupResult {
  const version: number[] = [];
  const node: number[] = [];
  wallMs([CLI, '--version']); // warm the file cache
  for (let i = 0; i < runs; i++) {
    node.push(wallMs(['-e', '0']));
    version.push(wallMs([CLI, '--version']));
  }
  const versionMs = Math.round(median(version));
  const nodeMs = Math.round(median(node));
  return { runs, versionMs, nodeMs, ratio: Math.round((versionMs / nodeMs) * 100) / 100 };
}
