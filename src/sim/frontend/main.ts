// Entry of the simulator's pct/qm executables (dist/sim-cli.js): `sim-cli.js pct status 100`.
// The state directory comes from PHOENIX_SIM_STATE; stdin is read only for commands that take it.

import { runSim } from './run.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const argv = process.argv.slice(2);
const wantsStdin = !process.stdin.isTTY && ((argv[0] === 'pct' && argv[1] === 'exec') || (argv[0] === 'qm' && argv[1] === 'guest' && argv[2] === 'exec' && argv.some((a) => /^--?pass-stdin/.test(a))));
const stateDir = process.env.PHOENIX_SIM_STATE;
if (!stateDir) {
  process.stderr.write('phoenix simulator: PHOENIX_SIM_STATE is not set (run `phoenix sim path`)\n');
  process.exit(255);
}
const res = await runSim(argv, { stateDir, stdin: wantsStdin ? await readStdin() : undefined, env: process.env });
process.stdout.write(res.stdout);
process.stderr.write(res.stderr);
process.exitCode = res.exitCode;
