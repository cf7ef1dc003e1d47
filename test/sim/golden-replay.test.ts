// Replays the original tool's recorded pct/qm sequences (../shared/reference/golden/expected/*/
// commands.jsonl) against the simulator, from the setup each case's meta.json names, and checks
// that every call succeeds except exactly where real Proxmox fails too; each such place is a
// named test. Other tools' lines (pvesh, pvesm, wget, ...) are skipped. Guest commands run in the
// recording fake (their outcome is the guest's business, not Proxmox's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, type SimHarness } from '../helpers/sim.js';
import { addHostFile, addStorage, addTemplate } from '../../src/sim/state/admin.js';
import { parseConf, printConf } from '../../src/sim/state/conf.js';
import { initState, loadHost, loadRegistry, saveRegistry } from '../../src/sim/state/host.js';
import { writeRuntime } from '../../src/sim/state/guests.js';
import { parseSize } from '../../src/proxmox/codecs/size.js';

const GOLDEN = new URL('../../../shared/reference/golden/expected/', import.meta.url).pathname;
const skip = !existsSync(GOLDEN) && 'needs ../shared/reference (absent)';

interface Seed {
  id: number;
  kind: 'lxc' | 'qemu';
  /** A recorded final conf (`case/path`) or inline text. */
  from: string;
  running?: boolean;
  snapshots?: string[];
}

const CT900: Seed = { id: 900, kind: 'lxc', from: 'lxc-900-create-rerun/final-etc-pve/lxc/900.conf', running: true, snapshots: ['pre-configured', 'final-form'] };
const CT103: Seed = { id: 103, kind: 'lxc', from: 'lxc-101-clone-idmap/final-etc-pve/lxc/103.conf', running: true };
const CT911: Seed = { id: 911, kind: 'lxc', from: 'lxc-801-zfs-volume/final-etc-pve/lxc/911.conf', running: true, snapshots: ['final-form'] };
const CT801: Seed = { id: 801, kind: 'lxc', from: 'lxc-801-zfs-volume/final-etc-pve/lxc/801.conf', running: true };
const VM9000: Seed = { id: 9000, kind: 'qemu', from: 'vm-1001-clone/final-etc-pve/qemu-server/9000.conf' };
const VM1001: Seed = { id: 1001, kind: 'qemu', from: 'vm-1001-clone/final-etc-pve/qemu-server/1001.conf', running: true };
const CT102: Seed = { id: 102, kind: 'lxc', from: 'hostname: Portainer-Agent\nostype: ubuntu\nrootfs: quickOS-lxc-disks:subvol-102-disk-0,size=16G\n', running: true };
const VM1002: Seed = { id: 1002, kind: 'qemu', from: 'agent: 1\nname: Dr-Phoenix\nscsi0: quickOS-vm-disks:vm-1002-disk-0,size=32G\n', running: true };

/** What each setup script of the original's test rig leaves on the host. */
const SETUPS: Record<string, Seed[]> = {
  '-': [],
  'setup-900.sh': [CT900],
  'setup-900-103.sh': [CT900, CT103],
  'setup-911.sh': [CT911],
  'setup-801-done.sh': [CT911, CT801],
  'setup-9000.sh': [VM9000, CT103],
  'setup-1001-done.sh': [VM9000, VM1001, CT103],
  'setups/after-create-900.sh': [CT900],
  'setups/clone-base.sh': [CT900, CT102, VM1001, VM1002, VM9000, CT103],
  'setups/stop-chain.sh': [
    { ...CT900, running: false },
    { ...CT103, running: false },
  ],
  'setups/base-1001.sh': [VM9000, VM1001, CT103],
};

async function buildHost(h: SimHarness, seeds: Seed[]): Promise<void> {
  const p = initState(h.dir);
  await addStorage(h.dir, 'quickOS-lxc-disks', { type: 'zfspool', content: ['rootdir'], size: '2T' });
  await addStorage(h.dir, 'quickOS-vm-disks', { type: 'zfspool', content: ['images'], size: '2T' });
  await addStorage(h.dir, 'fastData-shared-bulk-data', { type: 'zfspool', content: ['rootdir', 'images'], size: '4T' });
  await addStorage(h.dir, 'fastData-shared-iso', { type: 'dir', content: ['vztmpl', 'iso', 'import'], size: '1T', path: '/fastData/shared-iso' });
  await addTemplate(h.dir, 'fastData-shared-iso:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst', 141 * 2 ** 20);
  await addHostFile(h.dir, '/tmp/noble-server-cloudimg-amd64.img', 3.5 * 2 ** 30);
  let t = 1_750_000_000;
  for (const s of seeds) {
    const text = s.from.includes('\n') ? s.from : readFileSync(join(GOLDEN, s.from), 'utf8');
    const conf = parseConf(text);
    for (const name of s.snapshots ?? []) {
      conf.snapshots[name] = { options: { ...conf.options, snaptime: String(t++) }, lxc: [...conf.lxc] };
      if (conf.options.parent) conf.snapshots[name].options.parent = conf.options.parent;
      conf.options.parent = name;
    }
    const dir = join(h.dir, 'etc/pve/nodes/pve', s.kind === 'lxc' ? 'lxc' : 'qemu-server');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${s.id}.conf`), printConf(conf));
    // The recorded volumes exist on their storages.
    for (const [k, v] of Object.entries(conf.options)) {
      const m = /^([^:/,]+):([^,]+)(?:.*size=(\w+))?/.exec(v);
      if (!m || !/^(rootfs|mp\d+|scsi\d+|virtio\d+|ide\d+|sata\d+)$/.test(k) || !/-disk-|cloudinit/.test(m[2])) continue;
      const host = loadHost(p);
      const reg = loadRegistry(p, host, m[1]);
      reg.volumes.push({ name: m[2], size: parseSize(m[3] ?? '4M') ?? 0, vmid: s.id, content: s.kind === 'lxc' ? 'rootdir' : 'images' });
      saveRegistry(p, host, m[1], reg);
    }
    if (s.running) writeRuntime(p, s.id, { status: 'running', startedAt: 0, pid: 4242 });
  }
}

interface Outcome {
  line: number;
  argv: string[];
  exit: number;
  stderr: string;
}

/** Replays one case; returns every pct/qm call with its result (line = 1-based line in commands.jsonl). */
async function replay(name: string, keep?: (h: SimHarness) => void): Promise<Outcome[]> {
  const meta = JSON.parse(readFileSync(join(GOLDEN, name, 'meta.json'), 'utf8')) as { setup: string };
  const h = simHarness();
  try {
    const seeds = SETUPS[meta.setup];
    assert.ok(seeds, `no setup model for ${meta.setup}`);
    await buildHost(h, seeds);
    const lines = readFileSync(join(GOLDEN, name, 'commands.jsonl'), 'utf8').split('\n');
    const out: Outcome[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      const argv = JSON.parse(lines[i]) as string[];
      if (argv[0] !== 'pct' && argv[0] !== 'qm') continue;
      const r = await h.run(...argv);
      out.push({ line: i + 1, argv, exit: r.exitCode, stderr: r.stderr });
    }
    keep?.(h);
    return out;
  } finally {
    h.cleanup();
  }
}

/** Every place where the recorded sequence hits a Proxmox refusal: case → line → stderr. */
type Expected = Record<number, { why: string; stderr: string }>;
const absent = (tool: 'pct' | 'qm', id: number): { why: string; stderr: string } => ({
  why: `${tool} status ${id} on a guest that does not exist yet fails (the original's existence probe)`,
  stderr: `Configuration file 'nodes/pve/${tool === 'pct' ? 'lxc' : 'qemu-server'}/${id}.conf' does not exist\n`,
});
const stopFresh = (id: number, after: string) => ({ why: `pct stop ${id} right after ${after} fails: the new CT is stopped`, stderr: `CT ${id} not running\n` });
const sameSize = (id: number, size: string) => ({
  why: `pct resize ${id} rootfs ${size} on a rootfs already ${size} fails (pve-container refuses a no-op resize)`,
  stderr: 'disk is already at specified size\n',
});
const bindSnap = (id: number, name: string) => ({
  why: `pct snapshot ${id} ${name} fails: ${id} has a bind mount, and Proxmox checks every mount point for the snapshot feature`,
  stderr: 'snapshot feature is not available\n',
});
const startTemplate = { why: 'qm start on a template fails', stderr: "you can't start a vm if it's a template\n" };

const EXPECTED_FAILURES: Record<string, Expected> = {
  'cli-converge-9000-template': { 10: startTemplate },
  'cli-create-103': { 2: absent('pct', 103), 8: stopFresh(103, 'pct clone'), 26: sameSize(103, '16G'), 33: bindSnap(103, 'pre-configured'), 48: bindSnap(103, 'final-form') },
  'cli-create-901-REAL-features': { 7: absent('pct', 901), 13: stopFresh(901, 'pct clone'), 21: sameSize(901, '16G') },
  'cli-create-901-deps-exist': { 7: absent('pct', 901), 13: stopFresh(901, 'pct clone'), 21: sameSize(901, '16G') },
  'cli-dry-run-create-9000': { 2: absent('qm', 9000) },
  'cli-stop-103-template-stopped': { 1: { why: 'pct stop on an already stopped CT fails', stderr: 'CT 900 not running\n' } },
  'lxc-101-clone-idmap': { 1: absent('pct', 101), 7: stopFresh(101, 'pct clone') },
  'lxc-103-clone': { 1: absent('pct', 103), 7: stopFresh(103, 'pct clone'), 25: sameSize(103, '16G'), 32: bindSnap(103, 'pre-configured'), 47: bindSnap(103, 'final-form') },
  'lxc-801-zfs-rerun': { 18: sameSize(801, '128G') },
  'lxc-900-create-rerun': { 17: sameSize(900, '16G') },
  'lxc-801-zfs-volume': { 1: absent('pct', 801), 7: stopFresh(801, 'pct clone') },
  'lxc-900-create-fresh': { 1: absent('pct', 900), 6: stopFresh(900, 'pct create'), 19: sameSize(900, '16G') },
  'lxc-901-clone-gpu': { 1: absent('pct', 901), 7: stopFresh(901, 'pct clone'), 15: sameSize(901, '16G') },
  'vm-1001-clone': { 2: absent('qm', 1001) },
  'vm-9000-start-template': { 2: startTemplate },
  'vm-9000-template': { 2: absent('qm', 9000) },
};

/** Where our final config differs from the recorded one, and why the recording (made with fakes) is wrong there. */
const KNOWN_DIFFS: Record<string, string[]> = {
  // Disk numbers are per storage (find_free_diskname lists the target storage only); the
  // recording's fake counted across storages.
  'lxc-801-zfs-rerun lxc/801.conf': ['mp1: ours=fastData-shared-bulk-data:subvol-801-disk-0,mp=/vllm_models,size=50G recorded=fastData-shared-bulk-data:subvol-801-disk-2,mp=/vllm_models,size=50G'],
  'lxc-801-zfs-volume lxc/801.conf': ['mp0: ours=fastData-shared-bulk-data:subvol-801-disk-0,mp=/vllm_models,size=50G recorded=fastData-shared-bulk-data:subvol-801-disk-1,mp=/vllm_models,size=50G'],
  // Proxmox allocates STORAGE:vm-<id>-cloudinit (media=cdrom) where the recording's fake kept
  // 'STORAGE:cloudinit'; the clone of the recorded 9000 allocates its own drive.
  'vm-1001-clone qemu-server/1001.conf': ['ide2: ours=quickOS-vm-disks:vm-1001-cloudinit recorded=quickOS-vm-disks:cloudinit'],
  // The same cloud-init drive, and `qm template` renames the disk to base-9000-disk-0.
  'vm-9000-template qemu-server/9000.conf': ['ide2: ours=quickOS-vm-disks:vm-9000-cloudinit,media=cdrom recorded=quickOS-vm-disks:cloudinit', 'scsi0: ours=quickOS-vm-disks:base-9000-disk-0,size=32G recorded=quickOS-vm-disks:vm-9000-disk-0,size=32G'],
};

/** Differences in the options pct/qm set (raw lxc lines, snapshots and generated ids aside). */
function configDiff(ours: string, theirs: string): string[] {
  const norm = (text: string) => {
    const c = parseConf(text);
    const o: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.options)) {
      if (['parent', 'smbios1', 'vmgenid', 'meta', 'digest'].includes(k)) continue;
      o[k] = v.replace(/(virtio|e1000|hwaddr)=[0-9A-F:]{17}/g, '$1=<mac>');
    }
    return o;
  };
  const a = norm(ours);
  const b = norm(theirs);
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (a[k] !== b[k]) out.push(`${k}: ours=${a[k] ?? '(none)'} recorded=${b[k] ?? '(none)'}`);
  }
  return out;
}

const cases = skip
  ? []
  : readdirSync(GOLDEN)
      .filter((d) => existsSync(join(GOLDEN, d, 'commands.jsonl')))
      .sort();

for (const name of cases) {
  test(`golden replay ${name}: pct/qm calls succeed except where Proxmox refuses`, { skip }, async (t) => {
    const finals: Array<{ file: string; ours: string | null; theirs: string }> = [];
    const results = await replay(name, (h) => {
      const root = join(GOLDEN, name, 'final-etc-pve');
      if (!existsSync(root)) return;
      for (const sub of ['lxc', 'qemu-server']) {
        if (!existsSync(join(root, sub))) continue;
        for (const f of readdirSync(join(root, sub))) {
          const ours = join(h.dir, 'etc/pve', sub, f);
          finals.push({ file: `${sub}/${f}`, ours: existsSync(ours) ? readFileSync(ours, 'utf8') : null, theirs: readFileSync(join(root, sub, f), 'utf8') });
        }
      }
    });
    for (const f of finals) {
      await t.test(`${name}: final ${f.file} has the options the recording ends with`, () => {
        assert.ok(f.ours !== null, `${f.file} missing`);
        assert.deepEqual(configDiff(f.ours, f.theirs), KNOWN_DIFFS[`${name} ${f.file}`] ?? []);
      });
    }
    const expected = EXPECTED_FAILURES[name] ?? {};
    for (const r of results) {
      const want = expected[r.line];
      if (!want) continue;
      await t.test(`${name}: ${want.why}`, () => {
        assert.equal(r.exit, 255, `${r.argv.join(' ')} should fail`);
        assert.equal(r.stderr, want.stderr);
      });
    }
    const unexpected = results.filter((r) => r.exit !== 0 && !expected[r.line]).map((r) => `line ${r.line}: ${r.argv.join(' ')} -> ${r.exit} ${r.stderr.trim()}`);
    assert.deepEqual(unexpected, [], 'calls that failed although Proxmox would accept them');
    for (const line of Object.keys(expected))
      assert.ok(
        results.some((r) => r.line === Number(line)),
        `line ${line} was not replayed`,
      );
  });
}

test('golden replay lxc-900-create-rerun: pct start on the running CT fails, and pct set --unprivileged is refused', { skip }, async () => {
  const h = simHarness();
  try {
    await buildHost(h, SETUPS['setup-900.sh']);
    let r = await h.run('pct', 'start', '900');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT 900 already running\n']);
    r = await h.run('pct', 'set', '900', '--unprivileged', '1');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to modify read-only option: 'unprivileged'\n"]);
    r = await h.run('pct', 'snapshot', '900', 'final-form');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot name 'final-form' already used\n"]);
  } finally {
    h.cleanup();
  }
});
