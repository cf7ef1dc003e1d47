// One attempt of each kind of health probe. A probe never throws for an unhealthy target: it
// answers {ok, detail}. Side effects go through injected functions (the driver for commands in the
// guest, `connect` for TCP, `httpGet` for HTTP) so tests run against fakes or loopback servers.

import { connect as netConnect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ProxmoxReader } from '../proxmox/driver.js';
import type { GuestType } from '../proxmox/types.js';

export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

/** Opens a TCP connection and closes it; rejects when it cannot connect within timeoutMs. */
export type ConnectFn = (host: string, port: number, timeoutMs: number, signal?: AbortSignal) => Promise<void>;
/** GET url; resolves with the status code (any status), rejects on network errors and timeouts. */
export type HttpGetFn = (url: string, timeoutMs: number, signal?: AbortSignal) => Promise<{ status: number }>;

/**
 * A command check's argv: a string is a command line as the user wrote it (the original's
 * health_check.command), run by the guest's shell; an array (feature manifests) is an argv.
 * `--` ends sh's options: a command line starting with `-` is the command, not an option of sh.
 */
export const commandArgv = (command: string | readonly string[]): string[] => (typeof command === 'string' ? ['/bin/sh', '-c', '--', command] : [...command]);

/** A command check's outcome from its exit code and what it printed. */
export function commandOutcome(exitCode: number, output: string): ProbeOutcome {
  const last = lastLine(output);
  if (exitCode === 0) return { ok: true, detail: last ? `exit 0: ${last}` : 'exit 0' };
  return { ok: false, detail: `exit ${exitCode}${last ? `: ${last}` : ''}` };
}

export async function probeCommand(reader: ProxmoxReader, guest: { type: GuestType; vmid: number }, command: string | readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  try {
    const r = await reader.exec(guest.type, guest.vmid, commandArgv(command), { timeoutMs, signal });
    return commandOutcome(r.exitCode, `${r.stdout}\n${r.stderr}`);
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

export async function probeTcp(connect: ConnectFn, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  try {
    await connect(host, port, timeoutMs, signal);
    return { ok: true, detail: `connected to ${host}:${port}` };
  } catch (e) {
    return { ok: false, detail: `${host}:${port}: ${(e as Error).message}` };
  }
}

export async function probeHttp(httpGet: HttpGetFn, url: string, expectStatus: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  try {
    const { status } = await httpGet(url, timeoutMs, signal);
    return status === expectStatus ? { ok: true, detail: `HTTP ${status}` } : { ok: false, detail: `HTTP ${status} (expected ${expectStatus})` };
  } catch (e) {
    return { ok: false, detail: `${url}: ${(e as Error).message}` };
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const l = lines[lines.length - 1] ?? '';
  return l.length > 200 ? `${l.slice(0, 200)}…` : l;
}

export const defaultConnect: ConnectFn = (host, port, timeoutMs, signal) =>
  new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, signal });
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no connection within ${timeoutMs} ms`)));
    socket.once('connect', () => done());
    socket.once('error', (e) => done(e));
  });

export const defaultHttpGet: HttpGetFn = (url, timeoutMs, signal) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const request = u.protocol === 'https:' ? httpsRequest : u.protocol === 'http:' ? httpRequest : null;
    if (!request) return reject(new Error(`unsupported URL scheme ${u.protocol}`));
    const req = request(u, { method: 'GET', signal, timeout: timeoutMs }, (res) => {
      res.resume(); // the body is not needed; drain it so the socket is freed
      resolve({ status: res.statusCode ?? 0 });
    });
    req.once('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
