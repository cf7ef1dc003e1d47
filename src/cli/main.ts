// argv → command. Parses the verb and global options with commander, loads the verb's module
// lazily (so `--version` and `--help` never pay for zod or the engine), and maps errors to exit
// codes: 0 success, 1 a guest operation failed, 2 usage or configuration error, 130 interrupted.

import { Command, CommanderError, Option } from 'commander';
import { EXIT, OperationError, UsageError } from '../diag/errors.js';
import type { CliIO, CommandContext, CommandRun, GlobalOptions } from './io.js';
import { phoenixVersion } from './version.js';
import { oneLine } from '../util/terminal.js';

interface VerbSpec {
  name: string;
  aliases?: string[];
  summary: string;
  args?: string; // commander argument syntax
  load: () => Promise<{ run: CommandRun }>;
  options?: (cmd: Command) => void;
}

const ids = '[ids...]';

const collect = (v: string, prev: string[] = []) => [...prev, v];
/** --tag/--exclude for verbs that take guests (named by id, name or tag: app/targets.ts). */
const targeting = (c: Command) => c.option('-t, --tag <tag>', 'also every guest with this tag (repeatable)', collect).option('-x, --exclude <guest>', 'leave out this guest: an id, name or tag (repeatable)', collect);
const TARGET_HELP = '\nGuests are named by id (210), name (docker-host) or tag (gpu).';

/** Options of the verbs that apply a plan. */
function applyOptions(c: Command): Command {
  return c
    .option('--no-reboot', 'apply what a running guest takes live; leave changes that need a restart pending (reported)')
    .option('--replace <ids...>', 'destroy and re-create these guests when a setting Proxmox cannot change in place differs (asks like a delete)')
    .option('--adopt', 'take over guests at configured ids that Phoenix did not make (tags them "phoenix")')
    .option('--fail-fast', 'stop scheduling new guests after the first failure');
}

/** Every verb, documented now; each module says what it implements. */
export const VERBS: VerbSpec[] = [
  {
    name: 'create',
    summary: 'converge the named guests; create what they depend on (shows the plan, asks unless --yes)',
    args: '[ids...]',
    load: () => import('./commands/create.js'),
    options: (c) => applyOptions(c),
  },
  {
    name: 'converge',
    summary: 'converge the named guests and their whole dependency chain (shows the plan, asks unless --yes)',
    args: ids,
    load: () => import('./commands/converge.js'),
    options: (c) => applyOptions(c),
  },
  {
    name: 'plan',
    summary: 'show what create/converge would do, change nothing',
    args: ids,
    load: () => import('./commands/plan.js'),
    options: (c) =>
      c
        .option('-o, --out <file>', "save the plan (apply it later with 'phoenix apply FILE')")
        .option('--detailed-exitcode', 'exit 0 when there is nothing to do, 2 when there are changes, 1 on an error')
        .option('--no-reboot', 'plan changes that need a restart as pending instead of restarting')
        .option('--replace <ids...>', 'plan re-creating these guests where a create-time setting differs'),
  },
  {
    name: 'apply',
    summary: "apply a plan saved by 'phoenix plan -o FILE' exactly; refuses when the config or the host changed since",
    args: '<planfile>',
    load: () => import('./commands/apply.js'),
    options: (c) => applyOptions(c),
  },
  {
    name: 'delete',
    summary: 'stop and destroy guests (asks unless --yes)',
    args: '[ids...]',
    load: () => import('./commands/delete.js'),
    options: (c) => c.option('--force', 'delete even when other guests depend on it'),
  },
  {
    name: 'adopt',
    summary: 'take over guests at configured ids that Phoenix did not make: converge them and tag them "phoenix" (asks unless --yes)',
    args: '<ids...>',
    load: () => import('./commands/adopt.js'),
  },
  {
    name: 'prune',
    summary: 'delete Phoenix-managed guests the config no longer names (asks unless --yes; refuses while something depends on one)',
    load: () => import('./commands/prune.js'),
  },
  { name: 'start', summary: 'start guests, dependencies first', args: '[ids...]', load: () => import('./commands/start.js') },
  {
    name: 'stop',
    summary: 'stop guests (graceful shutdown, then hard stop)',
    args: '[ids...]',
    load: () => import('./commands/stop.js'),
    options: (c) => c.option('--with-deps', 'also stop the guests that depend on these, dependents first').option('--timeout <seconds>', 'graceful shutdown timeout before a hard stop', '60'),
  },
  { name: 'restart', summary: 'stop then start guests', args: '[ids...]', load: () => import('./commands/restart.js') },
  { name: 'status', summary: 'one table: exists, running, drift, health', args: ids, load: () => import('./commands/status.js') },
  { name: 'list', summary: 'list configured guests', load: () => import('./commands/list.js') },
  {
    name: 'up',
    aliases: ['LetsGo'],
    summary: 'create everything, then start in boot_order (shows the plan, asks unless --yes)',
    load: () => import('./commands/up.js'),
    options: (c) => applyOptions(targeting(c)).addHelpText('after', `${TARGET_HELP} --tag/--exclude narrow what up does.`),
  },
  { name: 'health-check', summary: "run guests' health checks (all guests without ids)", args: ids, load: () => import('./commands/health-check.js') },
  { name: 'validate', summary: 'check the config files and print every diagnostic', load: () => import('./commands/validate.js') },
  {
    name: 'graph',
    summary: 'print the dependency graph of the targets (text, mermaid, dot, --json)',
    args: ids,
    load: () => import('./commands/graph.js'),
    options: (c) =>
      c
        .addOption(new Option('--format <format>', 'output format').choices(['text', 'mermaid', 'dot']).default('text'))
        .addHelpText('after', '\nWith no ids: every guest. Edges point from a guest to what it needs first (its clone source or a\n' + 'declared dependency); --json prints {"nodes":[{"id","kind","level"}],"edges":[[from,to]],"order":[...]}.'),
  },
  { name: 'init', summary: 'write a starter config (one container, one VM) with $schema references', args: '[dir]', load: () => import('./commands/init.js') },
  {
    name: 'completion',
    summary: 'print a shell completion script: phoenix completion bash|zsh',
    args: '<shell>',
    load: () => import('./commands/completion.js'),
    options: (c) => c.addHelpText('after', '\nbash: source <(phoenix completion bash)   (or save it in /etc/bash_completion.d/phoenix)\nzsh:  source <(phoenix completion zsh)    (or save it as _phoenix in a directory of $fpath)'),
  },
  {
    name: 'token-setup',
    summary: 'print (never run) the pveum commands for an API token with least privilege (--pve 8|9)',
    load: () => import('./commands/token-setup.js'),
    options: (c) => c.option('--pve <release>', 'the Proxmox VE major release: 8 or 9 (privilege names differ)', '9').option('--user <user@realm>', 'the user to make', 'phoenix@pve').option('--token <id>', 'the token id', 'phoenix').option('--role <name>', 'the role to make', 'PhoenixOrchestrator'),
  },
  {
    name: 'sim',
    summary: 'manage the built-in Proxmox simulator (path, reset, add-node, add-storage, ...)',
    args: '[subcommand] [args...]',
    load: () => import('./commands/sim.js'),
    options: (c) =>
      c
        .allowUnknownOption()
        .addHelpText(
          'after',
          [
            '',
            'Subcommands:',
            '  path                      print a directory with pct, qm, pveversion and pvesh backed by the simulator',
            '                            (PATH=$(phoenix sim path):$PATH)',
            '  reset [--pve 8.4|9.1] [--nodes pve1,pve2,...]',
            '                            start a fresh simulated host running that release (default 9.1);',
            '                            --nodes: a cluster of those nodes (each with its own local, local-lvm)',
            '  show                      the simulated host: nodes, storages, bridges, templates, guests (--json)',
            '  serve [--listen 127.0.0.1:8006] [--nodes pve1,pve2,pve3]',
            "                            serve the simulator as Proxmox's REST API over HTTPS (token, pinned",
            '                            certificate) and print the exports a `--driver api` run needs (alias: api)',
            '  add-node NAME             add a cluster node',
            '  add-storage ID --type dir|lvmthin|zfspool --content a,b [--size 500G]',
            '                            add a storage (content: rootdir, images, vztmpl, iso, import, ...);',
            '                            --shared 1: one storage for all nodes; --nodes a,b: only on those',
            '  move VMID NODE            move a stopped guest to another node out of band (as HA would)',
            '  add-bridge NAME           add a network bridge',
            '  add-template VOLID        add a container template (STORAGE:vztmpl/NAME.tar.zst)',
            '',
            'The state lives in <config dir>/.phoenix/sim (or $PHOENIX_SIM_STATE).',
          ].join('\n'),
        ),
  },
];

function parseConcurrency(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new CommanderError(2, 'phoenix.concurrency', `--concurrency expects an integer from 1 to 256, got "${v}"`);
  return n;
}

function buildProgram(io: CliIO, version: string, onRun: (spec: VerbSpec, args: string[], opts: Record<string, unknown>, globals: GlobalOptions) => void): Command {
  const program = new Command('phoenix');
  program
    .description('Declarative orchestrator for Proxmox VE containers and VMs')
    .version(version, '-V, --version')
    .option('-c, --config <path>', 'config directory or file (default: $PHOENIX_CONFIG, ., /usr/local/phoenix_hypervisor/etc)')
    .addOption(new Option('--driver <driver>', 'how to reach Proxmox').choices(['auto', 'pve-cli', 'api', 'sim']).default('auto'))
    .option('--api-url <url>', '--driver api: https://HOST:8006 (or $PHOENIX_API_URL); the token only from $PHOENIX_API_TOKEN or a 0600 $PHOENIX_API_TOKEN_FILE')
    .option('--api-fingerprint <sha256>', "--driver api: pin the node's certificate (pvenode cert info)")
    .option('--api-insecure', '--driver api: do NOT verify the certificate (anyone on the path can read the token)')
    .option('--api-node <name>', "--driver api: the home node (node-wide calls, guests nothing places; default: the host file's node, else the first online one)")
    .option('--node-ssh <dest>', '[user@]host of the node: --driver pve-cli runs pct/qm there over SSH; --driver api uses it for what the API cannot do (container exec/push, raw lxc lines). Other nodes: node_ssh in the host file')
    .option('-n, --dry-run', 'print what would happen; change nothing')
    .option('--json', 'machine-readable output')
    .option('-j, --concurrency <n>', 'guests worked on at once', parseConcurrency)
    .option('-v, --verbose', 'more detail')
    .option('-q, --quiet', 'only errors and the summary')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-color', 'no ANSI colours')
    .option('--no-wait', 'exit 2 instead of waiting when another Phoenix run holds a guest')
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .enablePositionalOptions(false)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s),
    })
    .exitOverride();

  for (const spec of VERBS) {
    const cmd = program.command(spec.name).description(spec.summary);
    if (spec.aliases) cmd.aliases(spec.aliases);
    if (spec.args) for (const a of spec.args.split(' ')) cmd.argument(a);
    if (spec.args?.includes('ids')) targeting(cmd).addHelpText('after', TARGET_HELP);
    spec.options?.(cmd);
    cmd.exitOverride();
    cmd.action((...actionArgs: unknown[]) => {
      const self = actionArgs[actionArgs.length - 1] as Command;
      const g = program.opts();
      const globals: GlobalOptions = {
        config: g.config as string | undefined,
        driver: g.driver as GlobalOptions['driver'],
        dryRun: Boolean(g.dryRun),
        json: Boolean(g.json),
        concurrency: g.concurrency as number | undefined,
        verbose: Boolean(g.verbose),
        quiet: Boolean(g.quiet),
        // PHOENIX_AUTO_APPROVE=1 is --yes for every verb (a CI pipeline's way; the suite runs so).
        yes: Boolean(g.yes) || io.env.PHOENIX_AUTO_APPROVE === '1',
        color: g.color !== false && !io.env.NO_COLOR,
        noWait: g.wait === false,
        api: {
          url: g.apiUrl as string | undefined,
          fingerprint: g.apiFingerprint as string | undefined,
          insecure: g.apiInsecure === true ? true : undefined,
          node: g.apiNode as string | undefined,
          nodeSsh: g.nodeSsh as string | undefined,
        },
      };
      const positional = self.args.flatMap((a) => (Array.isArray(a) ? a : [a]));
      onRun(spec, positional, self.opts(), globals);
    });
  }
  program.addHelpText('after', '\nExit codes: 0 success, 1 a guest operation failed, 2 usage or configuration error, 130 interrupted.');
  return program;
}

/** Runs the CLI; returns the exit code. Never calls process.exit (bin.ts does). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const version = await phoenixVersion();
  let chosen: { spec: VerbSpec; args: string[]; opts: Record<string, unknown>; globals: GlobalOptions } | undefined;
  const program = buildProgram(io, version, (spec, args, opts, globals) => {
    chosen = { spec, args, opts, globals };
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      if (e.code === 'phoenix.concurrency') io.stderr(`phoenix: ${e.message}\n`);
      if (e.code === 'commander.unknownCommand') io.stderr("hint: run 'phoenix --help' for the list of verbs\n");
      return EXIT.usage;
    }
    throw e;
  }
  if (!chosen) return EXIT.usage;
  // `completion` gets the CLI's shape from here (importing this module from a verb would pull the
  // verbs into the entry chunk, which must stay lazy).
  const options = chosen.spec.name === 'completion' ? { ...chosen.opts, shape: cliShape() } : chosen.opts;
  const ctx: CommandContext = { io, globals: chosen.globals, args: chosen.args, options };
  try {
    const mod = await chosen.spec.load();
    return await mod.run(ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`phoenix: ${oneLine(e.message)}\n${e.hint ? `hint: ${oneLine(e.hint)}\n` : ''}`);
      return EXIT.usage;
    }
    if (e instanceof OperationError) {
      io.stderr(`phoenix: ${oneLine(e.message)}\n`);
      return EXIT.failed;
    }
    // A Proxmox call or the filesystem failed where no verb caught it: the reason, not a stack trace.
    const env = environmentFailure(e);
    if (env) {
      io.stderr(`phoenix: ${oneLine(env)}\n`);
      return EXIT.failed;
    }
    throw e;
  }
}

/** The one-line reason of a Proxmox or filesystem error (undefined for anything else: a bug). */
export function environmentFailure(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  if (e.name === 'PveCommandError' || e.name === 'SimError') return e.message.split('\n')[0];
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return e.message.split('\n')[0];
  return undefined;
}

/** Every verb with its options, and the global options (for shell completion). */
export function cliShape(): { globals: string[]; verbs: Array<{ name: string; options: string[] }> } {
  const program = buildProgram({ stdout: () => {}, stderr: () => {}, env: {}, cwd: '/', isTTY: false }, '', () => {});
  const flags = (c: Command) => c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
  return {
    globals: [...flags(program), '--help'],
    verbs: program.commands.flatMap((c) => [c.name(), ...c.aliases()].map((name) => ({ name, options: [...flags(c), '--help'] }))),
  };
}
