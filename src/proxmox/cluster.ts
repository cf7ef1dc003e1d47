// A Proxmox cluster behind the one ProxmoxDriver interface. Each node has its own driver (the
// pct/qm CLI on that node — the simulator's node, or SSH to it — or the API's /nodes/{node}/…);
// the cluster driver sends each per-guest call to the node the guest is on, so the managers stay
// node-agnostic. Where a guest is comes from one table (`where`): filled by the inventory (one
// /cluster/resources read: a guest HA or a migration moved is found on its new node) and by the
// run's placement for guests it creates. Node-wide calls (storages, bridges, memory, downloads,
// the host version) go to the home node; placement reads other nodes through `on(node)`.

import { MUTATING, type ProxmoxDriver } from './driver.js';
import type { GuestType, HostInventory, PveParams } from './types.js';

export interface NodeDrivers {
  /** The node node-wide calls go to, and guests nothing places go to. */
  readonly home: string;
  /** The cluster's nodes known before any read (the config's, the simulator's). */
  readonly nodes: readonly string[];
  /** The driver of one node (throws for a node it cannot reach, saying why). */
  on(node: string): ProxmoxDriver;
}

export class ClusterDriver implements ProxmoxDriver {
  /** Guest id → the node it is on (observed) or goes to (placed by this run). */
  readonly where = new Map<number, string>();

  constructor(readonly cluster: NodeDrivers) {
    // Every change forgets the inventory read before it (see inventory()).
    for (const m of MUTATING) {
      const call = (this[m] as (...a: unknown[]) => Promise<unknown>).bind(this);
      (this as Record<string, unknown>)[m] = (...a: unknown[]) => {
        this.inventoryRead = undefined;
        return call(...a);
      };
    }
  }

  get node(): string {
    return this.cluster.home;
  }

  /** The node a guest's calls go to. */
  nodeOf(vmid: number): string {
    return this.where.get(vmid) ?? this.cluster.home;
  }

  private located?: Promise<unknown>;
  /**
   * The driver of a guest's node. On a cluster of several nodes, a guest not in the table yet
   * (a verb that did not read the inventory: status, start, delete) is looked for once, with one
   * inventory read for the whole run.
   */
  private async at(vmid: number): Promise<ProxmoxDriver> {
    if (!this.where.has(vmid) && this.cluster.nodes.length > 1) {
      this.located ??= this.inventory().catch(() => null);
      await this.located;
    }
    return this.cluster.on(this.nodeOf(vmid));
  }

  private get home(): ProxmoxDriver {
    return this.cluster.on(this.cluster.home);
  }

  // ---- reads ----
  async list() {
    const nodes = [...new Set([this.cluster.home, ...this.cluster.nodes, ...this.where.values()])];
    const all = await Promise.all(nodes.map((n) => this.cluster.on(n).list()));
    return all.flat().sort((a, b) => a.vmid - b.vmid);
  }
  status = async (type: GuestType, vmid: number) => (await this.at(vmid)).status(type, vmid);
  config = async (type: GuestType, vmid: number) => (await this.at(vmid)).config(type, vmid);
  listSnapshots = async (type: GuestType, vmid: number) => (await this.at(vmid)).listSnapshots(type, vmid);
  pending = async (type: GuestType, vmid: number) => (await this.at(vmid)).pending(type, vmid);
  private inventoryRead?: Promise<HostInventory | null>;
  /** The host may have changed (another run worked on it): the next inventory() reads again. */
  forgetInventory(): void {
    this.inventoryRead = undefined;
  }
  /**
   * The whole cluster from the home node (one /cluster/resources read); each guest's node recorded.
   * Read once until the run changes something: preflight, placement, observation and the orphan
   * list of one plan all look at the same moment, so they share one read. A read that failed is
   * not kept.
   */
  inventory(): Promise<HostInventory | null> {
    const read = (this.inventoryRead ??= this.home.inventory().then((inv) => {
      for (const g of inv?.guests ?? []) this.where.set(g.vmid, g.node);
      return inv;
    }));
    read.catch(() => {
      if (this.inventoryRead === read) this.inventoryRead = undefined;
    });
    return read;
  }
  readFirewall = async (vmid: number) => (await this.at(vmid)).readFirewall(vmid);
  exec: ProxmoxDriver['exec'] = async (type, vmid, argv, opts) => (await this.at(vmid)).exec(type, vmid, argv, opts);
  agentPing = async (vmid: number) => (await this.at(vmid)).agentPing(vmid);
  addresses = async (type: GuestType, vmid: number) => (await this.at(vmid)).addresses(type, vmid);
  hostVersion = () => this.home.hostVersion();
  storageContent = (storage: string, content: string, node?: string) => this.cluster.on(node ?? this.cluster.home).storageContent(storage, content);
  storages = () => this.home.storages();
  bridges = () => this.home.bridges();
  nodeMemory = () => this.home.nodeMemory();

  // ---- mutations ----
  create: ProxmoxDriver['create'] = async (type, vmid, params, ostemplate) => (await this.at(vmid)).create(type, vmid, params, ostemplate);
  /**
   * A clone runs on its source's node; a clone placed on another node gets `target` (Proxmox then
   * moves its config there at the end, and refuses when the source's storage is not shared).
   */
  clone: ProxmoxDriver['clone'] = async (type, source, vmid, params) => {
    const on = await this.at(source);
    const from = this.nodeOf(source);
    const to = this.nodeOf(vmid);
    const p: PveParams = to !== from && params.target === undefined ? { ...params, target: to } : params;
    await on.clone(type, source, vmid, p);
    this.where.set(vmid, to);
  };
  set: ProxmoxDriver['set'] = async (type, vmid, params, del) => (await this.at(vmid)).set(type, vmid, params, del);
  resize: ProxmoxDriver['resize'] = async (type, vmid, disk, size) => (await this.at(vmid)).resize(type, vmid, disk, size);
  start: ProxmoxDriver['start'] = async (type, vmid) => (await this.at(vmid)).start(type, vmid);
  stop: ProxmoxDriver['stop'] = async (type, vmid) => (await this.at(vmid)).stop(type, vmid);
  shutdown: ProxmoxDriver['shutdown'] = async (type, vmid, t) => (await this.at(vmid)).shutdown(type, vmid, t);
  reboot: ProxmoxDriver['reboot'] = async (type, vmid) => (await this.at(vmid)).reboot(type, vmid);
  destroy: ProxmoxDriver['destroy'] = async (type, vmid, opts) => (await this.at(vmid)).destroy(type, vmid, opts);
  template: ProxmoxDriver['template'] = async (type, vmid) => (await this.at(vmid)).template(type, vmid);
  snapshot: ProxmoxDriver['snapshot'] = async (type, vmid, name, d) => (await this.at(vmid)).snapshot(type, vmid, name, d);
  delsnapshot: ProxmoxDriver['delsnapshot'] = async (type, vmid, name) => (await this.at(vmid)).delsnapshot(type, vmid, name);
  rollback: ProxmoxDriver['rollback'] = async (type, vmid, name) => (await this.at(vmid)).rollback(type, vmid, name);
  /** Into the storage of the node the request names (the VM's), else the home node's. */
  downloadUrl: ProxmoxDriver['downloadUrl'] = (req) => this.cluster.on(req.node ?? this.cluster.home).downloadUrl(req);
  importDisk: ProxmoxDriver['importDisk'] = async (vmid, source, storage, opts) => (await this.at(vmid)).importDisk(vmid, source, storage, opts);
  cloudinitUpdate: ProxmoxDriver['cloudinitUpdate'] = async (vmid) => (await this.at(vmid)).cloudinitUpdate(vmid);
  push: ProxmoxDriver['push'] = async (type, vmid, file, path, opts) => (await this.at(vmid)).push(type, vmid, file, path, opts);
  setRawLxc: ProxmoxDriver['setRawLxc'] = async (vmid, entries) => (await this.at(vmid)).setRawLxc(vmid, entries);
  writeFirewall: ProxmoxDriver['writeFirewall'] = async (vmid, content) => (await this.at(vmid)).writeFirewall(vmid, content);
  unlock: ProxmoxDriver['unlock'] = async (type, vmid) => (await this.at(vmid)).unlock(type, vmid);
}
