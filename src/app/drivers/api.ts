// `--driver api`: the REST API driver's wiring, from the environment (ApiSelectOptions carries the
// same settings for command-line flags, not wired in cli/main.ts yet). Where the API is
// (PHOENIX_API_URL), how its certificate is checked (PHOENIX_API_FINGERPRINT pins it;
// PHOENIX_API_INSECURE=1 skips the check, loudly; else Node's CA store), the token (only from
// PHOENIX_API_TOKEN or a 0600 PHOENIX_API_TOKEN_FILE), the node (PHOENIX_API_NODE, else the only
// node /nodes lists), and how the node itself is reached for what the API cannot do:
// PHOENIX_NODE_SSH=[user@]host (OpenSSH), or PHOENIX_API_SIM_STATE (the simulator's node,
// in-process, as `phoenix sim api` prints).
//
// One request is made here (GET /version, then /nodes when the node is not named) so a wrong
// token or a certificate that does not match stops the run at once with exit 2, before any plan.

import { join } from 'node:path';
import { OperationError, UsageError } from '../../diag/errors.js';
import { ApiClient, ApiError, normaliseApiUrl, normaliseFingerprint, type TlsPolicy } from '../../proxmox/api/client.js';
import { ApiDriver, type ApiDriverOptions } from '../../proxmox/api/driver.js';
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
}

interface Deps {
  env: Record<string, string | undefined>;
  hooks: Pick<ApiDriverOptions, 'onCall' | 'onWarnings'>;
  simExecFor: (stateDir: string, node: string) => Exec;
}

export interface OpenedApi {
  driver: ApiDriver;
  client: ApiClient;
  stateDir?: string;
  notice?: string;
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
  let node = o.node ?? env.PHOENIX_API_NODE;
  // The cluster's nodes and whether each is up (one request): a named node must be one of them and online.
  const nodes = (await probe<Array<{ node: string; status?: string }>>('/nodes')) ?? [];
  if (!node) {
    if (nodes.length !== 1) {
      client.close();
      throw new UsageError(`the cluster has ${nodes.length} nodes (${nodes.map((n) => n.node).join(', ')}): say which with PHOENIX_API_NODE=NAME`);
    }
    node = nodes[0].node;
  }
  const entry = nodes.find((n) => n.node === node);
  if (!entry) {
    client.close();
    throw new UsageError(`node ${node} is not in the cluster at ${client.base.host} (its nodes: ${nodes.map((n) => n.node).join(', ') || 'none listed'})`, 'name one of them with PHOENIX_API_NODE / --api-node');
  }
  if (entry.status !== undefined && entry.status !== 'online') {
    client.close();
    throw new OperationError(`node ${node} is ${entry.status} (as the cluster at ${client.base.host} reports it); nothing was changed`);
  }

  let nodeAccess: NodeAccess | undefined;
  let stateDir: string | undefined;
  const sshDest = o.nodeSsh ?? env.PHOENIX_NODE_SSH;
  if (sshDest) {
    try {
      nodeAccess = sshNodeAccess({ destination: sshDest, env });
    } catch (e) {
      throw new UsageError(`$PHOENIX_NODE_SSH: ${(e as Error).message}`);
    }
  } else if (env.PHOENIX_API_SIM_STATE) {
    stateDir = env.PHOENIX_API_SIM_STATE;
    nodeAccess = { exec: d.simExecFor(stateDir, node), hostFiles: fsHostFiles(join(stateDir, 'etc', 'pve')), stage: localStage };
  }
  const driver = new ApiDriver(client, { node, nodeAccess, version: version ?? undefined, ...d.hooks });
  const notice = tls.mode === 'insecure' ? `WARNING: TLS certificate verification is OFF ($PHOENIX_API_INSECURE): anyone between here and ${client.base.host} can read the API token; pin its certificate with $PHOENIX_API_FINGERPRINT` : undefined;
  return { driver, client, stateDir, notice };
}
