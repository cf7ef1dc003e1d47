import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseConf, printConfigCommand } from '../state/conf.js';
import { localTimestamp, printPctList, printQmList, printRecursive, printSnapshotTree } from './printers.js';
import { perlJsonPretty } from './json.js';

const SAMPLES = new URL('../../../../shared/pve/cli-output-samples.md', import.meta.url).pathname;
const skip = !existsSync(SAMPLES) && 'needs ../shared/pve (absent)';

/** The fenced code blocks of the section whose heading starts with `heading`. */
function blocks(heading: string): string[] {
  const md = readFileSync(SAMPLES, 'utf8');
  const start = md.indexOf(`\n## ${heading}`);
  const end = md.indexOf('\n## ', start + 5);
  const section = md.slice(start, end < 0 ? undefined : end);
  const out: string[] = [];
  let inBlock = false;
  let plain = false;
  let cur: string[] = [];
  for (const line of section.split('\n')) {
    if (line.startsWith('```')) {
      if (inBlock && plain) out.push(cur.map((l) => `${l}\n`).join(''));
      plain = !inBlock && line === '```'; // ```perl blocks are source, not output
      inBlock = !inBlock;
      cur = [];
      continue;
    }
    if (inBlock) cur.push(line);
  }
  return out;
}
const trimLines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');

test('pct list: empty prints nothing; the reconstructed sample matches byte for byte', { skip }, () => {
  assert.equal(printPctList([]), '');
  const rec = blocks('1. `pct list`')
    .find((b) => b.includes('·'))!
    .replace(/·/g, ' ');
  assert.equal(printPctList([{ vmid: 100, status: 'running', lock: 'mounted', name: 'web1' }]), rec);
});

test('pct list: the verbatim session and the locked-container fixture (trailing spaces aside)', { skip }, () => {
  const [session, locked] = blocks('1. `pct list`').filter((b) => b.startsWith('VMID'));
  const rows = [
    { vmid: 103, status: 'running', name: 'ns2' },
    { vmid: 101, status: 'running', name: 'tailscale' },
    { vmid: 102, status: 'running', name: 'ns1' },
  ];
  assert.equal(trimLines(printPctList(rows)), trimLines(session));
  assert.equal(trimLines(printPctList([{ vmid: 200, status: 'stopped', lock: 'backup', name: 'db' }])), trimLines(locked));
  // The header keeps Proxmox's padding (Name padded to 20 columns).
  assert.ok(printPctList(rows).startsWith('VMID       Status     Lock         Name                \n'));
});

test('qm list: right-aligned vmid, "VM <id>" for unnamed VMs, two decimals for the boot disk', { skip }, () => {
  assert.equal(printQmList([]), '');
  const [real, unnamed] = blocks('2. `qm list`');
  const got = printQmList([
    { vmid: 104, name: 'vm104', status: 'running', maxmemBytes: 256 * 2 ** 20, maxdiskBytes: 80 * 2 ** 30, pid: 16256 },
    { vmid: 101, name: 'vm110', status: 'running', maxmemBytes: 512 * 2 ** 20, maxdiskBytes: 30 * 2 ** 30, pid: 16474 },
    { vmid: 103, name: 'vm103', status: 'stopped', maxmemBytes: 512 * 2 ** 20, maxdiskBytes: 80 * 2 ** 30, pid: 0 },
  ]);
  assert.equal(trimLines(got), trimLines(real));
  const body = (s: string) =>
    s
      .split('\n')
      .slice(1)
      .map((l) => l.trimEnd())
      .join('\n');
  const disk = 22.2 * 2 ** 30;
  const got2 = printQmList([
    { vmid: 9000, name: 'VM 9000', status: 'stopped', maxmemBytes: 2048 * 2 ** 20, maxdiskBytes: disk, pid: 0 },
    { vmid: 100, name: 'vm1', status: 'running', maxmemBytes: 2048 * 2 ** 20, maxdiskBytes: disk, pid: 80720 },
  ]);
  assert.equal(body(got2), body(unnamed.replace(/^root@m5:~# qm list\n/, '')));
  assert.equal(got2.split('\n')[0], '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       ');
});

test('pct/qm config: sorted keys, raw lxc last, encoded description — the samples byte for byte', { skip }, () => {
  const bs = blocks('3. `pct config');
  const session = bs.find((b) => b.includes('$ sudo qm config 100\n'))!;
  const qmConfig = session.slice(session.indexOf('$ sudo qm config 100\n') + '$ sudo qm config 100\n'.length);
  const withSnap = bs.find((b) => b.startsWith('agent: 1'))!;
  const lxc = bs.find((b) => b.includes('lxc.apparmor.profile'))!;
  const described = bs.find((b) => b.includes('description: seadog'))!;
  for (const b of [qmConfig, withSnap, described]) {
    const conf = parseConf(b.replace(/^description: (.*)$/m, (_m, d: string) => `#${d.replace(/%0A/g, '\n#')}`));
    assert.equal(printConfigCommand(conf), b);
  }
  // `lxc.cap.drop:` with an empty value: Proxmox prints "key: " (with the space).
  assert.equal(printConfigCommand(parseConf(lxc)), lxc.replace('lxc.cap.drop:\n', 'lxc.cap.drop: \n'));
});

test('listsnapshot: the PVE 9 sample byte for byte (times in local time)', { skip }, () => {
  const sample = blocks('7. `pct listsnapshot').find((b) => b.includes('gatetest'))!;
  const t = new Date(2026, 6, 30, 19, 37, 22).getTime() / 1000;
  const got = printSnapshotTree([
    { name: 'gatetest', snaptime: t, description: 'voltius live gate' },
    { name: 'current', parent: 'gatetest', description: 'You are here!' },
  ]);
  // The sample's `current` line has one space more than the SRC format yields; SRC is the authority.
  assert.equal(got.split('\n')[0], sample.split('\n')[0]);
  assert.equal(got.split('\n')[1], ' `-> current' + ' '.repeat(26 - 'current'.length) + ' ' + ' '.repeat(23) + ' You are here!');
  const qm = blocks('7. `pct listsnapshot').find((b) => b.includes('baseline-tiles'))!;
  const t2 = new Date(2026, 6, 28, 23, 8, 18).getTime() / 1000;
  const descr = qm.split('\n')[0].slice(56);
  assert.equal(
    printSnapshotTree([
      { name: 'baseline-tiles-2026-07-28', snaptime: t2, description: `${descr}\nsecond line is not shown` },
      { name: 'current', parent: 'baseline-tiles-2026-07-28', description: 'You are here!' },
    ]),
    qm,
  );
});

test('listsnapshot: children one space deeper, siblings by snaptime, no-description, current last', () => {
  const got = printSnapshotTree([
    { name: 'b', parent: 'a', snaptime: 200 },
    { name: 'a', snaptime: 100, description: 'first' },
    { name: 'c', parent: 'a', snaptime: 150, description: 'x' },
    { name: 'current', parent: 'b', description: 'You are here!' },
  ]);
  const lines = got.split('\n');
  const ts = (t: number) => localTimestamp(t);
  assert.equal(lines[0], `\`-> a${' '.repeat(27)}${ts(100)}     first`);
  assert.equal(lines[1], ` \`-> c${' '.repeat(26)}${ts(150)}     x`);
  assert.equal(lines[2], ` \`-> b${' '.repeat(26)}${ts(200)}     no-description`);
  assert.equal(lines[3], `  \`-> current${' '.repeat(43)}You are here!`);
  assert.equal(printSnapshotTree([{ name: 'current', description: 'You are here!' }]), '`-> current' + ' '.repeat(21) + ' '.repeat(24) + 'You are here!\n');
});

test('status --verbose nesting and guest exec JSON follow Perl formatting', () => {
  assert.equal(printRecursive('ballooninfo', { max_mem: 2, actual: 1 }), 'ballooninfo:\n\tactual: 1\n\tmax_mem: 2\n');
  assert.equal(perlJsonPretty({ exited: 1, exitcode: 0, 'out-data': 'hi\n' }), '{\n   "exitcode" : 0,\n   "exited" : 1,\n   "out-data" : "hi\\n"\n}\n');
});
