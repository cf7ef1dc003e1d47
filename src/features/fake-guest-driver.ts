// A test double for the features runner and health probes: one in-memory guest filesystem behind
// the ProxmoxDriver interface. It records every exec and push, understands the few commands the
// runner sends (cat, mkdir, rm -rf) and hands the script run to a callback that sees the pushed
// files, so tests can assert what the guest received and when. Any other mutating call throws.

import { readFileSync } from 'node:fs';
import type { ProxmoxDriver } from '../proxmox/driver.js';
import type { ExecInGuestOptions, ExecOutcome, GuestType, PushOptions } from '../proxmox/types.js';

export interface GuestFile {
  content: string;
  perms: string;
}

export type Call = { op: 'exec'; type: GuestType; vmid: number; argv: string[]; opts?: ExecInGuestOptions } | { op: 'push'; type: GuestType; vmid: number; guestPath: string; perms?: string; content: string };

/** Runs "the script": gets argv and the guest files, returns its outcome. */
export type ScriptHandler = (argv: string[], files: Map<string, GuestFile>) => ExecOutcome | Promise<ExecOutcome>;

export class FakeGuestDriver {
  readonly node = 'pve';
  readonly files = new Map<string, GuestFile>();
  readonly dirs = new Set<string>();
  readonly calls: Call[] = [];

  constructor(public onScript: ScriptHandler = () => ({ exitCode: 0, stdout: '', stderr: '' })) {}

  /** The driver as the runner sees it. */
  asDriver(): ProxmoxDriver {
    const refuse = (op: string) => async () => {
      throw new Error(`FakeGuestDriver: unexpected ${op}`);
    };
    const d: Partial<ProxmoxDriver> = {
      node: this.node,
      exec: (type, vmid, argv, opts) => this.exec(type, vmid, argv, opts),
      push: (type, vmid, localFile, guestPath, opts) => this.push(type, vmid, localFile, guestPath, opts),
    };
    for (const op of [
      'list',
      'status',
      'config',
      'pending',
      'listSnapshots',
      'inventory',
      'readFirewall',
      'agentPing',
      'addresses',
      'hostVersion',
      'storageContent',
      'storages',
      'bridges',
      'nodeMemory',
      'create',
      'clone',
      'set',
      'resize',
      'start',
      'stop',
      'shutdown',
      'reboot',
      'destroy',
      'template',
      'snapshot',
      'delsnapshot',
      'rollback',
      'importDisk',
      'cloudinitUpdate',
      'setRawLxc',
      'writeFirewall',
      'downloadUrl',
    ] as const) {
      (d as Record<string, unknown>)[op] = refuse(op);
    }
    return d as ProxmoxDriver;
  }

  execs(): string[][] {
    return this.calls.filter((c) => c.op === 'exec').map((c) => (c as { argv: string[] }).argv);
  }

  pushes(): Array<Extract<Call, { op: 'push' }>> {
    return this.calls.filter((c): c is Extract<Call, { op: 'push' }> => c.op === 'push');
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  private async exec(type: GuestType, vmid: number, argv: string[], opts?: ExecInGuestOptions): Promise<ExecOutcome> {
    this.calls.push({ op: 'exec', type, vmid, argv: [...argv], opts });
    const [cmd, ...args] = argv;
    if (cmd === 'cat' && args.length === 1) {
      const f = this.files.get(args[0]!);
      return f ? { exitCode: 0, stdout: f.content, stderr: '' } : { exitCode: 1, stdout: '', stderr: `cat: ${args[0]}: No such file or directory\n` };
    }
    if (cmd === 'mkdir') {
      for (const a of args) if (a.startsWith('/')) this.dirs.add(a);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    if (cmd === 'rm' && args[0] === '-rf') {
      for (const p of args.slice(1)) {
        this.dirs.delete(p);
        for (const k of [...this.files.keys()]) if (k === p || k.startsWith(`${p}/`)) this.files.delete(k);
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    return this.onScript(argv, this.files);
  }

  private async push(type: GuestType, vmid: number, localFile: string, guestPath: string, opts?: PushOptions): Promise<void> {
    const content = readFileSync(localFile, 'utf8');
    this.calls.push({ op: 'push', type, vmid, guestPath, perms: opts?.perms, content });
    const parent = guestPath.slice(0, guestPath.lastIndexOf('/'));
    if (!this.dirs.has(parent)) throw new Error(`FakeGuestDriver: push to ${guestPath}: no directory ${parent}`);
    this.files.set(guestPath, { content, perms: opts?.perms ?? '0644' });
  }
}
