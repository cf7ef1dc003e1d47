// examples/homelab end to end on the in-process simulator: converge creates every guest as the
// config asks (option by option), a second run makes no mutating call, plan/--dry-run change
// nothing, and changing one field changes exactly that. The tests share one simulated host and
// run in order (each leaves the host converged for the next).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execCommand, isExecCall, isMarkerRead, isMutatingCall, isReadCall, vmidOf, workspace, type SimCall, type Workspace } from './harness.js';
import { firewallMismatches, lxcMismatches, vmMismatches } from './expect-config.js';

const LXC = 'phoenix_lxc_configs.json';
const VM = 'phoenix_vm_configs.json';
let w: Workspace;

const json = (file: string) => JSON.parse(readFileSync(join(w.config, file), 'utf8'));
const fmt = (cs: SimCall[]) => cs.map((c) => c.argv.join(' ')).join('\n');
const mutating = (cs: SimCall[]) => cs.filter(isMutatingCall);

/**
 * The in-guest commands a no-change run may execute: the look for leftover feature run directories
 * (secrets an interrupted run left), feature health checks and the config's checks.
 */
function allowedChecks(): string[][] {
  const out: string[][] = [['ls', '-A', '/var/lib/phoenix/run']];
  for (const dir of ['features', join(w.config, 'features')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const m = join(dir, f, 'manifest.json');
      if (existsSync(m)) {
        const hc = JSON.parse(readFileSync(m, 'utf8')).healthCheck;
        if (hc) out.push(hc.command);
      }
    }
  }
  for (const g of Object.values(json(LXC).lxc_configs) as any[]) for (const h of g.health_checks ?? []) if (h.command) out.push(['/bin/sh', '-c', '--', h.command]);
  return out;
}

/** Execs that are neither marker reads nor health checks. */
function unexpectedExecs(cs: SimCall[]): SimCall[] {
  const checks = allowedChecks().map((c) => JSON.stringify(c));
  return cs.filter(isExecCall).filter((c) => !isMarkerRead(c) && !checks.includes(JSON.stringify(execCommand(c))));
}

before(async () => {
  w = workspace({ from: 'examples/homelab' });
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
after(() => w.cleanup());

test('converge creates every guest of examples/homelab as the config asks, option by option', () => {
  const lxc = json(LXC).lxc_configs as Record<string, any>;
  const vms = json(VM);
  const host = json('phoenix_hypervisor_config.json');
  const problems: string[] = [];
  for (const [id, g] of Object.entries(lxc)) {
    problems.push(...lxcMismatches(Number(id), g, w.conf('lxc', Number(id))).map((p) => `CT ${id}: ${p}`));
    problems.push(...firewallMismatches(w.firewall(Number(id)), g.firewall).map((p) => `CT ${id}: ${p}`));
  }
  for (const g of vms.vms) {
    problems.push(...vmMismatches(g, vms.vm_defaults, w.conf('vm', g.vmid), host).map((p) => `VM ${g.vmid}: ${p}`));
    problems.push(...firewallMismatches(w.firewall(g.vmid), g.firewall).map((p) => `VM ${g.vmid}: ${p}`));
  }
  assert.deepEqual(problems, []);
  // Snapshots by exact name: the template snapshot clones are made from, the lifecycle pair.
  assert.deepEqual(w.conf('lxc', 200)!.snapshots, ['base-ready']);
  assert.deepEqual(w.conf('lxc', 210)!.snapshots.sort(), ['final-form', 'pre-configured']);
  assert.deepEqual(w.conf('lxc', 220)!.snapshots, []);
  // The clones were cloned from the base's template snapshot, each once.
  const clones = w
    .calls()
    .filter((c) => c.argv[1] === 'clone')
    .map((c) => c.argv.join(' '));
  assert.deepEqual(clones.filter((c) => c.startsWith('pct')).sort(), ['pct clone 200 210 --hostname docker-host --snapname base-ready --storage local-lvm', 'pct clone 200 220 --hostname jumpbox --snapname base-ready --storage local-lvm']);
  assert.equal(clones.filter((c) => c.startsWith('qm clone 9000 9100')).length, 1);
  // The VM template was provisioned once and converted.
  assert.equal(w.calls().filter((c) => c.argv.join(' ') === 'qm template 9000').length, 1);
});

test('a second converge with no config change makes zero mutating calls (reads per guest recorded)', async (t) => {
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stderr);
  const calls = w.since();
  assert.deepEqual(fmt(mutating(calls)), '');
  assert.deepEqual(fmt(unexpectedExecs(calls)), '', 'exec only reads markers or runs health checks');
  assert.match(r.stderr, / 0 mutating Proxmox calls/);
  assert.match(r.stdout, /5 ok, 0 failed/);
  const per = new Map<number, number>();
  for (const c of calls) per.set(vmidOf(c), (per.get(vmidOf(c)) ?? 0) + 1);
  const summary = [...per]
    .sort((a, b) => a[0] - b[0])
    .map(([id, n]) => `${id}: ${n}`)
    .join(', ');
  t.diagnostic(`read calls per guest on a no-change run: ${summary} (total ${calls.length})`);
  // Every call was a read or a read-only exec; nothing else.
  assert.equal(calls.filter((c) => isReadCall(c) || isExecCall(c)).length, calls.length);
  // A template VM is only verified: the node's one bulk read covers it, no call of its own.
  assert.deepEqual(
    calls.filter((c) => vmidOf(c) === 9000).map((c) => c.argv.slice(0, 2).join(' ')),
    [],
  );
  assert.ok(
    calls.some((c) => c.argv.join(' ').startsWith('pvesh get /cluster/resources')),
    'one bulk status read',
  );
});

test('plan and create --dry-run change nothing: no mutating call, state tree byte-identical', async () => {
  const hash = w.stateHash();
  w.mark();
  const p = await w.run('plan');
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Plan: 0 to create, 0 to change \(0 with a restart\), 5 unchanged\./);
  const d = await w.run('--dry-run', 'create', '220');
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(fmt(mutating(w.since())), '');
  assert.equal(w.stateHash(), hash);

  // With a change pending, the plan shows it and still changes nothing.
  w.edit(LXC, (d) => (d.lxc_configs['220'].memory_mb = 384));
  const p2 = await w.run('plan', '220');
  assert.equal(p2.code, 0, p2.stderr);
  assert.match(p2.stdout, /^~ lxc 220 jumpbox$/m);
  assert.match(p2.stdout, /memory: 256 → 384/);
  assert.deepEqual(fmt(mutating(w.since())), '');
  assert.equal(w.stateHash(), hash);
});

test('memory changed: exactly one `pct set <id> --memory N`, no restart; then nothing', async () => {
  // (the edit from the previous test: 220 memory 256 → 384)
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fmt(mutating(w.since())), 'pct set 220 --memory 384');
  assert.equal(w.conf('lxc', 220)!.options.memory, '384');
  w.mark();
  assert.equal((await w.run('converge')).code, 0);
  assert.deepEqual(fmt(mutating(w.since())), '');
});

test('memory changed on a guest with lifecycle snapshots: one set, no restart, only the snapshots after the change retaken', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['210'].memory_mb = 3072));
  w.mark();
  const r = await w.run('converge', '210');
  assert.equal(r.code, 0, r.stderr);
  // The set, then the snapshot that holds the configured guest retaken (deleted and taken again,
  // once); pre-configured holds the state before the features first ran and is never retaken.
  assert.deepEqual(
    mutating(w.since()).map((c) => c.argv.join(' ')),
    ['pct set 210 --memory 3072', 'pct delsnapshot 210 final-form', 'pct snapshot 210 final-form --description taken by phoenix'],
  );
  w.mark();
  assert.equal((await w.run('converge', '210')).code, 0);
  assert.deepEqual(fmt(mutating(w.since())), '');
});

test('hostname changed on a running CT: one set and one restart; a re-run does nothing', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['220'].name = 'jumpbox2'));
  const p = await w.run('plan', '220');
  assert.match(p.stdout, /^! lxc 220 jumpbox2$/m);
  assert.match(p.stdout, /hostname: jumpbox → jumpbox2/);
  w.mark();
  const r = await w.run('converge', '220');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    mutating(w.since()).map((c) => c.argv.join(' ')),
    ['pct set 220 --hostname jumpbox2', 'pct reboot 220'],
  );
  assert.equal(w.conf('lxc', 220)!.options.hostname, 'jumpbox2');
  const st = await w.sim('pct', 'exec', '220', '--', 'cat', '/etc/hostname');
  assert.equal(st.stdout.trim(), 'jumpbox2', 'the restart applied the new hostname');
  w.mark();
  const again = await w.run('converge', '220');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(fmt(mutating(w.since())), '');
});

test('a VM ipconfig change: one qm set of ipconfig0, one `qm cloudinit update`, one reboot; a re-run does nothing', async () => {
  w.edit(VM, (d) => (d.vms.find((v: any) => v.vmid === 9100).network_config.ip = '192.168.10.51/24'));
  w.mark();
  const r = await w.run('converge', '9100');
  assert.equal(r.code, 0, r.stderr);
  // Cloud-init applies network settings at boot: the set, one drive update, one reboot.
  assert.deepEqual(
    mutating(w.since()).map((c) => c.argv.join(' ')),
    ['qm set 9100 --ipconfig0 gw=192.168.10.1,ip=192.168.10.51/24', 'qm cloudinit update 9100', 'qm reboot 9100'],
  );
  assert.equal(w.conf('vm', 9100)!.options.ipconfig0, 'gw=192.168.10.1,ip=192.168.10.51/24');
  w.mark();
  assert.equal((await w.run('converge', '9100')).code, 0);
  assert.deepEqual(fmt(mutating(w.since())), '');
});

test('a smaller storage_size_gb than the disk fails the guest (exit 1, clear message) and changes nothing', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['210'].storage_size_gb = 8));
  const hash = w.stateHash();
  w.mark();
  const r = await w.run('converge', '210');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /guest 210: storage_size_gb 8 is smaller than the existing root disk \(16G\); disks only grow/);
  assert.deepEqual(fmt(mutating(w.since())), '');
  assert.equal(w.stateHash(), hash);
  assert.equal(w.conf('lxc', 210)!.options.rootfs, 'local-lvm:vm-210-disk-0,size=16G');
  // The plan reports the same refusal.
  const p = await w.run('plan', '210');
  assert.equal(p.code, 1);
  assert.match(p.stderr, /storage_size_gb 8 is smaller/);
  w.edit(LXC, (d) => (d.lxc_configs['210'].storage_size_gb = 16));
});

test('a restart owed by an interrupted run (set done, reboot not) happens on the next run, once', async () => {
  // What a run killed between `pct set --hostname` and the reboot leaves behind.
  w.write('.phoenix/pending-restart/220', 'options applied at next start\n');
  w.mark();
  const r = await w.run('converge', '220');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    mutating(w.since()).map((c) => c.argv.join(' ')),
    ['pct reboot 220'],
  );
  w.mark();
  assert.equal((await w.run('converge', '220')).code, 0);
  assert.deepEqual(fmt(mutating(w.since())), '');
});
