// phoenix sim: manage the built-in Proxmox simulator's state (path, reset, show, add-node,
// add-storage, add-bridge, add-template).

import { dirname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { DEFAULT_CONFIG_DIR, FILE_NAMES } from '../../config/source.js';
import { UsageError } from '../../diag/errors.js';
import { out, type CommandContext, type CommandRun } from '../io.js';

const USAGE = 'phoenix sim path|reset [--pve 8.4|9.1] [--nodes pve1,pve2,...]|show|serve [--listen 127.0.0.1:8006] [--nodes pve1,pve2,...]|add-node NAME|add-storage ID --type dir|lvmthin|zfspool|nfs --content a,b [--size 500G] [--shared 1] [--nodes a,b]|add-bridge NAME|add-template VOLID|move VMID NODE';

/**
 * The config directory, found the way the config loader finds it (so `phoenix sim` and a run
 * agree on the state): --config (a file's directory), $PHOENIX_CONFIG, the current directory when
 * it holds a Phoenix file, the default directory when it exists, else the current directory.
 */
function configDir(ctx: CommandContext): string {
  const c = ctx.globals.config ?? ctx.io.env.PHOENIX_CONFIG;
  if (c) {
    const p = resolve(ctx.io.cwd, c);
    try {
      return statSync(p).isFile() ? dirname(p) : p;
    } catch {
      return p;
    }
  }
  if (Object.values(FILE_NAMES).some((f) => existsSync(join(ctx.io.cwd, f)))) return ctx.io.cwd;
  return existsSync(DEFAULT_CONFIG_DIR) ? DEFAULT_CONFIG_DIR : ctx.io.cwd;
}

/** `--key value` / `--key=value` options of the sim subcommands. */
function options(words: string[]): { positional: string[]; opts: Record<string, string> } {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(words[i]);
    if (!m) {
      positional.push(words[i]);
      continue;
    }
    const v = m[2] ?? words[++i];
    if (v === undefined) throw new UsageError(`--${m[1]} needs a value`, USAGE);
    opts[m[1]] = v;
  }
  return { positional, opts };
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)}G`;

export const run: CommandRun = async (ctx) => {
  const sim = await import('../../sim/index.js');
  const { SimError } = await import('../../sim/state/errors.js');
  const [sub, ...rest] = ctx.args;
  const state = sim.defaultSimStateDir(configDir(ctx), ctx.io.env);
  const { positional, opts } = options(rest);
  const one = (what: string) => {
    if (positional.length !== 1) throw new UsageError(`phoenix sim ${sub} expects one ${what}`, USAGE);
    return positional[0];
  };
  try {
    switch (sub) {
      case 'path':
        sim.initState(state);
        out(ctx.io, sim.writeShims(state));
        return 0;
      case 'reset':
        sim.resetState(state, { pve: opts.pve, ...(opts.nodes ? { nodes: opts.nodes.split(',') } : {}) });
        out(ctx.io, `simulator state reset: ${state}${opts.pve ? ` (Proxmox VE ${opts.pve})` : ''}${opts.nodes ? ` (nodes ${opts.nodes})` : ''}`);
        return 0;
      case 'show': {
        const s = sim.summary(state);
        if (ctx.globals.json) {
          out(ctx.io, JSON.stringify({ state, ...s }, null, 2));
          return 0;
        }
        out(ctx.io, `state: ${state}`);
        out(ctx.io, `Proxmox VE: ${s.pve}`);
        out(ctx.io, `node: ${s.node}${s.nodes.length > 1 ? ` (cluster: ${s.nodes.join(', ')})` : ''}`);
        out(ctx.io, `bridges: ${s.bridges.join(', ')}`);
        out(ctx.io, 'storages:');
        for (const st of s.storages) {
          out(ctx.io, `  ${st.id.padEnd(20)} ${st.type.padEnd(8)} ${gib(st.used).padStart(8)} / ${gib(st.total).padEnd(8)} ${st.content.join(',')}`);
        }
        out(ctx.io, s.guests.length ? 'guests:' : 'guests: none');
        for (const g of s.guests) {
          const flags = [g.template ? 'template' : '', g.lock ? `lock=${g.lock}` : ''].filter(Boolean).join(' ');
          const where = s.nodes.length > 1 ? `${g.node.padEnd(8)} ` : '';
          out(ctx.io, `  ${String(g.vmid).padEnd(8)} ${(g.type === 'lxc' ? 'CT' : 'VM').padEnd(3)} ${where}${g.status.padEnd(8)} ${g.name} ${flags}`.trimEnd());
        }
        return 0;
      }
      case 'serve':
      case 'api': // its first name, kept
        if (opts.nodes !== undefined) {
          // A fresh state gets these nodes; an existing one the ones it lacks.
          const want = opts.nodes.split(',').filter(Boolean);
          if (!want.length || want.some((n) => !/^[a-zA-Z][a-zA-Z0-9-]*$/.test(n))) throw new UsageError(`--nodes expects node names like pve1,pve2, got '${opts.nodes}'`, USAGE);
          sim.initState(state, { nodes: want });
          const have = sim.summary(state).nodes;
          for (const n of want) if (!have.includes(n)) await sim.addNode(state, n);
        }
        return await serveApi(ctx, state, opts.listen ?? '127.0.0.1:8006');
      case 'add-node':
        await sim.addNode(state, one('node name'));
        return 0;
      case 'add-bridge':
        await sim.addBridge(state, one('bridge name'));
        return 0;
      case 'add-storage': {
        const id = one('storage id');
        if (!opts.type || !opts.content) throw new UsageError('add-storage needs --type and --content', USAGE);
        await sim.addStorage(state, id, { type: opts.type, content: opts.content.split(','), size: opts.size, path: opts.path, shared: opts.shared === '1', ...(opts.nodes ? { nodes: opts.nodes.split(',') } : {}) });
        return 0;
      }
      case 'move': {
        // A guest moved out of band (HA, a migration done elsewhere): its config goes to NODE.
        if (positional.length !== 2 || !/^\d+$/.test(positional[0])) throw new UsageError('phoenix sim move expects VMID NODE', USAGE);
        const r = await sim.moveGuest(state, Number(positional[0]), positional[1]);
        out(ctx.io, `${positional[0]}: ${r.from} -> ${r.to}`);
        return 0;
      }
      case 'add-template': {
        const size = opts.size ? (await import('../../proxmox/codecs/size.js')).parseSize(opts.size) : undefined;
        if (opts.size && !size) throw new UsageError(`invalid --size '${opts.size}'`, USAGE);
        await sim.addTemplate(state, one('volume id'), size);
        return 0;
      }
      default:
        throw new UsageError(sub ? `unknown sim subcommand '${sub}'` : 'phoenix sim needs a subcommand', USAGE);
    }
  } catch (e) {
    if (e instanceof SimError) throw new UsageError(e.message);
    throw e;
  }
};

/**
 * `phoenix sim serve` (alias `sim api`): the simulator's REST API over HTTPS until Ctrl-C. Prints what a run needs:
 * the URL, the token's file (0600; the secret itself is never printed), the certificate's
 * fingerprint, and the simulator state for the node transport (container exec, raw lxc lines).
 */
async function serveApi(ctx: CommandContext, state: string, listen: string): Promise<number> {
  const m = /^(.+):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`--listen expects HOST:PORT, got '${listen}'`, USAGE);
  const { startSimApi, newSecret } = await import('../../sim/api/server.js');
  const { initState } = await import('../../sim/index.js');
  const { writePrivate } = await import('../../util/private-fs.js');
  initState(state);
  const secret = newSecret();
  const tokenId = 'root@pam!phoenix';
  const tokenFile = join(state, 'api-token');
  writePrivate(tokenFile, `${tokenId}=${secret}\n`);
  const api = await startSimApi({ stateDir: state, tokenId, secret, host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]), env: ctx.io.env });
  out(ctx.io, `simulated Proxmox VE API on ${api.url} (state: ${state}); Ctrl-C stops it`);
  out(ctx.io, `token ${tokenId} (its secret is in ${tokenFile}, mode 0600); certificate SHA-256 ${api.fingerprint}`);
  out(ctx.io, `export PHOENIX_API_URL=${api.url}`);
  out(ctx.io, `export PHOENIX_API_TOKEN_FILE=${tokenFile}`);
  out(ctx.io, `export PHOENIX_API_FINGERPRINT=${api.fingerprint}`);
  out(ctx.io, `export PHOENIX_API_SIM_STATE=${state}`);
  await new Promise<void>((resolve) => {
    if (!ctx.io.signal) return; // nothing can stop it but the process's end
    if (ctx.io.signal.aborted) return resolve();
    ctx.io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await api.close();
  return 0;
}
