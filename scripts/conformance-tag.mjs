// Loaded by scripts/test.mjs into every test process (`--import`): names the test file in the
// environment (PHOENIX_CONFORMANCE_TEST), so the conformance log can say which test made each
// Proxmox call, also from the test's subprocesses (which inherit it). Not in the runner itself.
import { relative } from 'node:path';

const file = process.execArgv.includes('--test') ? undefined : process.argv.find((a) => a.endsWith('.test.ts'));
if (file) process.env.PHOENIX_CONFORMANCE_TEST = relative(process.cwd(), file);
