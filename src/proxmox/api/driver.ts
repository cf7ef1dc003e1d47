// ProxmoxDriver over the REST API (https://HOST:8006/api2/json). Each method is one API call (or a
// few); asynchronous calls answer a UPID and are followed by the one task waiter (tasks.ts).
//
// What the API cannot do goes to the guest's node through a NodeAccess (SSH on a real cluster,
// src/proxmox/exec/ssh.ts; a local transport into the simulator in tests): a container's exec and
// push (the API has neither), its raw `lxc.*` lines (the API refuses them), the firewall file,
// and `qm disk import`. VMs use the guest agent endpoints (agent/exec, exec-status, file-write).
//
// Failures throw PveCommandError whose argv is ['api', METHOD, PATH] and whose stderr is Proxmox's
// text (or the failed task's log tail), so the same predicates (../errors.ts) classify them as for
// the CLI driver.

import { readFile } from 'node:fs/promises';
import type { ProxmoxDriver } from '../driver.js';
import { isAlreadyRunning, isMissing, isNotRunning, PveCommandError, type TaskWarnings } from '../errors.js';
import type { ExecResult } from '../exec/types.js';
import { withEnv } from '../cli/argv.js';
import { parseGuestExecStatus } from '../cli/parse/guest-exec.js';
import { PveCliDriver } from '../cli/driver.js';
import type { DownloadRequest, ExecInGuestOptions, ExecOutcome, GuestAddress, GuestConfig, GuestListEntry, GuestStatus, GuestType, HostInventory, InventoryGuest, PendingChange, PowerState, PushOptions, PveParams, PveVersion, SnapshotInfo, NodeMemory, StorageStatus } from '../types.js';
import { parseInterfaces } from '../cli/parse/interfaces.js';
import { parseStorageRows } from '../cli/parse/storages.js';
import { ApiError, type ApiClient, type ApiParams } from './client.js';
import { TaskDeadline, TaskFailed, type TaskPoll, waitTask } from './tasks.js';
import type { NodeAccess } from './node-access.js';
import { type ApiRule, formatFirewall, formatRule, parseFirewallText, ruleFromApi } from './firewall.js';

export interface ApiDriverOptions {
  node: string;
  /** The guest's node, for what the API cannot do; undefined: those calls fail saying so. */
  nodeAccess?: NodeAccess;
  /** Without nodeAccess: what to set to reach this node (the failure's last words). */
  noAccessHint?: string;
  /** How long one operation (a task) may take before Phoenix stops waiting. */
  taskDeadlineMs?: number;
  poll?: TaskPoll;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Every API call Phoenix made, once it ended (as an argv-like record for the run's stats). */
  onCall?: (r: ExecResult) => void;
  onWarnings?: (w: { argv: string[]; warnings: TaskWarnings }) => void;
  readLocalFile?: (path: string) => Promise<Uint8Array>;
  /** GET /version's answer when the caller already read it (the first contact): not asked again. */
  version?: { version?: string };
}

/** How long Phoenix waits for one task by default (a request has its own, shorter timeout). */
export const DEFAULT_TASK_DEADLINE_MS = 60 * 60 * 1000;

/** The guest agent's file-write takes at most 61440 characters of content (apidata: maxLength). */
export const FILE_WRITE_MAX_CHARS = 61440;
/** Bytes per file-write chunk: its base64 is exactly the limit. */
export const FILE_WRITE_CHUNK = (FILE_WRITE_MAX_CHARS / 4) * 3;
/** agent/exec's input-data limit (apidata: maxLength 65536). */
export const EXEC_INPUT_MAX = 65536;

const kindPath = (type: GuestType): string => (type === 'lxc' ? 'lxc' : 'qemu');
const vmidOk = (vmid: number): number => {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw new TypeError(`invalid vmid ${vmid}`);
  return vmid;
};
const seg = (s: string): string => {
  if (s === '' || /[/?#\s]/.test(s)) throw new TypeError(`refusing ${JSON.stringify(s)} as an API path segment`);
  return encodeURIComponent(s);
};

const asString = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
const powerState = (s: unknown): PowerState => (s === 'running' || s === 'stopped' || s === 'paused' ? s : 'unknown');

export class ApiDriver implements ProxmoxDriver {
  readonly node: string;
  private readonly nodeCli?: PveCliDriver;
  /** Each guest's kind as last seen (the firewall's paths need it; the driver's interface gives only the vmid). */
  private readonly kinds = new Map<number, GuestType>();

  constructor(
    private readonly client: ApiClient,
    private readonly o: ApiDriverOptions,
  ) {
    this.node = o.node;
    if (o.nodeAccess) {
      this.nodeCli = new PveCliDriver(o.nodeAccess.exec, { node: o.node, hostFiles: o.nodeAccess.hostFiles, onCall: o.onCall, onWarnings: o.onWarnings });
    }
  }

  private guestPath(type: GuestType, vmid: number, rest = ''): string {
    return `/nodes/${seg(this.node)}/${kindPath(type)}/${vmidOk(vmid)}${rest}`;
  }

  private record(method: string, path: string, started: number, exitCode: number, stderr = ''): void {
    this.o.onCall?.({ argv: ['api', method, path], exitCode, stdout: '', stderr, durationMs: performance.now() - started, timedOut: false, isCanceled: false });
  }

  /** One call; errors become PveCommandError carrying Proxmox's text. */
  private async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: ApiParams): Promise<T> {
    const started = performance.now();
    try {
      const data = await this.client.call<T>(method, path, params);
      this.record(method, path, started, 0);
      return data;
    } catch (e) {
      const err = this.wrap(method, path, e, started);
      this.record(method, path, started, err.exitCode, err.stderr);
      throw err;
    }
  }

  private wrap(method: string, path: string, e: unknown, started: number): PveCommandError {
    if (e instanceof PveCommandError) return e;
    const base = { argv: ['api', method, path], stdout: '', durationMs: performance.now() - started, isCanceled: false };
    if (e instanceof ApiError) {
      const short = e.message.slice(`${method} ${path}: `.length);
      return new PveCommandError({ ...base, exitCode: e.status || 255, stderr: e.stderr, timedOut: e.code === 'ETIMEDOUT' }, short);
    }
    if (e instanceof TaskFailed) {
      const tail = e.logTail.slice(-3);
      return new PveCommandError({ ...base, exitCode: 255, stderr: e.stderr, timedOut: false }, `${e.exitstatus}${tail.length ? ` (task log: ${tail.join(' ⏎ ')})` : ''}`);
    }
    if (e instanceof TaskDeadline) return new PveCommandError({ ...base, exitCode: 124, stderr: '', timedOut: true }, e.message);
    const msg = e instanceof Error ? e.message : String(e);
    return new PveCommandError({ ...base, exitCode: 255, stderr: msg, timedOut: false, isCanceled: (e as Error)?.name === 'AbortError' }, msg);
  }

  /** A mutating call: when it answers a UPID, wait for the task; warnings are surfaced. */
  private async task(method: 'POST' | 'PUT' | 'DELETE', path: string, params?: ApiParams, tolerate?: (e: PveCommandError) => boolean): Promise<void> {
    let data: unknown;
    try {
      data = await this.call<unknown>(method, path, params);
    } catch (e) {
      if (e instanceof PveCommandError && !e.timedOut && tolerate?.(e)) return;
      throw e;
    }
    if (typeof data !== 'string' || !data.startsWith('UPID:')) return;
    const started = performance.now();
    try {
      const r = await waitTask(this.client, data, { what: `${method} ${path}`, deadlineMs: this.o.taskDeadlineMs ?? DEFAULT_TASK_DEADLINE_MS, poll: this.o.poll, sleep: this.o.sleep, now: this.o.now });
      if (r.warningCount > 0) this.o.onWarnings?.({ argv: ['api', method, path], warnings: { count: r.warningCount, lines: r.warnings } });
    } catch (e) {
      const err = this.wrap(method, path, e, started);
      if (!err.timedOut && tolerate?.(err)) return;
      throw err;
    }
  }

  private needNode(what: string): PveCliDriver {
    if (!this.nodeCli) {
      throw new PveCommandError({ argv: ['api', what], exitCode: 2, stdout: '', stderr: '', durationMs: 0, timedOut: false, isCanceled: false }, `${what} has no Proxmox API: it needs SSH to node ${this.node}: ${this.o.noAccessHint ?? 'PHOENIX_NODE_SSH=root@HOST'}`);
    }
    return this.nodeCli;
  }

  // ---- reads ----------------------------------------------------------------------------

  async list(): Promise<GuestListEntry[]> {
    const n = seg(this.node);
    const [ct, vm] = await Promise.all([this.call<Array<Record<string, unknown>>>('GET', `/nodes/${n}/lxc`), this.call<Array<Record<string, unknown>>>('GET', `/nodes/${n}/qemu`)]);
    const entry =
      (type: GuestType) =>
      (r: Record<string, unknown>): GuestListEntry => ({
        vmid: Number(r.vmid),
        type,
        name: asString(r.name ?? ''),
        status: powerState(r.status),
        ...(typeof r.lock === 'string' && r.lock ? { lock: r.lock } : {}),
      });
    const all = [...(ct ?? []).map(entry('lxc')), ...(vm ?? []).map(entry('qemu'))].sort((a, b) => a.vmid - b.vmid);
    for (const e of all) this.kinds.set(e.vmid, e.type);
    return all;
  }

  /** The guest's kind: as seen before, else from one list; null when no guest has that vmid. */
  private async kindOf(vmid: number): Promise<GuestType | null> {
    const k = this.kinds.get(vmid);
    if (k) return k;
    await this.list();
    return this.kinds.get(vmid) ?? null;
  }

  private async readOrNull<T>(path: string, params?: ApiParams): Promise<T | null> {
    try {
      return await this.call<T>('GET', path, params);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /**
   * Every guest of the cluster. With the node's access (SSH or the simulator): its config files
   * and one /cluster/resources read (the CLI driver's bulk read). Without: GET /cluster/resources
   * (where each guest is, its status) and each guest's config, pending changes and snapshots from
   * its node's `/nodes/{node}/…` (three reads per guest, at most 8 at once). A guest whose node
   * cannot be read (offline) is listed where it is, with what the row says and no config: a run
   * that needs it fails on that node, and it is never made again elsewhere. null when the
   * resources read fails (the caller then reads guest by guest).
   */
  async inventory(): Promise<HostInventory | null> {
    if (this.nodeCli) return this.nodeCli.inventory();
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await this.call<Array<Record<string, unknown>>>('GET', '/cluster/resources', { type: 'vm' })) ?? [];
    } catch {
      return null;
    }
    const peers = new Map<string, ApiDriver>([[this.node, this]]);
    const on = (node: string) => peers.get(node) ?? peers.set(node, new ApiDriver(this.client, { ...this.o, node, nodeAccess: undefined })).get(node)!;
    const wanted = rows.filter((r) => (r.type === 'lxc' || r.type === 'qemu') && Number.isInteger(Number(r.vmid)) && typeof r.node === 'string');
    const guests: InventoryGuest[] = [];
    let requests = 1;
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const r = wanted[next++]!;
        const type: GuestType = r.type === 'lxc' ? 'lxc' : 'qemu';
        const vmid = Number(r.vmid);
        const node = r.node as string;
        const status: GuestStatus = { vmid, type, status: powerState(r.status), template: r.template === 1 || r.template === '1' || r.template === true, ...(typeof r.lock === 'string' && r.lock ? { lock: r.lock } : {}) };
        this.kinds.set(vmid, type);
        const d = on(node);
        requests += 3;
        try {
          const [config, pending, snapshots] = await Promise.all([d.config(type, vmid), d.pending(type, vmid), d.listSnapshots(type, vmid)]);
          if (config === null) continue; // destroyed while we read
          guests.push({ type, vmid, node, status, config, pending, snapshots });
        } catch (e) {
          if (!(e instanceof PveCommandError) || r.status !== 'unknown') throw e;
          guests.push({ type, vmid, node, status, config: { options: {}, rawLxc: [] }, pending: [], snapshots: [] });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, wanted.length) }, worker));
    return { node: this.node, guests: guests.sort((a, b) => a.vmid - b.vmid), requests };
  }

  async status(type: GuestType, vmid: number): Promise<GuestStatus | null> {
    const r = await this.readOrNull<Record<string, unknown>>(this.guestPath(type, vmid, '/status/current'));
    if (r === null) return null;
    this.kinds.set(vmid, type);
    return {
      vmid,
      type,
      status: powerState(r.status),
      template: r.template === 1 || r.template === true || r.template === '1',
      ...(typeof r.lock === 'string' && r.lock ? { lock: r.lock } : {}),
    };
  }

  async config(type: GuestType, vmid: number): Promise<GuestConfig | null> {
    const r = await this.readOrNull<Record<string, unknown>>(this.guestPath(type, vmid, '/config'));
    if (r === null) return null;
    const options: Record<string, string> = {};
    let rawLxc: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(r)) {
      if (k === 'digest') continue;
      if (k === 'lxc' && Array.isArray(v)) rawLxc = v.map((e) => [asString((e as unknown[])[0]), asString((e as unknown[])[1] ?? '')]);
      else options[k] = asString(v);
    }
    return { options: Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b))), rawLxc };
  }

  async pending(type: GuestType, vmid: number): Promise<PendingChange[]> {
    const rows = await this.readOrNull<Array<{ key: string; pending?: unknown; delete?: number }>>(this.guestPath(type, vmid, '/pending'));
    const out: PendingChange[] = [];
    for (const r of rows ?? []) {
      if (r.delete) out.push({ key: r.key, change: 'delete' });
      else if (r.pending !== undefined) out.push({ key: r.key, change: 'set' });
    }
    return out;
  }

  async listSnapshots(type: GuestType, vmid: number): Promise<SnapshotInfo[]> {
    const rows = await this.readOrNull<Array<Record<string, unknown>>>(this.guestPath(type, vmid, '/snapshot'));
    return (rows ?? [])
      .filter((r) => r.name !== 'current')
      .map((r) => ({
        name: asString(r.name),
        ...(typeof r.parent === 'string' && r.parent ? { parent: r.parent } : {}),
        ...(typeof r.description === 'string' && r.description ? { description: r.description } : {}),
        ...(typeof r.snaptime === 'number' ? { snaptime: r.snaptime } : {}),
      }));
  }

  /**
   * The guest's firewall through the API (options and rules), rendered as the file's text the
   * managers compare; null when it has neither (no file).
   */
  async readFirewall(vmid: number): Promise<string | null> {
    const type = await this.kindOf(vmid);
    if (type === null) return null;
    const [opts, rules] = await Promise.all([this.call<Record<string, unknown>>('GET', this.guestPath(type, vmid, '/firewall/options')), this.call<Array<Record<string, unknown>>>('GET', this.guestPath(type, vmid, '/firewall/rules'))]);
    const options: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts ?? {})) if (k !== 'digest' && v !== null && v !== undefined) options[k] = asString(v);
    const sorted = [...(rules ?? [])].sort((a, b) => Number(a.pos) - Number(b.pos));
    return formatFirewall({ options, rules: sorted.map(ruleFromApi) });
  }

  async exec(type: GuestType, vmid: number, command: string[], o: ExecInGuestOptions = {}): Promise<ExecOutcome> {
    if (command.length === 0) throw new TypeError('exec: empty command');
    if (type === 'lxc') return this.needNode('running a command in a container').exec('lxc', vmid, command, o);
    return this.agentExec(vmid, withEnv(command, o.env), o.input, o.timeoutMs, o.signal);
  }

  /** agent/exec once (never re-sent), then exec-status until it exited or the deadline. */
  private async agentExec(vmid: number, command: string[], input?: string, timeoutMs?: number, signal?: AbortSignal): Promise<ExecOutcome> {
    if (input !== undefined && input.length > EXEC_INPUT_MAX) throw new Error(`input for VM ${vmid} is ${input.length} characters; the guest agent takes at most ${EXEC_INPUT_MAX}`);
    const path = this.guestPath('qemu', vmid, '/agent/exec');
    const started = (this.o.now ?? Date.now)();
    const params: ApiParams = { command };
    if (input !== undefined) params['input-data'] = input;
    // The dispatch is not retried even on a transient answer: the command may have started.
    const startedAt = performance.now();
    let r: { pid?: number };
    try {
      r = await this.client.call<{ pid?: number }>('POST', path, params, { retry: false });
      this.record('POST', path, startedAt, 0);
    } catch (e) {
      const err = this.wrap('POST', path, e, startedAt);
      this.record('POST', path, startedAt, err.exitCode, err.stderr);
      throw err;
    }
    if (typeof r?.pid !== 'number') throw new Error(`guest agent of VM ${vmid} answered without a pid`);
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)));
    const poll = this.o.poll ?? { initialMs: 100, maxMs: 2000, factor: 1.5 };
    let delay = poll.initialMs;
    for (;;) {
      const s = await this.call<Record<string, unknown>>('GET', this.guestPath('qemu', vmid, '/agent/exec-status'), { pid: r.pid });
      const st = parseGuestExecStatus(JSON.stringify(s ?? {}));
      if (st.exited) return { exitCode: st.exitCode ?? (st.signal !== undefined ? 128 + st.signal : -1), stdout: st.stdout, stderr: st.stderr };
      const elapsed = (this.o.now ?? Date.now)() - started;
      if (signal?.aborted) throw this.wrap('POST', path, Object.assign(new Error(`canceled; guest pid ${r.pid} may still be running in VM ${vmid}`), { name: 'AbortError' }), startedAt);
      if (timeoutMs !== undefined && elapsed >= timeoutMs) {
        throw new PveCommandError({ argv: ['api', 'POST', path], exitCode: -1, stdout: '', stderr: '', durationMs: elapsed, timedOut: true, isCanceled: false }, `timed out after ${Math.round(timeoutMs / 1000)}s; guest pid ${r.pid} still running in VM ${vmid}`);
      }
      await sleep(timeoutMs === undefined ? delay : Math.min(delay, Math.max(1, timeoutMs - elapsed)));
      delay = Math.min(poll.maxMs, delay * poll.factor);
    }
  }

  async agentPing(vmid: number): Promise<boolean> {
    try {
      await this.call('POST', this.guestPath('qemu', vmid, '/agent/ping'));
      return true;
    } catch (e) {
      if (isMissing(e)) throw e;
      return false;
    }
  }

  async addresses(type: GuestType, vmid: number): Promise<GuestAddress[] | null> {
    if (type === 'lxc') return parseInterfaces(await this.call<unknown>('GET', this.guestPath('lxc', vmid, '/interfaces')));
    try {
      const r = await this.call<{ result?: unknown }>('GET', this.guestPath('qemu', vmid, '/agent/network-get-interfaces'));
      return parseInterfaces(r?.result);
    } catch (e) {
      if (isMissing(e)) throw e;
      return null; // not running, or no agent answering
    }
  }

  async hostVersion(): Promise<PveVersion> {
    const v = this.o.version ?? (await this.call<{ version?: string; release?: string }>('GET', '/version'));
    const m = /^(\d+)\.(\d+)/.exec(v?.version ?? '');
    if (!m) throw new Error(`unexpected /version answer: ${JSON.stringify(v).slice(0, 120)}`);
    return { release: v.version!, major: Number(m[1]), minor: Number(m[2]) };
  }

  async storageContent(storage: string, content: string): Promise<string[]> {
    const rows = await this.call<Array<{ volid?: string }>>('GET', `/nodes/${seg(this.node)}/storage/${seg(storage)}/content`, { content });
    return (rows ?? []).map((r) => r.volid).filter((v): v is string => typeof v === 'string');
  }

  async storages(): Promise<StorageStatus[]> {
    return parseStorageRows(await this.call<Array<Record<string, unknown>>>('GET', `/nodes/${seg(this.node)}/storage`, {}));
  }

  async bridges(): Promise<string[]> {
    const rows = await this.call<Array<{ iface?: unknown }>>('GET', `/nodes/${seg(this.node)}/network`, { type: 'any_bridge' });
    return (rows ?? []).map((r) => r.iface).filter((v): v is string => typeof v === 'string');
  }

  async nodeMemory(): Promise<NodeMemory> {
    const st = await this.call<{ memory?: Partial<NodeMemory> }>('GET', `/nodes/${seg(this.node)}/status`, {});
    const m = st?.memory ?? {};
    return { total: Number(m.total ?? 0), used: Number(m.used ?? 0), free: Number(m.free ?? 0) };
  }

  // ---- mutations ------------------------------------------------------------------------

  create(type: GuestType, vmid: number, params: PveParams, ostemplate?: string): Promise<void> {
    if (type === 'lxc' && !ostemplate) throw new TypeError('creating a container needs an ostemplate');
    const p: ApiParams = { vmid: vmidOk(vmid), ...(type === 'lxc' ? { ostemplate } : {}), ...params };
    this.kinds.set(vmid, type);
    return this.task('POST', `/nodes/${seg(this.node)}/${kindPath(type)}`, p);
  }
  clone(type: GuestType, source: number, vmid: number, params: PveParams): Promise<void> {
    this.kinds.set(vmid, type);
    return this.task('POST', this.guestPath(type, source, '/clone'), { newid: vmidOk(vmid), ...params });
  }
  downloadUrl(r: DownloadRequest): Promise<void> {
    return this.task('POST', `/nodes/${seg(this.node)}/storage/${seg(r.storage)}/download-url`, {
      url: r.url,
      filename: r.filename,
      content: r.content,
      ...(r.checksum ? { checksum: r.checksum.value, 'checksum-algorithm': r.checksum.algorithm } : {}),
    });
  }
  /**
   * A container's PUT config is synchronous; a VM's config goes by POST, which runs as a task (a new
   * disk's allocation can outlast one request's timeout). Nothing to send: no call.
   */
  async set(type: GuestType, vmid: number, params: PveParams, del: string[] = []): Promise<void> {
    if (Object.keys(params).length === 0 && del.length === 0) return;
    await this.task(type === 'qemu' ? 'POST' : 'PUT', this.guestPath(type, vmid, '/config'), { ...params, ...(del.length ? { delete: del.join(',') } : {}) });
  }
  resize(type: GuestType, vmid: number, disk: string, size: string): Promise<void> {
    return this.task('PUT', this.guestPath(type, vmid, '/resize'), { disk, size });
  }
  start(type: GuestType, vmid: number): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, '/status/start'), undefined, isAlreadyRunning);
  }
  stop(type: GuestType, vmid: number): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, '/status/stop'), undefined, isNotRunning);
  }
  shutdown(type: GuestType, vmid: number, timeoutSec?: number): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, '/status/shutdown'), timeoutSec === undefined ? undefined : { timeout: Math.max(0, Math.round(timeoutSec)) }, isNotRunning);
  }
  reboot(type: GuestType, vmid: number): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, '/status/reboot'));
  }
  destroy(type: GuestType, vmid: number, opts: { purge?: boolean; unreferenced?: boolean } = {}): Promise<void> {
    const p: ApiParams = {};
    if (opts.purge !== false) p.purge = true;
    if (type === 'qemu' || opts.unreferenced) p['destroy-unreferenced-disks'] = true;
    return this.task('DELETE', this.guestPath(type, vmid), p);
  }
  template(type: GuestType, vmid: number): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, '/template'));
  }
  /**
   * `pct/qm unlock` call remove_lock directly; no API call can: a container's PUT config always
   * checks the lock (pve-container src/PVE/API2/LXC/Config.pm:update_vm). So on the node.
   */
  unlock(type: GuestType, vmid: number): Promise<void> {
    return this.needNode('removing a stale lock (pct/qm unlock)').unlock(type, vmid);
  }
  snapshot(type: GuestType, vmid: number, name: string, description?: string): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, '/snapshot'), { snapname: name, ...(description === undefined ? {} : { description }) });
  }
  delsnapshot(type: GuestType, vmid: number, name: string): Promise<void> {
    return this.task('DELETE', this.guestPath(type, vmid, `/snapshot/${seg(name)}`));
  }
  rollback(type: GuestType, vmid: number, name: string): Promise<void> {
    return this.task('POST', this.guestPath(type, vmid, `/snapshot/${seg(name)}/rollback`));
  }
  /** `qm disk import` has no API call (the API imports through `import-from`): on the node. */
  importDisk(vmid: number, source: string, storage: string, opts?: { format?: string }): Promise<void> {
    return this.needNode('qm disk import').importDisk(vmid, source, storage, opts);
  }
  cloudinitUpdate(vmid: number): Promise<void> {
    return this.task('PUT', this.guestPath('qemu', vmid, '/cloudinit'));
  }

  async push(type: GuestType, vmid: number, localFile: string, guestPath: string, opts: PushOptions = {}): Promise<void> {
    if (type === 'lxc') {
      const cli = this.needNode('copying a file into a container');
      const staged = await this.o.nodeAccess!.stage(localFile);
      try {
        return await cli.push('lxc', vmid, staged.path, guestPath, opts);
      } finally {
        await staged.done();
      }
    }
    const content = Buffer.from(await (this.o.readLocalFile ?? readFile)(localFile));
    await this.fileWrite(vmid, content, guestPath, opts);
  }

  /**
   * agent/file-write in chunks under its limit: a file that fits goes in one write; a larger one
   * as numbered parts joined in the guest. Mode and owner are set by a command afterwards
   * (file-write has neither); path, mode and owner travel as arguments, never inside the script.
   */
  private async fileWrite(vmid: number, content: Buffer, guestPath: string, opts: PushOptions): Promise<void> {
    const path = this.guestPath('qemu', vmid, '/agent/file-write');
    const write = (file: string, bytes: Buffer) => this.call('POST', path, { file, content: bytes.toString('base64'), encode: false });
    const parts: string[] = [];
    if (content.byteLength <= FILE_WRITE_CHUNK) await write(guestPath, content);
    else {
      for (let i = 0, off = 0; off < content.byteLength; i++, off += FILE_WRITE_CHUNK) {
        const part = `${guestPath}.phoenix-part-${i}`;
        await write(part, content.subarray(off, off + FILE_WRITE_CHUNK));
        parts.push(part);
      }
    }
    const perms = opts.perms ?? '0644';
    const owner = opts.user === undefined && opts.group === undefined ? '' : `${opts.user ?? ''}${opts.group === undefined ? '' : `:${opts.group}`}`;
    const script = ['f="$1"; m="$2"; o="$3"; shift 3', 'if [ "$#" -gt 0 ]; then cat "$@" > "$f" && rm -f "$@" || exit 1; fi', 'chmod "$m" "$f" || exit 1', 'if [ -n "$o" ]; then chown "$o" "$f" || exit 1; fi'].join('\n');
    const r = await this.agentExec(vmid, ['/bin/sh', '-c', script, 'sh', guestPath, perms, owner, ...parts]);
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}`;
      throw new Error(`cannot write ${guestPath} in VM ${vmid}: ${why}`);
    }
  }

  setRawLxc(vmid: number, entries: Array<[string, string]>): Promise<void> {
    return this.needNode("a container's raw lxc.* lines").setRawLxc(vmid, entries);
  }

  /**
   * The firewall's options and rules made equal to `content` (the file's text; null: none) through
   * the API: the options in one PUT (those not wanted deleted), and, when the rules differ, every
   * old rule deleted (last first) and the wanted ones added (last first: a new rule goes on top),
   * each with `enable` sent (the API's default is 0).
   */
  async writeFirewall(vmid: number, content: string | null): Promise<void> {
    const type = await this.kindOf(vmid);
    if (type === null) throw new PveCommandError({ argv: ['api', 'PUT', `firewall of ${vmid}`], exitCode: 2, stdout: '', stderr: '', durationMs: 0, timedOut: false, isCanceled: false }, `no guest ${vmid} on node ${this.node} to set a firewall on`);
    let want: { options: Record<string, string>; rules: ApiRule[] };
    try {
      want = content === null ? { options: {}, rules: [] } : parseFirewallText(content);
    } catch (e) {
      throw new TypeError(`guest ${vmid}'s firewall: ${(e as Error).message}`);
    }
    const base = this.guestPath(type, vmid, '/firewall');
    const [opts, rules] = await Promise.all([this.call<Record<string, unknown>>('GET', `${base}/options`), this.call<Array<Record<string, unknown>>>('GET', `${base}/rules`)]);
    const have: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts ?? {})) if (k !== 'digest' && v !== null && v !== undefined) have[k] = asString(v);
    const del = Object.keys(have).filter((k) => !(k in want.options));
    const changed = Object.entries(want.options).filter(([k, v]) => have[k] !== v);
    if (del.length || changed.length) {
      const p: ApiParams = {};
      for (const [k, v] of changed) p[k] = k === 'enable' ? v === '1' : v;
      if (del.length) p.delete = del.join(',');
      await this.call('PUT', `${base}/options`, p);
    }
    const haveRules = [...(rules ?? [])].sort((a, b) => Number(a.pos) - Number(b.pos)).map(ruleFromApi);
    if (haveRules.map(formatRule).join('\n') === want.rules.map(formatRule).join('\n')) return;
    for (let pos = haveRules.length - 1; pos >= 0; pos--) await this.call('DELETE', `${base}/rules/${pos}`);
    for (const r of [...want.rules].reverse()) {
      const p: ApiParams = { type: r.type, action: r.action, enable: r.enable === 1 };
      for (const k of ['macro', 'iface', 'source', 'dest', 'proto', 'dport', 'sport', 'log', 'icmp-type', 'comment'] as const) if (r[k] !== undefined) p[k] = r[k];
      await this.call('POST', `${base}/rules`, p);
    }
  }
}
