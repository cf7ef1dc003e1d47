// The HTTP side of the REST API driver: one client per API endpoint (a node's pveproxy), over
// node:https with keep-alive. pveproxy runs 3 workers and closes a connection idle for 5 s, so the
// client keeps at most `maxInFlight` (3) requests in flight and drops its own idle sockets after
// 4 s, before the server would (a request sent on a socket the server is closing fails).
//
// TLS: verified against Node's CA store (its bundled roots plus NODE_EXTRA_CA_CERTS), or pinned to
// the certificate's SHA-256 fingerprint (PVE's self-signed certificates), or — only when asked
// explicitly — not verified at all. A pin is checked on the handshake, before any byte of the
// request (and so the token) is written; TLS session resumption is off because a resumed session
// has no peer certificate to check (DEPENDENCIES §5).
//
// Retries: only the *dispatch* of a call, and only on answers that say nothing started: HTTP 596
// (pveproxy could not reach the node) and 599 (the proxied connection failed), a connection refused,
// and a 500 whose text is a lock timeout (the handler died taking its lock, before doing anything).
// A task that started is never re-sent; its failure comes back through the task waiter.

import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { Semaphore } from '../../util/semaphore.js';
import { isCfsLockTimeout, isLockTimeout } from '../errors.js';
import type { ApiToken } from './token.js';

export type TlsPolicy = { mode: 'verify' } | { mode: 'pin'; fingerprint: string } | { mode: 'insecure' };

export type ApiParamValue = string | number | boolean | string[];
export type ApiParams = Record<string, ApiParamValue | undefined>;

export interface ApiRequestRecord {
  method: string;
  /** The path under /api2/json, e.g. /nodes/pve/lxc/100/config. */
  path: string;
  params: Record<string, ApiParamValue>;
  status: number;
  durationMs: number;
  attempt: number;
}

export interface ApiClientOptions {
  /** https://HOST:8006 (a trailing /api2/json is accepted). */
  url: string;
  token: ApiToken;
  tls: TlsPolicy;
  /** Requests in flight at once towards this endpoint (pveproxy: 3 workers). */
  maxInFlight?: number;
  /** One HTTP request's limit (not an operation's: tasks have their own deadline). */
  requestTimeoutMs?: number;
  /** Our own sockets are closed after this long idle (pveproxy closes them after 5 s). */
  idleMs?: number;
  /** Dispatch attempts on a transient answer, and the waits between them. */
  retryDelaysMs?: number[];
  sleep?: (ms: number) => Promise<void>;
  onRequest?: (r: ApiRequestRecord) => void;
}

/** An answer other than 2xx, or no answer. `stderr` carries Proxmox's text for the error predicates. */
export class ApiError extends Error {
  readonly stderr: string;
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    readonly paramErrors?: Record<string, string>,
    readonly code?: string,
  ) {
    const params = paramErrors ? Object.entries(paramErrors).map(([k, v]) => `${k}: ${v}`) : [];
    const text = status === 400 && params.length ? ['400 Parameter verification failed.', ...params].join('\n') : reason;
    super(`${method} ${path}: ${status ? `${status} ` : ''}${status === 400 && params.length ? `Parameter verification failed. ${params.join('; ')}` : reason}`);
    this.name = 'ApiError';
    this.stderr = text;
  }
}

export const API_PREFIX = '/api2/json';

export function normaliseApiUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`not a URL: ${JSON.stringify(url)} (expected https://HOST:8006)`);
  }
  if (u.protocol !== 'https:') throw new TypeError(`the Proxmox API is reached over https only, not ${u.protocol}//`);
  if (u.username || u.password) throw new TypeError('the API URL must not carry credentials (the token comes from $PHOENIX_API_TOKEN or its file)');
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '');
  return u;
}

/** `AA:BB:...` (64 hex digits, colons optional, any case) → `AA:BB:...` as Node prints it. */
export function normaliseFingerprint(fp: string): string {
  const hex = fp
    .replace(/^sha256[:=]?/i, '')
    .replace(/:/g, '')
    .trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError('the API fingerprint must be a SHA-256 fingerprint: 32 bytes in hex, colon-separated (as `pvenode cert info` prints it)');
  return hex.toUpperCase().match(/../g)!.join(':');
}

const TRANSIENT_STATUS = new Set([596, 599]);

export function isTransientAnswer(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false;
  if (TRANSIENT_STATUS.has(e.status)) return true;
  if (e.code === 'ECONNREFUSED') return true;
  return e.status === 500 && (isLockTimeout(e) || isCfsLockTimeout(e));
}

/** The query/body encoding: booleans 1/0, arrays repeated (query) or as JSON arrays (body). */
function clean(params: ApiParams | undefined): Record<string, ApiParamValue> {
  const out: Record<string, ApiParamValue> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`invalid value for ${k}`);
    out[k] = v;
  }
  return out;
}

function encodeQuery(p: Record<string, ApiParamValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const jsonBody = (p: Record<string, ApiParamValue>): string => JSON.stringify(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 1 : 0) : v])));

export class ApiClient {
  readonly base: URL;
  private readonly agent: Agent;
  private readonly limit: Semaphore;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: ApiClientOptions) {
    this.base = normaliseApiUrl(o.url);
    this.limit = new Semaphore(o.maxInFlight ?? 3);
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const tls = o.tls;
    const pin = tls.mode === 'pin' ? normaliseFingerprint(tls.fingerprint) : undefined;
    const agent = new Agent({
      keepAlive: true,
      maxSockets: o.maxInFlight ?? 3,
      maxFreeSockets: o.maxInFlight ?? 3,
      // Idle (free) sockets are destroyed after this long; a socket in use is governed by the request timeout.
      timeout: o.idleMs ?? 4000,
      maxCachedSessions: 0,
      rejectUnauthorized: tls.mode === 'verify',
    });
    if (pin) {
      // The request is only written once the pin matched: createConnection hands the socket over then.
      (agent as unknown as { createConnection: (opts: ConnectionOptions, cb: (err: Error | null, s?: Duplex) => void) => undefined }).createConnection = (opts, cb) => {
        const socket: TLSSocket = tlsConnect({ ...opts, rejectUnauthorized: false, session: undefined });
        const fail = (err: Error): void => {
          socket.destroy();
          cb(err);
        };
        socket.once('error', fail);
        socket.once('secureConnect', () => {
          socket.removeListener('error', fail);
          const got = socket.getPeerCertificate()?.fingerprint256;
          if (got !== pin) {
            const err = Object.assign(new Error(`the server's certificate (SHA-256 ${got ?? 'none'}) does not match the pinned fingerprint ${pin}`), { code: 'EPINMISMATCH' });
            socket.destroy();
            cb(err);
            return;
          }
          cb(null, socket);
        });
        return undefined;
      };
    }
    this.agent = agent;
  }

  /** Closes idle connections (the run is over). */
  close(): void {
    this.agent.destroy();
  }

  /** One call: the answer's `data`, retried only on a transient dispatch failure. */
  async call<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: ApiParams, opts: { timeoutMs?: number; retry?: boolean } = {}): Promise<T> {
    const p = clean(params);
    const delays = opts.retry === false ? [] : (this.o.retryDelaysMs ?? [500, 1000, 2000, 4000]);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once(method, path, p, attempt, opts.timeoutMs)) as T;
      } catch (e) {
        if (attempt > delays.length || !isTransientAnswer(e)) throw e;
        await this.sleep(delays[attempt - 1]);
      }
    }
  }

  private async once(method: string, path: string, p: Record<string, ApiParamValue>, attempt: number, timeoutMs?: number): Promise<unknown> {
    await this.limit.acquire();
    const started = performance.now();
    let status = 0;
    try {
      const withBody = method === 'POST' || method === 'PUT';
      const body = withBody ? jsonBody(p) : undefined;
      const full = `${this.base.pathname.replace(/\/+$/, '')}${API_PREFIX}${path}${withBody ? '' : encodeQuery(p)}`;
      const reqOpts: RequestOptions = {
        method,
        host: this.base.hostname.replace(/^\[|\]$/g, ''),
        servername: /^[\d.]+$|:/.test(this.base.hostname) ? undefined : this.base.hostname,
        port: this.base.port || 8006,
        path: full,
        agent: this.agent,
        headers: {
          Authorization: this.o.token.header,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      };
      const res = await new Promise<{ status: number; reason: string; text: string }>((resolve, reject) => {
        const req = httpsRequest(reqOpts, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, reason: r.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
          r.on('error', reject);
        });
        req.setTimeout(timeoutMs ?? this.o.requestTimeoutMs ?? 60_000, () => {
          req.destroy(Object.assign(new Error(`no answer within ${Math.round((timeoutMs ?? this.o.requestTimeoutMs ?? 60_000) / 1000)} s`), { code: 'ETIMEDOUT' }));
        });
        req.on('error', reject);
        req.end(body);
      }).catch((e: NodeJS.ErrnoException) => {
        throw new ApiError(method, path, 0, connectionText(e, this.base), undefined, e.code);
      });
      status = res.status;
      let json: { data?: unknown; errors?: Record<string, string>; message?: string } = {};
      try {
        json = res.text ? JSON.parse(res.text) : {};
      } catch {
        /* a proxy's HTML error page: the status line says it */
      }
      if (status < 200 || status > 299) {
        const reason = (json.message ?? res.reason ?? '').trim() || `HTTP ${status}`;
        throw new ApiError(method, path, status, status === 401 ? `${reason} (API token rejected: check the token id and secret)` : reason, json.errors);
      }
      return json.data ?? null;
    } finally {
      this.limit.release();
      this.o.onRequest?.({ method, path, params: p, status, durationMs: performance.now() - started, attempt });
    }
  }
}

function connectionText(e: NodeJS.ErrnoException, base: URL): string {
  const where = base.host;
  switch (e.code) {
    case 'EPINMISMATCH':
      return e.message;
    case 'ECONNREFUSED':
      return `connection refused by ${where} (is pveproxy running?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${base.hostname}`;
    case 'ETIMEDOUT':
      return `${where}: ${e.message}`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the certificate of ${where} is not trusted (${e.code}); pin it with PHOENIX_API_FINGERPRINT (pvenode cert info), or add its CA to NODE_EXTRA_CA_CERTS`;
    default:
      return `${where}: ${e.message}`;
  }
}
