// Which driver a run gets: the composition of an Exec transport, the host files it can reach,
// and the pct/qm CLI driver on top. cli/ calls this once per run; nothing else picks drivers.
//
//   pve-cli  local pct/qm + /etc/pve (or, when pct on PATH is the simulator's shim, its state);
//            with --node-ssh (PHOENIX_NODE_SSH), or no local pct and the host file's node_ssh,
//            pct/qm, /etc/pve and staged files on that node over SSH; the other nodes of `nodes`
//            each over SSH to its node_ssh destination, one PveCliDriver per node (ssh-cluster.ts)
//   sim      the simulator in-process + <state>/etc/pve
//   api      the REST API (https://HOST:8006/api2/json) with an API token; what the API cannot do
//            (a container's exec/push, raw lxc.* lines, the firewall file) over SSH to the node
//            (PHOENIX_NODE_SSH), or into the simulator's node when the API is the simulator's
//   auto     pve-cli on the node --node-ssh names; else pve-cli on a Proxmox host; else the
//            built-in simulator, with a one-line notice

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../diag/errors.js';
import { PveCliDriver, type PveCliDriverOptions } from '../../proxmox/cli/driver.js';
import { type ProxmoxDriver, readOnlyDriver } from '../../proxmox/driver.js';
import { ClusterDriver } from '../../proxmox/cluster.js';
import { nodeDrivers } from './node-drivers.js';
import { localExec } from '../../proxmox/exec/local.js';
import { simExec } from './sim-exec.js';
import { simHostFiles } from './sim-files.js';
import type { Exec, TransportKind } from '../../proxmox/exec/types.js';
import { detectSimShim, which } from '../../proxmox/exec/which.js';
import { fsHostFiles } from '../../proxmox/hostfiles/fs.js';
import { openApiDriver, type ApiSelectOptions } from './api.js';
import { sshCluster } from './ssh-cluster.js';

export type DriverChoice = 'auto' | 'pve-cli' | 'api' | 'sim';
export type DriverKind = 'pve-cli' | 'sim' | 'api';

export interface SelectDriverOptions {
  driver: DriverChoice;
  env: Record<string, string | undefined>;
  /** The config directory (the simulator's default state lives under it). */
  configDir: string;
  /** Dry runs and plans: every mutating method refuses. */
  readOnly: boolean;
  onCall?: PveCliDriverOptions['onCall'];
  onWarnings?: PveCliDriverOptions['onWarnings'];
  onHostFile?: PveCliDriverOptions['onHostFile'];
  /** Test seam: where a real host keeps its cluster files. */
  etcPve?: string;
  /** The API driver's settings (each falls back to its PHOENIX_API_* variable, api.ts). */
  api?: ApiSelectOptions;
  /**
   * How nodes are reached over SSH: `home` the node the run is on (--node-ssh, $PHOENIX_NODE_SSH),
   * `byNode` the host file's `node_ssh` (node name → [user@]host).
   */
  nodeSsh?: { home?: string; byNode: Record<string, string> };
  /** The host file's `node` and `nodes` (which nodes a pve-cli run over SSH must reach). */
  hostNode?: string;
  hostNodes?: readonly string[];
  /** Where the host file is, for messages (default phoenix_hypervisor_config.json). */
  hostFile?: string;
}

export interface SelectedDriver {
  driver: ProxmoxDriver;
  /** The cluster behind `driver` (one driver per node, where each guest is); absent for local pve-cli on a real host without node_ssh. */
  cluster?: ClusterDriver;
  kind: DriverKind;
  transport: TransportKind;
  /** One line for stderr when the choice is not what the user may expect. */
  notice?: string;
  /** The simulator state in use, when it is the simulator. */
  stateDir?: string;
}

export const HOST_ETC_PVE = '/etc/pve';

/** Where the simulator keeps its state: $PHOENIX_SIM_STATE, else <configDir>/.phoenix/sim. */
export function simStateDir(configDir: string, env: Record<string, string | undefined>): string {
  // Same rule as the simulator's defaultSimStateDir; repeated here so selecting a driver never
  // loads the simulator (it is imported lazily, only when it runs).
  return env.PHOENIX_SIM_STATE ? resolve(env.PHOENIX_SIM_STATE) : resolve(configDir, '.phoenix', 'sim');
}

/** The simulated cluster's first node and its nodes (host.json), 'pve' before its first use. */
function simNodes(stateDir: string): { node: string; nodes: string[] } {
  try {
    const h = JSON.parse(readFileSync(join(stateDir, 'host.json'), 'utf8')) as { node?: unknown; nodes?: unknown };
    const node = typeof h.node === 'string' ? h.node : 'pve';
    const nodes = Array.isArray(h.nodes) ? h.nodes.filter((n): n is string => typeof n === 'string') : [node];
    return { node, nodes: nodes.length ? nodes : [node] };
  } catch {
    return { node: 'pve', nodes: ['pve'] };
  }
}

const definedEnv = (env: Record<string, string | undefined>): Record<string, string> => Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));

export async function selectDriver(o: SelectDriverOptions): Promise<SelectedDriver> {
  const etcPve = o.etcPve ?? HOST_ETC_PVE;
  const hooks = { onCall: o.onCall, onWarnings: o.onWarnings, onHostFile: o.onHostFile };
  const finish = (s: SelectedDriver): SelectedDriver => (o.readOnly ? { ...s, driver: readOnlyDriver(s.driver) } : s);
  /** The simulator's nodes (PHOENIX_SIM_NODE selects the node each call runs on), behind one cluster driver. */
  const simCluster = (stateDir: string, exec: (node: string) => Exec): ClusterDriver => {
    const { node: home, nodes } = simNodes(stateDir);
    const hostFiles = simHostFiles(stateDir, o.env);
    return new ClusterDriver(nodeDrivers(home, nodes, (node) => new PveCliDriver(exec(node), { ...hooks, node, hostFiles }), o.readOnly));
  };
  const withEnv =
    (exec: Exec, node: string): Exec =>
    (req) =>
      exec({ ...req, env: { ...req.env, PHOENIX_SIM_NODE: node } });

  // The local transport passes the run's environment (PATH decides which pct runs).
  const env = definedEnv(o.env);
  const local: Exec = (req) => localExec({ ...req, env: { ...env, ...req.env } });

  const pveCli = (pct: string | undefined): SelectedDriver => {
    const shim = pct ? detectSimShim(pct) : undefined;
    if (shim) {
      // The shim's own state wins: it bakes PHOENIX_SIM_STATE into its script.
      const stateDir = shim.stateDir ?? simStateDir(o.configDir, o.env);
      const cluster = simCluster(stateDir, (node) => withEnv(local, node));
      return { driver: cluster, cluster, kind: 'pve-cli', transport: 'local', stateDir };
    }
    return { driver: new PveCliDriver(local, { ...hooks, hostFiles: fsHostFiles(etcPve) }), kind: 'pve-cli', transport: 'local' };
  };

  const ssh = o.nodeSsh ?? { byNode: {} };
  /** pve-cli over SSH: the home node named by --node-ssh, or (`local` absent) found in node_ssh. */
  const overSsh = async (local?: { exec: Exec; etcPve: string }): Promise<SelectedDriver> => {
    const c = await sshCluster({ env: o.env, readOnly: o.readOnly, ssh, hooks, hostNode: o.hostNode, hostNodes: o.hostNodes, hostFile: o.hostFile, ...(local ? { local: { exec: local.exec, hostFiles: fsHostFiles(local.etcPve) } } : {}) });
    return { driver: c.cluster, cluster: c.cluster, kind: 'pve-cli', transport: c.homeLocal ? 'local' : 'ssh' };
  };
  const hasMap = Object.keys(ssh.byNode).length > 0;

  const sim = (notice?: string): SelectedDriver => {
    const stateDir = simStateDir(o.configDir, o.env);
    const exec = simExec(stateDir, env);
    const cluster = simCluster(stateDir, (node) => withEnv(exec, node));
    return { driver: cluster, cluster, kind: 'sim', transport: 'sim', stateDir, ...(notice ? { notice: notice.replace('<dir>', stateDir) } : {}) };
  };

  switch (o.driver) {
    case 'api': {
      // The whole cluster through the API: one ApiDriver per node on one client (api.ts).
      const a = await openApiDriver({ ...(o.api ?? {}), readOnly: o.readOnly }, { env: o.env, hooks, nodeSsh: o.nodeSsh, simExecFor: (stateDir, node) => simExec(stateDir, { ...env, PHOENIX_SIM_NODE: node }) });
      return finish({ driver: a.cluster, cluster: a.cluster, kind: 'api', transport: 'api', ...(a.stateDir ? { stateDir: a.stateDir } : {}), ...(a.notices.length ? { notice: a.notices.join('\n') } : {}) });
    }
    case 'sim':
      return finish(sim());
    case 'pve-cli': {
      // A remote node: nothing about this machine's pct is looked at.
      if (ssh.home) return finish(await overSsh());
      const pct = which('pct', o.env.PATH);
      if (!pct && hasMap) return finish(await overSsh());
      if (!pct) throw new UsageError('--driver pve-cli: no `pct` on PATH', 'run Phoenix on a Proxmox VE host, name one with --node-ssh root@HOST, or put the simulator first on PATH (`phoenix sim path`)');
      // On a node of a cluster whose other nodes node_ssh names: this node local, the others over SSH.
      if (hasMap && !detectSimShim(pct)) return finish(await overSsh({ exec: local, etcPve }));
      return finish(pveCli(pct));
    }
    case 'auto': {
      if (ssh.home) return finish(await overSsh());
      const pct = which('pct', o.env.PATH);
      if (pct && hasMap && !detectSimShim(pct) && existsSync(etcPve)) return finish(await overSsh({ exec: local, etcPve }));
      if (pct && (detectSimShim(pct) || existsSync(etcPve))) return finish(pveCli(pct));
      return finish(sim('no Proxmox found here; using the built-in simulator (state: <dir>)'));
    }
  }
}
