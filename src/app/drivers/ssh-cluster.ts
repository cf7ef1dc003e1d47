// `--driver pve-cli` over SSH: one PveCliDriver per node, each running pct/qm on its node through
// its own sshExec (ControlMaster reuse, checked host keys, batch mode), reading and writing that
// node's /etc/pve (remoteHostFiles) and staging pushed files and key files in the node's /tmp —
// nothing on this machine's filesystem stands in for the node. Behind one ClusterDriver, as the
// simulator's nodes are (select.ts simCluster): placement and per-guest routing work the same.
//
// The home node (node-wide calls, the one inventory read) is --node-ssh's destination, else the
// node node_ssh names for `node` (or the first of `nodes`, or its only entry); or this machine when
// Phoenix runs on a node (pct on PATH) and node_ssh names the others. Every node is probed once
// before anything runs (`pct` there, its name): an unreachable node, one without pct, or a
// destination that reaches another node than node_ssh says is one line, and nothing runs.

import { hostname } from 'node:os';
import { OperationError, UsageError } from '../../diag/errors.js';
import { PveCliDriver, type PveCliDriverOptions } from '../../proxmox/cli/driver.js';
import { ClusterDriver } from '../../proxmox/cluster.js';
import { probeNode, remoteHostFiles, sshExec } from '../../proxmox/exec/ssh.js';
import { remoteStaging } from '../../proxmox/exec/staging.js';
import type { Exec, Staging } from '../../proxmox/exec/types.js';
import type { HostFiles } from '../../proxmox/hostfiles/types.js';
import { nodeDrivers } from './node-drivers.js';

interface NodeTransport {
  exec: Exec;
  hostFiles: HostFiles;
  staging?: Staging;
}

export interface SshClusterOptions {
  env: Record<string, string | undefined>;
  readOnly: boolean;
  ssh: { home?: string; byNode: Record<string, string> };
  hostNode?: string;
  hostNodes?: readonly string[];
  /** The host file, for messages. */
  hostFile?: string;
  hooks: Pick<PveCliDriverOptions, 'onCall' | 'onWarnings' | 'onHostFile'>;
  /** The home node is this machine (a real pct on PATH): its transport. The others go over SSH. */
  local?: { exec: Exec; hostFiles: HostFiles; node?: string };
}

const FILE = 'phoenix_hypervisor_config.json';

export async function sshCluster(o: SshClusterOptions): Promise<{ cluster: ClusterDriver; homeLocal: boolean }> {
  const file = o.hostFile ?? FILE;
  const byNode = o.ssh.byNode;
  const over = (dest: string): NodeTransport => {
    let exec: Exec;
    try {
      exec = sshExec({ destination: dest, env: o.env });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return { exec, hostFiles: remoteHostFiles(exec, dest), staging: remoteStaging(exec, dest) };
  };
  /** The node's name, after one call that proves it is a Proxmox node we can drive. */
  const probe = async (t: NodeTransport, what: string, expect?: string): Promise<string> => {
    let r: Awaited<ReturnType<typeof probeNode>>;
    try {
      r = await probeNode(t.exec);
    } catch (e) {
      // sshExec's failure names the call (our probe script) and then ssh's own line: only that is shown.
      const msg = (e as Error).message;
      throw new OperationError(`cannot reach ${what} over SSH: ${/: ssh \S+: (.*)$/s.exec(msg)?.[1] ?? msg}`);
    }
    if ('problem' in r) throw r.noPct ? new UsageError(`${what}: ${r.problem}`) : new OperationError(`${what}: ${r.problem}`);
    if (expect !== undefined && r.node !== expect) throw new UsageError(`${what} reaches node '${r.node}', not '${expect}'`, `correct node_ssh.${expect} in ${file}`);
    return r.node;
  };

  const transports = new Map<string, NodeTransport>();
  let home: string;
  if (o.local) {
    home = o.local.node ?? hostname().split('.')[0];
    transports.set(home, o.local);
  } else {
    const dest = o.ssh.home ?? homeFromMap(o, file);
    const key = Object.keys(byNode).find((n) => byNode[n] === dest);
    const t = over(dest);
    home = await probe(t, o.ssh.home ? `${dest} (--node-ssh)` : `node_ssh.${key} (${dest})`, key);
    transports.set(home, t);
  }

  const nodes = [...new Set([home, ...(o.hostNode ? [o.hostNode] : []), ...(o.hostNodes ?? []), ...Object.keys(byNode)])];
  const missing = nodes.filter((n) => !transports.has(n) && !byNode[n]);
  if (missing.length) {
    const [m] = missing;
    throw new UsageError(
      `--driver pve-cli reaches the nodes other than ${home} over SSH, and ${missing.map((n) => `'${n}'`).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no destination in node_ssh (${file})`,
      `add "node_ssh": { "${m}": "root@HOST" } to ${file} (or take ${missing.length > 1 ? 'them' : 'it'} out of "nodes")`,
    );
  }
  await Promise.all(
    nodes
      .filter((n) => !transports.has(n))
      .map(async (n) => {
        const t = over(byNode[n]);
        await probe(t, `node_ssh.${n} (${byNode[n]})`, n);
        transports.set(n, t);
      }),
  );
  const make = (node: string) => {
    const t = transports.get(node)!;
    return new PveCliDriver(t.exec, { ...o.hooks, node, hostFiles: t.hostFiles, ...(t.staging ? { staging: t.staging } : {}) });
  };
  return { cluster: new ClusterDriver(nodeDrivers(home, nodes, make, o.readOnly)), homeLocal: o.local !== undefined };
}

/** Without --node-ssh: the node_ssh entry of `node`, else of the first of `nodes`, else its only entry. */
function homeFromMap(o: SshClusterOptions, file: string): string {
  const m = o.ssh.byNode;
  const keys = Object.keys(m);
  for (const n of [o.hostNode, o.hostNodes?.[0]]) if (n !== undefined && m[n]) return m[n];
  if (keys.length === 1) return m[keys[0]];
  throw new UsageError(`--driver pve-cli: no \`pct\` here and node_ssh names ${keys.length} nodes (${keys.join(', ')}): which one is home?`, `pass --node-ssh root@HOST, or set "node" in ${file} to one of them`);
}
