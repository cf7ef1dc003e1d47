// The simulator's REST API front-end: an HTTPS server answering the API paths Phoenix's API driver
// uses, from the same simulator state as `pct`/`qm` (each request is mapped to the CLI call it
// stands for, routes.ts). API-token authentication (a wrong token → 401), a self-signed
// certificate whose fingerprint clients pin, UPID tasks with a status and a log, Proxmox's error
// shapes (400 with `errors`, 500 with the text as the status reason and `message`), and injected
// faults (a 596 or a lock timeout before a call is dispatched) for the client's retry tests.
//
// pveproxy keeps idle connections 5 s; this server too. It counts requests in flight so a test
// can check the client's bound (pveproxy has 3 workers).

import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { withKeyFiles } from '../../proxmox/cli/key-files.js';
import { firstMeaningfulLine } from '../../proxmox/errors.js';
import { parseCall } from '../frontend/params.js';
import { runSim } from '../frontend/run.js';
import { openState } from '../state/host.js';
import { SimError } from '../state/errors.js';
import { mapRequest, type Mapped, type Method, type Params, RouteError } from './routes.js';
import { firewallRequest, ParamError } from './firewall.js';

export interface SimApiFault {
  method: string;
  /** Matched against the request path (under /api2/json). */
  path: RegExp;
  status: number;
  reason: string;
  /** How many matching requests get the fault (then it is spent). */
  times: number;
}

export interface SimApiRequest {
  method: string;
  path: string;
  params: Params;
  status: number;
}

export interface SimApiOptions {
  stateDir: string;
  /** USER@REALM!TOKENID and its secret. */
  tokenId?: string;
  secret?: string;
  host?: string;
  port?: number;
  /** Where the certificate and key are kept (generated on first use). */
  tlsDir?: string;
  env?: Record<string, string | undefined>;
  faults?: SimApiFault[];
  onRequest?: (r: SimApiRequest) => void;
  /** Nodes answered as offline (also $PHOENIX_SIM_OFFLINE_NODES, read at each request: a,b). */
  offlineNodes?: string[];
}

export interface SimApi {
  url: string;
  tokenId: string;
  /** The Authorization header value a client must send. */
  token: string;
  fingerprint: string;
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  /** TLS connections accepted so far (keep-alive reuses them). */
  connections(): number;
  close(): Promise<void>;
}

interface Task {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  starttime: number;
  running: boolean;
  exitstatus?: string;
  log: string[];
}

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** A self-signed certificate for 127.0.0.1/localhost, made once per directory with openssl. */
export function ensureCertificate(dir: string): { cert: string; key: string; fingerprint: string } {
  const certFile = join(dir, 'pve-ssl.pem');
  const keyFile = join(dir, 'pve-ssl.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '3650', '-subj', '/CN=phoenix-sim-pveproxy', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  }
  const cert = readFileSync(certFile, 'utf8');
  return { cert, key: readFileSync(keyFile, 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256 };
}

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const p: Params = {};
  const add = (k: string, v: string) => {
    const cur = p[k];
    p[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
  };
  for (const [k, v] of url.searchParams) add(k, v);
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if (!body) return p;
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
    const o = JSON.parse(body) as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (Array.isArray(v)) p[k] = v.map(String);
      else if (v !== null && v !== undefined) p[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    }
  } else for (const [k, v] of new URLSearchParams(body)) add(k, v);
  return p;
}

/** `400 Parameter verification failed.` + `key: why` lines → the API's `errors` object. */
function paramErrors(stderr: string): Record<string, string> | undefined {
  const lines = stderr.split('\n');
  if (lines[0]?.trim() !== '400 Parameter verification failed.') return undefined;
  const out: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const m = /^([\w[\]-]+): (.*)$/.exec(l.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export async function startSimApi(o: SimApiOptions): Promise<SimApi> {
  // The cluster's first node answers what names no node; read at each request (a `sim reset
  // --nodes` between requests changes it).
  const homeNode = (): string => openState(o.stateDir).host.node;
  homeNode();
  const tokenId = o.tokenId ?? 'root@pam!phoenix';
  const secret = o.secret ?? randomUUID();
  const token = `PVEAPIToken=${tokenId}=${secret}`;
  const tls = ensureCertificate(o.tlsDir ?? join(o.stateDir, 'api-tls'));
  const env = o.env ?? process.env;
  const faults = (o.faults ?? []).map((f) => ({ ...f }));
  const tasks = new Map<string, Task>();
  const pid = process.pid;
  const pstart = Math.floor(performance.timeOrigin / 1000) & 0xffffffff;
  const offline = () => new Set([...(o.offlineNodes ?? []), ...(env.PHOENIX_SIM_OFFLINE_NODES ?? '').split(',').filter(Boolean)]);
  let inFlight = 0;
  let maxInFlight = 0;
  let taskSeq = 0;

  // A call runs on the node its path names (PHOENIX_SIM_NODE), as pveproxy proxies it there.
  const run = async (m: Mapped, at: string): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    const go = (argv: string[]) => runSim(argv, { stateDir: o.stateDir, stdin: m.stdin, env: { ...env, PHOENIX_SIM_NODE: at } });
    if (!m.keyParam) return go(m.argv);
    const kp = m.keyParam;
    const type = m.argv[0] === 'pct' ? 'lxc' : 'qemu';
    // pct/qm take keys as a file; the API as text (qm's URL-encoded): the CLI's own file dance.
    return withKeyFiles(type, { [kp.name]: type === 'qemu' ? encodeURIComponent(kp.text) : kp.text }, (p) => go([...m.argv, `--${kp.name}`, String(p[kp.name])]));
  };

  const startTask = (m: Mapped, user: string, at: string): string => {
    const starttime = Math.floor(Date.now() / 1000);
    const upid = `UPID:${at}:${hex8(pid)}:${hex8(pstart + taskSeq++)}:${hex8(starttime)}:${m.taskType}:${m.taskId ?? ''}:${user}:`;
    const t: Task = { upid, node: at, type: m.taskType ?? 'task', id: m.taskId ?? '', user, starttime, running: true, log: [] };
    tasks.set(upid, t);
    void run(m, at).then(
      (r) => finish(t, r),
      (e: unknown) => finish(t, { exitCode: 255, stdout: '', stderr: e instanceof Error ? e.message : String(e) }),
    );
    return upid;
  };

  function finish(t: Task, r: { exitCode: number; stdout: string; stderr: string }): void {
    const warn = /^Task finished with (\d+) warning\(s\)!$/m.exec(r.stderr);
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() && !/^Task finished with \d+ warning\(s\)!$/.test(l));
    if (r.exitCode === 0) t.exitstatus = warn ? `WARNINGS: ${warn[1]}` : 'OK';
    else t.exitstatus = firstMeaningfulLine({ stderr: r.stderr, exitCode: r.exitCode, timedOut: false, isCanceled: false });
    // PVE: pve-common src/PVE/RESTEnvironment.pm:fork_worker (the log's last line: TASK OK / TASK WARNINGS: N / TASK ERROR: msg)
    t.log = [...lines, r.exitCode === 0 ? (warn ? `TASK WARNINGS: ${warn[1]}` : 'TASK OK') : `TASK ERROR: ${t.exitstatus}`];
    t.running = false;
  }

  const send = (res: ServerResponse, status: number, data: unknown, reason?: string, errors?: Record<string, string>): void => {
    const body = JSON.stringify({ data: data ?? null, ...(errors ? { errors } : {}), ...(reason && status >= 300 ? { message: `${reason}\n` } : {}) });
    // The reason phrase carries Proxmox's message (what pvesh/clients print); one line only.
    res.writeHead(status, (reason ?? '').split('\n')[0].replace(/[^\x20-\x7e]/g, '?') || undefined, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'https://sim');
    if (!url.pathname.startsWith('/api2/json/')) {
      send(res, 501, null, 'Not Implemented');
      return 501;
    }
    const path = url.pathname.slice('/api2/json'.length);
    const method = (req.method ?? 'GET') as Method;
    let params: Params = {};
    try {
      params = await readParams(req, url);
    } catch {
      send(res, 400, null, 'malformed JSON body');
      return 400;
    }
    const record = (status: number): number => {
      o.onRequest?.({ method, path, params, status });
      return status;
    };
    // PVE: pve-access-control src/PVE/AccessControl.pm:verify_token (a token whose value is wrong: 401)
    const auth = req.headers.authorization ?? '';
    if (auth !== token) {
      send(res, 401, null, auth.startsWith('PVEAPIToken=') ? 'invalid token value!' : 'No ticket');
      return record(401);
    }
    const fault = faults.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (fault) {
      fault.times--;
      send(res, fault.status, null, fault.reason);
      return record(fault.status);
    }
    const user = tokenId;
    // A request for an offline node: pveproxy cannot reach it.
    // PVE: pve-http-server src/PVE/APIServer/AnyEvent.pm:proxy_request (595 on a failed connection) — guess: repo not in the oracle
    const target = /^\/nodes\/([^/]+)/.exec(path)?.[1];
    if (target && offline().has(decodeURIComponent(target))) {
      send(res, 595, null, `Connection refused`);
      return record(595);
    }
    try {
      // The cluster's nodes (host.json): a path naming one of them is answered as that node.
      const { host } = openState(o.stateDir);
      const node = host.node;
      const named = target ? decodeURIComponent(target) : node;
      const at = named !== node && host.nodes.includes(named) ? named : node;
      const m = mapRequest(method, path, params, at);
      if ('local' in m) {
        if (m.local === 'version') {
          const r = await runSim(['pveversion'], { stateDir: o.stateDir, env });
          const v = /^pve-manager\/([\d.]+)\/(\w+)/.exec(r.stdout);
          send(res, 200, { version: v?.[1] ?? '', release: (v?.[1] ?? '').split('.').slice(0, 2).join('.'), repoid: v?.[2] ?? '' });
          return record(200);
        }
        if (m.local === 'firewall') {
          const r = firewallRequest(method, m.rest, params, join(o.stateDir, 'etc', 'pve', 'firewall', `${m.vmid}.fw`));
          if (!r) throw new RouteError(501, `Method '${method} ${path}' not implemented`);
          send(res, 200, r.data);
          return record(200);
        }
        if (m.local === 'nodes') {
          const all = host.nodes.includes(node) ? host.nodes : [node, ...host.nodes];
          send(
            res,
            200,
            all.map((n) => ({ node: n, status: offline().has(n) ? 'offline' : 'online', type: 'node', id: `node/${n}` })),
          );
          return record(200);
        }
        const t = tasks.get(m.upid ?? '');
        if (!t) {
          send(res, 500, null, `unable to open file - No such file or directory`);
          return record(500);
        }
        if (m.local === 'task-status') {
          send(res, 200, { upid: t.upid, node: t.node, pid, pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user, status: t.running ? 'running' : 'stopped', ...(t.running ? {} : { exitstatus: t.exitstatus }) });
        } else {
          const start = Number(params.start ?? 0);
          const limit = Number(params.limit ?? 50);
          const lines = t.running ? ['(running)'] : t.log;
          send(
            res,
            200,
            lines.slice(start, start + limit).map((l, i) => ({ n: start + i + 1, t: l })),
          );
        }
        return record(200);
      }
      if (m.mode === 'task') {
        // Parameters are checked before the worker forks (a 400, no task), as the API handlers do.
        if (m.argv[0] === 'pct' || m.argv[0] === 'qm') {
          const args = m.keyParam ? [...m.argv, `--${m.keyParam.name}`, '/dev/null'] : m.argv;
          parseCall(m.argv[0], args.slice(1));
        }
        send(res, 200, startTask(m, user, at));
        return record(200);
      }
      const r = await run(m, at);
      if (r.exitCode !== 0) {
        const errors = paramErrors(r.stderr);
        const reason = errors ? 'Parameter verification failed.' : firstMeaningfulLine({ stderr: r.stderr, exitCode: r.exitCode, timedOut: false, isCanceled: false });
        send(res, errors ? 400 : 500, null, reason, errors);
        return record(errors ? 400 : 500);
      }
      send(res, 200, m.parse ? m.parse(r.stdout) : null);
      return record(200);
    } catch (e) {
      if (e instanceof ParamError) {
        send(res, 400, null, 'Parameter verification failed.', e.errors);
        return record(400);
      }
      if (e instanceof RouteError) {
        send(res, e.status, null, e.message);
        return record(e.status);
      }
      if (e instanceof SimError) {
        const errors = paramErrors(e.message);
        send(res, errors ? 400 : 500, null, errors ? 'Parameter verification failed.' : e.message.split('\n')[0], errors);
        return record(errors ? 400 : 500);
      }
      send(res, 500, null, e instanceof Error ? e.message.split('\n')[0] : String(e));
      return record(500);
    }
  };

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    void handle(req, res).finally(() => {
      inFlight--;
    });
  });
  // PVE: pve-http-server src/PVE/APIServer/AnyEvent.pm (keep-alive: idle connections closed after 5 s) — guess: repo not in the oracle
  server.keepAliveTimeout = 5000;
  let connections = 0;
  server.on('secureConnection', () => {
    connections++;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostText = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `https://${hostText}:${addr.port}`,
    tokenId,
    token,
    fingerprint: tls.fingerprint,
    maxInFlight: () => maxInFlight,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh token secret (for `phoenix sim api`). */
export const newSecret = (): string => randomUUID() || randomBytes(16).toString('hex');
