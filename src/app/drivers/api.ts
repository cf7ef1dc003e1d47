// `--driver api`: the REST API driver's wiring, from the environment (ApiSelectOptions carries the
// same settings for command-line flags and the host file). Where the API is (PHOENIX_API_URL), how
// its certificate is checked (PHOENIX_API_FINGERPRINT pins it; PHOENIX_API_INSECURE=1 skips the
// check, loudly; else Node's CA store), the token (only from PHOENIX_API_TOKEN or a 0600
// PHOENIX_API_TOKEN_FILE).
//
// The whole cluster is managed through the one API: a ClusterDriver (proxmox/cluster.ts) whose
// per-node drivers are ApiDrivers on one client, each sending `/nodes/{node}/…`, so placement and
// the per-node limits work as through pve-cli. The home node (node-wide calls) is PHOENIX_API_NODE
// / --api-node / api.node / the host file's `node`, else the first online node by name. Each node
// is reached for what the API cannot do (a container's exec and push, raw lxc.* lines) over SSH
// (the host file's node_ssh.<node>; the home node also --node-ssh / PHOENIX_NODE_SSH /
// api.node_ssh), or, when the API is the simulator's (PHOENIX_API_SIM_STATE, as `phoenix sim serve`
// prints), into the simulator's node in-process.
//
// Two requests are made here (GET /version, GET /nodes) so a wrong token or a certificate that
// does not match stops the run at once with exit 2, before any plan.

import { join } from 'node:path';
import { OperationError, UsageError } from '../../diag/errors.js';
import { ApiClient, ApiError, normaliseApiUrl, normaliseFingerprint, type TlsPolicy } from '../../proxmox/api/client.js';
import { ApiDriver, type ApiDriverOptions } from '../../proxmox/api/driver.js';
import { ClusterDriver } from '../../proxmox/cluster.js';
import type { ProxmoxDriver } from '../../proxmox/driver.js';
import { nodeDrivers } from './node-drivers.js';
import { localStage, type NodeAccess } from '../../proxmox/api/node-access.js';
import { loadApiToken, TokenError } from '../../proxmox/api/token.js';
import type { Exec } from '../../proxmox/exec/types.js';
import { sshNodeAccess } from '../../proxmox/exec/ssh.js';
import { fsHostFiles } from '../../proxmox/hostfiles/fs.js';

export interface ApiSelectOptions {
  url?: string;
  fingerprint?: string;
  insecure?: boolean;
  node?: string;
  nodeSsh?: string;
  /** The token's file from the host config (`api.token_file`); $PHOENIX_API_TOKEN(_FILE) win. */
  tokenFile?: string;
  /** Test seam: the waits between dispatch retries (default 0.5, 1, 2, 4 s). */
  retryDelaysMs?: number[];
  /** Dry runs and plans: every node's driver refuses mutating calls. */
  readOnly?: boolean;
}

interface Deps {
  env: Record<string, string | undefined>;
  hooks: Pick<ApiDriverOptions, 'onCall' | 'onWarnings'>;
  simExecFor: (stateDir: string, node: string) => Exec;
  /** SSH per node (select.ts SelectDriverOptions.nodeSsh). */
  nodeSsh?: { home?: string; byNode: Record<string, string> };
}

export interface OpenedApi {
  /** The whole cluster: one ApiDriver per node (`/nodes/{node}/…`), each guest's calls on its node. */
  cluster: ClusterDriver;
  client: ApiClient;
  stateDir?: string;
  /** Lines for stderr (TLS unchecked; which home node was taken). */
  notices: string[];
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes)$/i.test(v);

export async function openApiDriver(o: ApiSelectOptions, d: Deps): Promise<OpenedApi> {
  const env = d.env;
  const url = o.url ?? env.PHOENIX_API_URL;
  if (!url) throw new UsageError('--driver api needs the API address: PHOENIX_API_URL=https://HOST:8006');
  try {
    normaliseApiUrl(url);
  } catch (e) {
    throw new UsageError(`$PHOENIX_API_URL: ${(e as Error).message}`);
  }
  const fp = o.fingerprint ?? env.PHOENIX_API_FINGERPRINT;
  const insecure = o.insecure ?? truthy(env.PHOENIX_API_INSECURE);
  if (fp && insecure) throw new UsageError('$PHOENIX_API_FINGERPRINT and $PHOENIX_API_INSECURE contradict each other: pin the certificate, or (not recommended) skip the check');
  let tls: TlsPolicy = { mode: 'verify' };
  if (fp) {
    try {
      tls = { mode: 'pin', fingerprint: normaliseFingerprint(fp) };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  } else if (insecure) tls = { mode: 'insecure' };

  let token;
  try {
    token = loadApiToken(!env.PHOENIX_API_TOKEN && !env.PHOENIX_API_TOKEN_FILE && o.tokenFile ? { ...env, PHOENIX_API_TOKEN_FILE: o.tokenFile } : env);
  } catch (e) {
    if (e instanceof TokenError) throw new UsageError(e.message, e.hint);
    throw e;
  }
  const client = new ApiClient({ url, token, tls, ...(o.retryDelaysMs ? { retryDelaysMs: o.retryDelaysMs } : {}) });
  const probe = async <T>(path: string): Promise<T> => {
    try {
      // The first contact is not retried: nothing has started, and a host that does not answer now is the user's to look at.
      return await client.call<T>('GET', path, undefined, { retry: false });
    } catch (e) {
      client.close();
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        throw new UsageError(`the Proxmox API at ${client.base.host} refused the token ${token.id}: ${e.reason.replace(/ \(API token rejected.*$/, '')}`, "check $PHOENIX_API_TOKEN / $PHOENIX_API_TOKEN_FILE (USER@REALM!TOKENID=SECRET) and the token's privileges");
      }
      if (e instanceof ApiError && (e.code === 'EPINMISMATCH' || /certificate/.test(e.reason))) {
        throw new UsageError(`refusing ${client.base.host}: ${e.reason}`, 'compare with `pvenode cert info` on the node; never skip the check to make this go away');
      }
      throw new OperationError(`cannot reach the Proxmox API: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const version = await probe<{ version?: string }>('/version');
  // The cluster's nodes and whether each is up (one request): a named node must be one of them and online.
  const listed = ((await probe<Array<{ node: string; status?: string }>>('/nodes')) ?? []).filter((n) => typeof n?.node === 'string');
  const names = listed.map((n) => n.node).sort();
  const statusOf = new Map(listed.map((n) => [n.node, n.status]));
  const isOnline = (n: string) => statusOf.get(n) === undefined || statusOf.get(n) === 'online';
  const named = o.node ?? env.PHOENIX_API_NODE;
  let home: string;
  let notice: string | undefined;
  if (named) {
    if (!statusOf.has(named)) {
      client.close();
      throw new UsageError(`node ${named} is not in the cluster at ${client.base.host} (its nodes: ${names.join(', ') || 'none listed'})`, 'name one of them with PHOENIX_API_NODE / --api-node / the host file\'s "node"');
    }
    home = named;
  } else {
    // No home named on a cluster of several nodes: the first online node in name order. The home
    // answers the node-wide calls (the version, the one /cluster/resources read), which
    // any online node answers alike; the one thing it decides is where a guest goes that neither
    // its `node` nor the host file's `node`/`nodes` place, and the plan says that node for each.
    // The run says which it took, once (a notice), rather than refusing every multi-node cluster.
    const first = names.find(isOnline) ?? names[0];
    if (!first) {
      client.close();
      throw new OperationError(`the cluster at ${client.base.host} lists no nodes (GET /nodes); nothing was changed`);
    }
    home = first;
    if (names.length > 1) notice = `--driver api: no home node named; node-wide calls and guests nothing places go to ${home} (the first online of ${names.join(', ')}); name one with PHOENIX_API_NODE, --api-node or the host file's "node"`;
  }
  if (!isOnline(home)) {
    client.close();
    throw new OperationError(`node ${home} is ${statusOf.get(home)} (as the cluster at ${client.base.host} reports it); nothing was changed`);
  }

  // Each node's way in for what the API cannot do: SSH (the home node: --node-ssh /
  // $PHOENIX_NODE_SSH, then the host file's node_ssh.<node>, then api.node_ssh; another node:
  // node_ssh.<node>), else the simulator's node when the API is the simulator's, else none (those
  // calls then fail saying what to set).
  const byNode = d.nodeSsh?.byNode ?? {};
  const sshFor = (node: string): { dest: string; from: string } | undefined => {
    if (node === home) {
      const flag = d.nodeSsh?.home ?? env.PHOENIX_NODE_SSH;
      if (flag) return { dest: flag, from: '--node-ssh / $PHOENIX_NODE_SSH' };
      if (byNode[node]) return { dest: byNode[node], from: `node_ssh.${node}` };
      if (o.nodeSsh) return { dest: o.nodeSsh, from: 'api.node_ssh' };
      return undefined;
    }
    return byNode[node] ? { dest: byNode[node], from: `node_ssh.${node}` } : undefined;
  };
  const stateDir = env.PHOENIX_API_SIM_STATE || undefined;
  const accessOf = new Map<string, NodeAccess | undefined>();
  for (const node of names) {
    const ssh = sshFor(node);
    if (ssh) {
      try {
        accessOf.set(node, sshNodeAccess({ destination: ssh.dest, env }));
      } catch (e) {
        client.close();
        throw new UsageError(`${ssh.from}: ${(e as Error).message}`);
      }
    } else if (stateDir) {
      accessOf.set(node, { exec: d.simExecFor(stateDir, node), hostFiles: fsHostFiles(join(stateDir, 'etc', 'pve')), stage: localStage });
    }
  }
  const noAccess = (node: string) => (node === home ? `set PHOENIX_NODE_SSH=root@HOST (or "node_ssh": {"${node}": "root@HOST"} in the host file)` : `set "node_ssh": {"${node}": "root@HOST"} in the host file`);

  // One driver per node, made on first use (node-drivers.ts, as for pve-cli), all on the one client
  // (its connection pool). A node the cluster reports offline is refused when a run needs it,
  // naming it; a run on other nodes goes on (placement by the rule skips it: its storages cannot be read).
  const make = (node: string): ProxmoxDriver => {
    if (!isOnline(node)) {
      // Every call on it fails with the one line (a promise, not a throw: placement reads each
      // node's storages and skips a node it cannot read; the guests it holds fail one by one).
      const why = `node ${node} is ${statusOf.get(node)} (as the cluster at ${client.base.host} reports it): this run needs it; nothing was changed there`;
      return new Proxy({ node } as unknown as ProxmoxDriver, { get: (_t, k) => (k === 'node' ? node : k === 'then' ? undefined : () => Promise.reject(new OperationError(why))) });
    }
    return new ApiDriver(client, { node, nodeAccess: accessOf.get(node), noAccessHint: noAccess(node), version: version ?? undefined, ...d.hooks });
  };
  const cluster = new ClusterDriver(nodeDrivers(home, names, make, o.readOnly === true));
  const tlsNotice = tls.mode === 'insecure' ? `WARNING: TLS certificate verification is OFF ($PHOENIX_API_INSECURE): anyone between here and ${client.base.host} can read the API token; pin its certificate with $PHOENIX_API_FINGERPRINT` : undefined;
  return { cluster, client, stateDir, notices: [tlsNotice, notice].filter((x): x is string => x !== undefined) };
}
