// The executable: binds runCli to the real process. The only file that calls process.exit.
// `phoenix --version` answers before anything else is loaded (the CLI parser, the verbs): it is
// what scripts and completion call most, and it should cost what Node's own start-up costs.
import { phoenixVersion } from './version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) process.stdout.write(`${await phoenixVersion()}\n`);
else await run();

async function run(): Promise<void> {
  const { EXIT } = await import('../diag/errors.js');
  const { runCli } = await import('./main.js');
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\nphoenix: interrupted; letting running Proxmox tasks finish (Ctrl-C again to abort)\n');
      controller.abort();
    } else {
      process.exit(EXIT.interrupted);
    }
  });
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });

  try {
    const code = await runCli(argv, {
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
      env: process.env,
      cwd: process.cwd(),
      isTTY: Boolean(process.stdout.isTTY),
      signal: controller.signal,
    });
    process.exitCode = controller.signal.aborted && code !== 0 ? EXIT.interrupted : code;
  } catch (e) {
    process.stderr.write(`phoenix: internal error: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = EXIT.failed;
  }
}
