// ProxmoxDriver over the pct/qm command line: each method is one argv (argv.ts) sent through an
// Exec (local spawn, the simulator in-process, SSH to the node), its output read by parse/*. Things
// the CLI cannot do (raw lxc.* lines, the firewall file) go through HostFiles; files pct reads (a
// pushed file, SSH public keys) through Staging — all three reach the node the Exec runs on.
//
// Failures throw PveCommandError; callers classify them with the predicates in ../errors.ts
// (the engine retries on isTransient). The driver itself never retries: a pct/qm task runs to
// its end before the command returns, so a retry would re-send the whole task.

import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ProxmoxDriver } from '../driver.js';
import { isAlreadyRunning, isMissing, isNotRunning, PveCommandError, taskWarnings, type TaskWarnings } from '../errors.js';
import { localStaging } from '../exec/staging.js';
import type { Exec, ExecRequest, ExecResult, Staging } from '../exec/types.js';
import { firewallPath, guestConfDir, type HostFileOp, type HostFiles } from '../hostfiles/types.js';
import { configView, parseGuestFile, pendingView, snapshotsView } from '../codecs/guest-file.js';
import type { DownloadRequest, ExecInGuestOptions, ExecOutcome, GuestAddress, GuestConfig, GuestListEntry, GuestStatus, GuestType, HostInventory, InventoryGuest, PendingChange, PushOptions, PveParams, PveVersion, SnapshotInfo, NodeMemory, StorageStatus } from '../types.js';
import { argv, qemuWriteFileCommand, withEnv } from './argv.js';

/** pvesh prints JSON booleans as 0/1 (or true/false). */
import { abortableSleep, DEFAULT_POLL, type PollPolicy, qemuGuestExec, type QemuExecRequest, type Sleep } from './guest-exec.js';
import { withKeyFiles } from './key-files.js';
import { setRawLxcInFile } from './raw-lxc.js';
import { parseConfig, parsePending } from './parse/config.js';
import { parsePctList, parseQmList } from './parse/list.js';
import { parseResources, type ResourceRow } from './parse/resources.js';
import { parseSnapshotList } from './parse/snapshots.js';
import { parseStatus } from './parse/status.js';
import { parsePveversion } from './parse/version.js';
import { parseInterfaces } from './parse/interfaces.js';
import { parseStorageRows } from './parse/storages.js';

export interface PveCliDriverOptions {
  /** Node name; defaults to this machine's short hostname (what PVE calls the local node). */
  node?: string;
  hostFiles: HostFiles;
  /** How a local file or key text gets onto the node for pct/qm (default: this machine's files). */
  staging?: Staging;
  /** Every pct/qm call, once it ended (argv, exit code, output, duration). */
  onCall?: (r: ExecResult) => void;
  /** A task that succeeded with warnings (exit 0, `Task finished with N warning(s)!`). */
  onWarnings?: (w: { argv: string[]; warnings: TaskWarnings }) => void;
  /** Every read/write/remove under /etc/pve. */
  onHostFile?: (op: HostFileOp) => void;
  /** Guest-agent exec polling; tests pass a fake sleep and clock. */
  poll?: PollPolicy;
  sleep?: Sleep;
  now?: () => number;
  /** Reads the local file for a VM push (default: fs). */
  readLocalFile?: (path: string) => Promise<Uint8Array>;
}

/** The guest agent takes at most 1 MiB on stdin (qm: "'input-data' (STDIN) is limited to 1 MiB"). */
export const QEMU_PUSH_LIMIT = 1024 * 1024;

export class PveCliDriver implements ProxmoxDriver {
  readonly node: string;

  constructor(
    private readonly transport: Exec,
    private readonly opts: PveCliDriverOptions,
  ) {
    this.node = opts.node ?? hostname().split('.')[0];
  }

  // ---- plumbing -------------------------------------------------------------------------

  private async run(req: ExecRequest): Promise<ExecResult> {
    const r = await this.transport(req);
    this.opts.onCall?.(r);
    return r;
  }

  /** A read: the output, or null when the guest does not exist; other failures throw. */
  private async read(a: string[]): Promise<string | null> {
    const r = await this.run({ argv: a });
    if (r.exitCode === 0) return r.stdout;
    if (isMissing(r)) return null;
    throw new PveCommandError(r);
  }

  /** A mutating task: success (warnings surfaced), or PveCommandError unless `tolerate` says it is fine. */
  private async task(a: string[], tolerate?: (r: ExecResult) => boolean): Promise<void> {
    const r = await this.run({ argv: a });
    if (r.exitCode !== 0 || r.timedOut || r.isCanceled) {
      if (!r.timedOut && !r.isCanceled && tolerate?.(r)) return;
      throw new PveCommandError(r);
    }
    const w = taskWarnings(r.stderr, r.stdout);
    if (w) this.opts.onWarnings?.({ argv: r.argv, warnings: w });
  }

  private qemuExec(req: QemuExecRequest): Promise<ExecOutcome> {
    const deps = { run: (r: ExecRequest) => this.run(r), sleep: this.opts.sleep ?? abortableSleep, poll: this.opts.poll ?? DEFAULT_POLL, now: this.opts.now ?? Date.now };
    return qemuGuestExec(deps, req);
  }

  private async file<T>(op: HostFileOp['op'], path: string, f: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await f();
    } finally {
      this.opts.onHostFile?.({ op, path, durationMs: performance.now() - t });
    }
  }

  // ---- reads ----------------------------------------------------------------------------

  async list(): Promise<GuestListEntry[]> {
    const [ct, vm] = await Promise.all([this.run({ argv: argv.list('lxc') }), this.run({ argv: argv.list('qemu') })]);
    for (const r of [ct, vm]) if (r.exitCode !== 0) throw new PveCommandError(r);
    return [...parsePctList(ct.stdout), ...parseQmList(vm.stdout)].sort((a, b) => a.vmid - b.vmid);
  }

  async status(type: GuestType, vmid: number): Promise<GuestStatus | null> {
    const out = await this.read(argv.status(type, vmid));
    return out === null ? null : parseStatus(type, vmid, out);
  }

  async config(type: GuestType, vmid: number): Promise<GuestConfig | null> {
    const out = await this.read(argv.config(type, vmid));
    return out === null ? null : parseConfig(out);
  }

  /** A guest that does not exist has no pending changes. */
  async pending(type: GuestType, vmid: number): Promise<PendingChange[]> {
    const out = await this.read(argv.pending(type, vmid));
    return out === null ? [] : parsePending(out);
  }

  /** A guest that does not exist has no snapshots. */
  async listSnapshots(type: GuestType, vmid: number): Promise<SnapshotInfo[]> {
    const out = await this.read(argv.listSnapshots(type, vmid));
    return out === null ? [] : parseSnapshotList(out);
  }

  /**
   * Every guest of the cluster from its config file (two directory reads per node: this node's,
   * and each other node /cluster/resources names; pmxcfs shows every node's files on each) and its
   * status from one `pvesh get /cluster/resources`. A guest the status broadcast does not know yet
   * ('unknown', or no row: created a moment ago) gets its own `status` call (on this node; for a
   * guest of another node, `unknown`). null when this node's config directories cannot be read or
   * pvesh fails: the caller then reads guest by guest.
   */
  async inventory(): Promise<HostInventory | null> {
    const hf = this.opts.hostFiles;
    let requests = 1;
    const readDir = (node: string, type: GuestType) => {
      const dir = guestConfDir(node, type);
      requests += 1;
      return this.file('readDir', `${dir}/*.conf`, () => hf.readDir(dir, '.conf'));
    };
    const readNode = (node: string) => Promise.all([readDir(node, 'lxc'), readDir(node, 'qemu')]);
    const [[ct, vm], res] = await Promise.all([readNode(this.node), this.run({ argv: argv.clusterResources() })]);
    if (ct === null || vm === null || res.exitCode !== 0) return null;
    let rows: ResourceRow[];
    try {
      rows = parseResources(res.stdout);
    } catch {
      return null;
    }
    const statusOf = new Map(rows.map((r) => [`${r.node}/${r.type}/${r.vmid}`, r]));
    const others = [...new Set(rows.map((r) => r.node).filter((n) => n !== this.node))].sort();
    const files = new Map<string, Map<string, string> | null>([
      [`${this.node}/lxc`, ct],
      [`${this.node}/qemu`, vm],
    ]);
    await Promise.all(
      others.map(async (n) => {
        const [c, q] = await readNode(n);
        files.set(`${n}/lxc`, c);
        files.set(`${n}/qemu`, q);
      }),
    );
    const guests: InventoryGuest[] = [];
    const late: Array<Promise<void>> = [];
    const gone = new Set<InventoryGuest>();
    for (const node of [this.node, ...others]) {
      for (const type of ['lxc', 'qemu'] as const) {
        for (const [name, text] of files.get(`${node}/${type}`) ?? []) {
          const m = /^(\d+)\.conf$/.exec(name);
          if (!m) continue;
          const vmid = Number(m[1]);
          const file = parseGuestFile(type, text);
          const cur = file.current.options;
          const g: InventoryGuest = {
            type,
            vmid,
            node,
            // PVE: pve-container src/PVE/LXC.pm:vmstatus; qemu-server src/PVE/QemuServer.pm:vmstatus (template, lock from the config)
            status: { vmid, type, status: 'unknown', template: !!cur.template && cur.template !== '0' },
            config: configView(type, file),
            pending: pendingView(file),
            snapshots: snapshotsView(file),
          };
          if (cur.lock) g.status.lock = cur.lock;
          const row = statusOf.get(`${node}/${type}/${vmid}`);
          if (row && row.status !== 'unknown') g.status.status = row.status;
          else if (node === this.node) {
            requests += 1;
            late.push(
              this.status(type, vmid).then((s) => {
                if (s) g.status = s;
                else gone.add(g); // destroyed while we read
              }),
            );
          }
          guests.push(g);
        }
      }
    }
    await Promise.all(late);
    return { node: this.node, guests: guests.filter((g) => !gone.has(g)).sort((a, b) => a.vmid - b.vmid), requests };
  }

  readFirewall(vmid: number): Promise<string | null> {
    const p = firewallPath(vmid);
    return this.file('read', p, () => this.opts.hostFiles.read(p));
  }

  /**
   * The guest command's own exit code is data (a failing health check), returned, not thrown.
   * Thrown: the guest is missing or not running, the agent does not answer, timeout, cancel.
   */
  async exec(type: GuestType, vmid: number, command: string[], o: ExecInGuestOptions = {}): Promise<ExecOutcome> {
    if (command.length === 0) throw new TypeError('exec: empty command');
    const cmd = withEnv(command, o.env);
    if (type === 'qemu') return this.qemuExec({ vmid, command: cmd, input: o.input, timeoutMs: o.timeoutMs, signal: o.signal, short: o.short });
    const r = await this.run({ argv: argv.lxcExec(vmid, cmd), input: o.input, timeoutMs: o.timeoutMs, signal: o.signal });
    if (r.timedOut || r.isCanceled) throw new PveCommandError(r);
    // pct's own refusals exit 255 with its message; anything else is the command's result.
    if (r.exitCode === 255 && (isMissing(r) || isNotRunning(r))) throw new PveCommandError(r);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  /** false when the agent does not answer (not running, not configured, VM stopped). */
  async hostVersion(): Promise<PveVersion> {
    const r = await this.run({ argv: argv.pveversion() });
    if (r.exitCode !== 0) throw new PveCommandError(r);
    return parsePveversion(r.stdout);
  }

  async storageContent(storage: string, content: string): Promise<string[]> {
    const r = await this.run({ argv: argv.storageContent(this.node, storage, content) });
    if (r.exitCode !== 0) throw new PveCommandError(r);
    const rows = JSON.parse(r.stdout || '[]') as Array<{ volid?: string }>;
    return rows.map((x) => x.volid).filter((v): v is string => typeof v === 'string');
  }

  async storages(): Promise<StorageStatus[]> {
    return parseStorageRows(await this.json<Array<Record<string, unknown>>>(argv.storageStatus(this.node)));
  }

  async bridges(): Promise<string[]> {
    const rows = await this.json<Array<{ iface?: unknown }>>(argv.bridges(this.node));
    return rows.map((x) => x.iface).filter((v): v is string => typeof v === 'string');
  }

  async nodeMemory(): Promise<NodeMemory> {
    const st = await this.json<{ memory?: Partial<NodeMemory> }>(argv.nodeStatus(this.node));
    const m = st.memory ?? {};
    return { total: Number(m.total ?? 0), used: Number(m.used ?? 0), free: Number(m.free ?? 0) };
  }

  private async json<T>(a: string[]): Promise<T> {
    const r = await this.run({ argv: a });
    if (r.exitCode !== 0) throw new PveCommandError(r);
    return JSON.parse(r.stdout || 'null') as T;
  }

  async agentPing(vmid: number): Promise<boolean> {
    const r = await this.run({ argv: argv.agentPing(vmid) });
    if (r.exitCode === 0) return true;
    if (isMissing(r)) throw new PveCommandError(r);
    return false;
  }

  async addresses(type: GuestType, vmid: number): Promise<GuestAddress[] | null> {
    if (type === 'lxc') return parseInterfaces(await this.json<unknown>(argv.lxcInterfaces(this.node, vmid)));
    const r = await this.run({ argv: argv.agentInterfaces(vmid) });
    if (r.exitCode === 0) return parseInterfaces(JSON.parse(r.stdout || 'null'));
    if (isMissing(r)) throw new PveCommandError(r);
    return null; // not running, or no agent answering
  }

  // ---- mutations ------------------------------------------------------------------------

  create(type: GuestType, vmid: number, params: PveParams, ostemplate?: string): Promise<void> {
    return withKeyFiles(type, params, (p) => this.task(argv.create(type, vmid, p, ostemplate)), this.opts.staging);
  }
  clone(type: GuestType, source: number, vmid: number, params: PveParams): Promise<void> {
    return this.task(argv.clone(type, source, vmid, params));
  }
  downloadUrl(req: DownloadRequest): Promise<void> {
    return this.task(argv.downloadUrl(this.node, req));
  }
  /** Nothing to set and nothing to delete: no call at all. */
  async set(type: GuestType, vmid: number, params: PveParams, del?: string[]): Promise<void> {
    await withKeyFiles(
      type,
      params,
      async (p) => {
        const a = argv.set(type, vmid, p, del);
        if (a) await this.task(a);
      },
      this.opts.staging,
    );
  }
  resize(type: GuestType, vmid: number, disk: string, size: string): Promise<void> {
    return this.task(argv.resize(type, vmid, disk, size));
  }
  /** Already running is the state we asked for (a retried start, or a race): success. */
  start(type: GuestType, vmid: number): Promise<void> {
    return this.task(argv.start(type, vmid), isAlreadyRunning);
  }
  /** Already stopped is success. */
  stop(type: GuestType, vmid: number): Promise<void> {
    return this.task(argv.stop(type, vmid), isNotRunning);
  }
  shutdown(type: GuestType, vmid: number, timeoutSec?: number): Promise<void> {
    return this.task(argv.shutdown(type, vmid, timeoutSec), isNotRunning);
  }
  reboot(type: GuestType, vmid: number): Promise<void> {
    return this.task(argv.reboot(type, vmid));
  }
  destroy(type: GuestType, vmid: number, opts?: { purge?: boolean; unreferenced?: boolean }): Promise<void> {
    return this.task(argv.destroy(type, vmid, opts));
  }
  template(type: GuestType, vmid: number): Promise<void> {
    return this.task(argv.template(type, vmid));
  }

  unlock(type: GuestType, vmid: number): Promise<void> {
    return this.task(argv.unlock(type, vmid));
  }
  snapshot(type: GuestType, vmid: number, name: string, description?: string): Promise<void> {
    return this.task(argv.snapshot(type, vmid, name, description));
  }
  delsnapshot(type: GuestType, vmid: number, name: string): Promise<void> {
    return this.task(argv.delsnapshot(type, vmid, name));
  }
  rollback(type: GuestType, vmid: number, name: string): Promise<void> {
    return this.task(argv.rollback(type, vmid, name));
  }
  importDisk(vmid: number, source: string, storage: string, opts?: { format?: string }): Promise<void> {
    return this.task(argv.importDisk(vmid, source, storage, opts));
  }
  cloudinitUpdate(vmid: number): Promise<void> {
    return this.task(argv.cloudinitUpdate(vmid));
  }

  async push(type: GuestType, vmid: number, localFile: string, guestPath: string, opts?: PushOptions): Promise<void> {
    if (type === 'lxc') {
      const staged = await (this.opts.staging ?? localStaging).file(localFile);
      try {
        return await this.task(argv.lxcPush(vmid, staged.path, guestPath, opts));
      } finally {
        await staged.done();
      }
    }
    const content = await (this.opts.readLocalFile ?? readFile)(localFile);
    if (content.byteLength > QEMU_PUSH_LIMIT) {
      throw new Error(`cannot push ${localFile} to VM ${vmid}: ${content.byteLength} bytes, the guest agent takes at most 1 MiB`);
    }
    const r = await this.qemuExec({ vmid, command: qemuWriteFileCommand(guestPath, opts), input: content });
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}`;
      throw new Error(`cannot write ${guestPath} in VM ${vmid}: ${why}`);
    }
  }

  setRawLxc(vmid: number, entries: Array<[string, string]>): Promise<void> {
    return setRawLxcInFile(this.opts.hostFiles, vmid, entries, (op, p, f) => this.file(op, p, f));
  }

  async writeFirewall(vmid: number, content: string | null): Promise<void> {
    const p = firewallPath(vmid);
    const hf = this.opts.hostFiles;
    const current = await this.file('read', p, () => hf.read(p));
    if (current === content) return; // already as asked: no write
    if (content === null) await this.file('remove', p, () => hf.remove(p));
    else await this.file('write', p, () => hf.write(p, content));
  }
}
