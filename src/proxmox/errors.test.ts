// The predicates against Proxmox's own texts (cli-output-samples.md §8, §9, and the die messages
// quoted there from the sources).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstMeaningfulLine, isAgentNotRunning, isAlreadyExists, isAlreadyRunning, isCfsLockTimeout, isLocked, isLockTimeout, isMissing, isNotRunning, isParamError, isSnapshotMissing, isTemplateStart, isTransient, lockReason, PveCommandError, taskWarnings } from './errors.js';
import type { ExecResult } from './exec/types.js';

const result = (stderr: string, exitCode = 255, argv = ['pct', 'create', '100']): ExecResult => ({
  argv,
  exitCode,
  stdout: '',
  stderr,
  durationMs: 5,
  timedOut: false,
  isCanceled: false,
});

const PARAM_ERROR = ['400 Parameter verification failed.', "storage: storage 'local' does not support container directories", 'pct create <vmid> <ostemplate> [OPTIONS]', ''].join('\n');

const cases: Array<[string, string, Array<(e: unknown) => boolean>]> = [
  ['CT lock', 'CT is locked (backup)\n', [isLocked, isTransient]],
  ['VM lock', 'VM is locked (snapshot)\n', [isLocked, isTransient]],
  ['clone lock', 'CT is locked (clone)\n', [isLocked, isTransient]],
  ['lock timeout', "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n", [isLockTimeout, isTransient]],
  ['cfs lock', "trying to acquire cfs lock 'storage-nfs' ...\nunable to create CT 100 - cfs-lock 'storage-nfs' error: got lock request timeout\n", [isCfsLockTimeout, isTransient]],
  ['CT exists', "CT 100 already exists on node 'pve'\n", [isAlreadyExists]],
  ['VM exists', "VM 100 already exists on node 'pve'\n", [isAlreadyExists]],
  ['missing CT', "Configuration file 'nodes/pve/lxc/100.conf' does not exist\n", [isMissing]],
  ['missing VM', "Configuration file 'nodes/pve/qemu-server/100.conf' does not exist\n", [isMissing]],
  ['CT running', 'CT 100 already running\n', [isAlreadyRunning]],
  ['VM running', 'VM 100 already running\n', [isAlreadyRunning]],
  ['CT not running', 'CT 100 not running\n', [isNotRunning]],
  ['VM not running', 'VM 100 not running\n', [isNotRunning]],
  ['agent on a stopped VM', 'VM 100 is not running\n', [isNotRunning]],
  ['agent not configured', 'No QEMU guest agent configured\n', [isAgentNotRunning]],
  ['pct exec not running', "container '100' not running!\n", [isNotRunning]],
  ['pct reboot not running', 'VM 100 not running\n', [isNotRunning]],
  ['pct push not running', 'can only push files to a running CT\n', [isNotRunning]],
  ['pct pull not running', 'can only pull files from a running VM at /usr/share/perl5/PVE/CLI/pct.pm line 664.\n', [isNotRunning]],
  ['param error', PARAM_ERROR, [isParamError]],
  ['CT template start', "you can't start a CT if it's a template\n", [isTemplateStart]],
  ['VM template start', "you can't start a vm if it's a template\n", [isTemplateStart]],
  ['snapshot missing', "snapshot 'foo' does not exist\n", [isSnapshotMissing]],
  ['agent', 'QEMU guest agent is not running\n', [isAgentNotRunning]],
  ['rollback running', 'unable to rollback vm 100: vm is running\n', []],
  ['task error', "unable to create CT 100 - unsupported centos release 'CentOS Linux release 8.0.1905 (Core) '\n", []],
];
const all = [isLocked, isLockTimeout, isCfsLockTimeout, isAlreadyExists, isMissing, isAlreadyRunning, isNotRunning, isParamError, isTemplateStart, isSnapshotMissing, isAgentNotRunning, isTransient];

for (const [name, stderr, expected] of cases) {
  test(`predicates: ${name} matches exactly ${expected.map((p) => p.name).join(', ') || 'none'}`, () => {
    const e = new PveCommandError(result(stderr));
    for (const p of all) assert.equal(p(e), expected.includes(p), `${p.name} on ${JSON.stringify(stderr)}`);
  });
}

test('a missing snapshot is not a missing guest', () => {
  assert.equal(isMissing({ stderr: "snapshot 'foo' does not exist" }), false);
});

test('lockReason names the lock', () => {
  assert.equal(lockReason({ stderr: 'CT is locked (snapshot-delete)\n' }), 'snapshot-delete');
  assert.equal(lockReason({ stderr: 'other' }), undefined);
});

test('shortMessage: first meaningful stderr line, the reason of a parameter error', () => {
  assert.equal(new PveCommandError(result('CT is locked (backup)\n')).shortMessage, 'CT is locked (backup)');
  assert.equal(new PveCommandError(result(PARAM_ERROR)).shortMessage, "400 Parameter verification failed. storage: storage 'local' does not support container directories");
  assert.equal(firstMeaningfulLine({ stderr: '', exitCode: 3, timedOut: false, isCanceled: false }), 'exit code 3');
  // PVE::Tools::lock_file_full and pve-cluster cfs_lock print their wait before the reason.
  const lockWait = "trying to acquire lock...\ncan't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout\n";
  assert.equal(firstMeaningfulLine({ stderr: lockWait, exitCode: 255, timedOut: false, isCanceled: false }), "can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout");
  const waitedThenFailed = 'trying to acquire lock...\n OK\nCT is locked (disk)\n';
  assert.equal(firstMeaningfulLine({ stderr: waitedThenFailed, exitCode: 255, timedOut: false, isCanceled: false }), 'CT is locked (disk)');
  const cfs = "trying to acquire cfs lock 'storage-nfs' ...\ntrying to acquire cfs lock 'storage-nfs' ...\ncfs-lock 'storage-nfs' error: got lock request timeout\n";
  assert.equal(firstMeaningfulLine({ stderr: cfs, exitCode: 255, timedOut: false, isCanceled: false }), "cfs-lock 'storage-nfs' error: got lock request timeout");
  assert.equal(firstMeaningfulLine({ stderr: 'x', exitCode: -1, timedOut: true, isCanceled: false }), 'timed out');
});

test('PveCommandError carries the whole call', () => {
  const e = new PveCommandError(result('CT is locked (backup)\n', 255, ['pct', 'start', '101']));
  assert.deepEqual(e.argv, ['pct', 'start', '101']);
  assert.equal(e.exitCode, 255);
  assert.equal(e.durationMs, 5);
  assert.match(e.message, /^pct start 101: CT is locked \(backup\)$/);
});

test('taskWarnings: exit 0 with the CLI trailer is success with warnings, lines from the task output', () => {
  const stdout = ["extracting archive '/var/lib/vz/template/cache/ubuntu-24.04-standard_24.04-2_amd64.tar.zst'", 'Total bytes read: 564490240 (539MiB, 46MiB/s)', 'Detected container architecture: amd64', 'WARN: Systemd 255 detected. You may need to enable nesting.', ''].join('\n');
  assert.deepEqual(taskWarnings('Task finished with 1 warning(s)!\n', stdout), {
    count: 1,
    lines: ['Systemd 255 detected. You may need to enable nesting.'],
  });
  assert.equal(taskWarnings('', stdout), null);
  assert.deepEqual(taskWarnings('Task finished with 2 warning(s)!\n'), { count: 2, lines: [] });
});

test('classifyPveError: locks retry, the rest is terminal, a cancel never retries', async () => {
  const { classifyPveError } = await import('./errors.js');
  assert.equal(classifyPveError(new PveCommandError(result('CT is locked (create)\n'))), 'retryable');
  assert.equal(classifyPveError(new PveCommandError(result("can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout\n"))), 'retryable');
  assert.equal(classifyPveError(new PveCommandError(result(PARAM_ERROR))), 'terminal');
  assert.equal(classifyPveError(new PveCommandError({ ...result('CT is locked (create)\n'), isCanceled: true })), 'terminal');
});
