// Stand-in: a generated root tree in place of an extracted template or a cloud image.
// Creating and destroying a guest's root directory: a small but believable Debian/Ubuntu tree
// with the simulated tools (apt-get, systemctl, ...) in /usr/local. The host's /usr supplies every
// real program at run time, so a root is a few dozen small files and takes milliseconds.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { osFromTemplate, type GuestOs } from './os.js';
import { chownTreeToGuestRoot, chownGuest } from './owner.js';
import { guestDir, guestMetaPath, guestRootDir, GuestFsError, type GuestKind } from './paths.js';
import { hostTopLevel } from './sandbox.js';
import { COMMON_TOOLS, VM_TOOLS } from './tools/index.js';

export interface GuestMeta {
  kind: GuestKind;
  ostemplate?: string;
  os: { id: GuestOs['id']; versionId: string; codename: string };
}

const DIRS = [
  'etc/apt/sources.list.d',
  'etc/systemd/system',
  'etc/network',
  'etc/skel',
  'var/mail',
  'etc/ssl/certs',
  'root',
  'home',
  'tmp',
  'var/lib/phoenix-sim/dpkg',
  'var/lib/phoenix-sim/systemd/enabled',
  'var/lib/phoenix-sim/systemd/active',
  'var/log',
  'var/tmp',
  'var/cache',
  'run',
  'opt',
  'srv',
  'mnt',
  'media',
  'proc',
  'dev',
  'sys',
  'usr/local/bin',
  'usr/local/sbin',
  'usr/local/lib/systemd/system',
  'usr/local/share/ca-certificates',
];

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\nsudo:x:27:\nusers:x:100:\nnogroup:x:65534:\n';
const SHADOW = 'root:*:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nbin:*:19700:0:99999:7:::\nsys:*:19700:0:99999:7:::\nnobody:*:19700:0:99999:7:::\n';
const GSHADOW = 'root:*::\ndaemon:*::\nbin:*::\nsys:*::\nadm:*::\nsudo:*::\nusers:*::\nnogroup:*::\n';
// The settings of Debian's /etc/login.defs that the host's useradd/groupadd act on in the guest
// (without USERGROUPS_ENAB, `useradd svc` would not create the group `svc`).
const LOGIN_DEFS = [
  'MAIL_DIR        /var/mail',
  'PASS_MAX_DAYS   99999',
  'PASS_MIN_DAYS   0',
  'PASS_WARN_AGE   7',
  'UID_MIN         1000',
  'UID_MAX         60000',
  'SYS_UID_MIN     100',
  'SYS_UID_MAX     999',
  'GID_MIN         1000',
  'GID_MAX         60000',
  'SYS_GID_MIN     100',
  'SYS_GID_MAX     999',
  'UMASK           022',
  'HOME_MODE       0700',
  'USERGROUPS_ENAB yes',
  'ENCRYPT_METHOD  SHA512',
  '',
].join('\n');
const HOSTS = '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n';

/** Packages a fresh template/cloud image already has, with the units they bring (enabled, not running). */
function basePackages(kind: GuestKind): [string, string[]][] {
  const pkgs: [string, string[]][] = [
    ['base-files', []],
    ['bash', []],
    ['coreutils', []],
    ['systemd', []],
    ['ca-certificates', []],
    ['cron', ['cron.service']],
    ['openssh-server', ['ssh.service']],
  ];
  if (kind === 'vm') pkgs.push(['cloud-init', ['cloud-init.service']], ['qemu-guest-agent', ['qemu-guest-agent.service']]);
  return pkgs;
}

/**
 * The host's PAM configuration, copied into every guest: it must match the PAM modules of the host
 * /usr the guest runs, and without it su/runuser abort ("Critical error - immediate abort").
 * Read once per process; absent on hosts without PAM.
 */
let hostPam: Promise<[string, string][]> | undefined;
function hostPamFiles(): Promise<[string, string][]> {
  hostPam ??= (async () => {
    const out: [string, string][] = [];
    const names = await readdir('/etc/pam.d').catch(() => [] as string[]);
    for (const n of names) {
      const text = await readFile(join('/etc/pam.d', n), 'utf8').catch(() => undefined);
      if (text !== undefined) out.push([`etc/pam.d/${n}`, text]);
    }
    for (const f of ['etc/security/limits.conf', 'etc/shells']) {
      const text = await readFile(`/${f}`, 'utf8').catch(() => undefined);
      if (text !== undefined) out.push([f, text]);
    }
    return out;
  })();
  return hostPam;
}

const dpkgRecord = (name: string): string => `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 0.0.0-phoenix-sim\nDescription: ${name} (simulated by phoenix)\n`;

const unitFile = (unit: string, pkg: string): string => `[Unit]\nDescription=${unit} (from package ${pkg}, simulated by phoenix)\n\n[Service]\nExecStart=/usr/local/lib/phoenix-sim/stub ${unit}\n\n[Install]\nWantedBy=multi-user.target\n`;

export async function createGuestRoot(stateDir: string, vmid: number | string, opts: { ostemplate?: string; kind: GuestKind }): Promise<void> {
  const root = guestRootDir(stateDir, vmid);
  if (existsSync(root)) throw new GuestFsError(`guest ${vmid} already has a root filesystem`, 'EEXIST');
  const os = osFromTemplate(opts.ostemplate);
  await mkdir(root, { recursive: true });
  await Promise.all(DIRS.map((d) => mkdir(join(root, d), { recursive: true })));
  const files: [string, string, number][] = [
    ['etc/os-release', os.osRelease, 0o644],
    ['etc/debian_version', os.debianVersion, 0o644],
    ['etc/hostname', `${opts.kind === 'vm' ? 'vm' : 'ct'}${vmid}\n`, 0o644],
    ['etc/hosts', HOSTS, 0o644],
    ['etc/passwd', PASSWD, 0o644],
    ['etc/group', GROUP, 0o644],
    ['etc/shadow', SHADOW, 0o640],
    ['etc/gshadow', GSHADOW, 0o640],
    ['etc/login.defs', LOGIN_DEFS, 0o644],
    ['etc/machine-id', '', 0o444],
    ['root/.profile', '# ~/.profile: executed by Bourne-compatible login shells.\n', 0o644],
  ];
  for (const [pkg, units] of basePackages(opts.kind)) {
    files.push([`var/lib/phoenix-sim/dpkg/${pkg}`, dpkgRecord(pkg), 0o644]);
    for (const u of units) {
      files.push([`usr/local/lib/systemd/system/${u}`, unitFile(u, pkg), 0o644]);
      files.push([`var/lib/phoenix-sim/systemd/enabled/${u}`, '', 0o644]);
    }
  }
  for (const t of opts.kind === 'vm' ? [...COMMON_TOOLS, ...VM_TOOLS] : COMMON_TOOLS) files.push([t.path, t.content, t.mode]);
  for (const [p, text] of await hostPamFiles()) files.push([p, text, 0o644]);
  await Promise.all(
    files.map(async ([p, content, mode]) => {
      await mkdir(dirname(join(root, p)), { recursive: true });
      await writeFile(join(root, p), content, { mode });
      await chmod(join(root, p), mode); // writeFile's mode is subject to the umask
    }),
  );
  await Promise.all([chmod(join(root, 'tmp'), 0o1777), chmod(join(root, 'var/tmp'), 0o1777), chmod(join(root, 'root'), 0o700)]);
  for (const [name, target] of hostTopLevel().symlinks) await symlink(target, join(root, name));
  await chownTreeToGuestRoot(root);
  const meta: GuestMeta = { kind: opts.kind, ostemplate: opts.ostemplate, os: { id: os.id, versionId: os.versionId, codename: os.codename } };
  await writeFile(guestMetaPath(stateDir, vmid), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Kind and OS recorded at creation (undefined for a guest without a root). */
export async function readGuestMeta(stateDir: string, vmid: number | string): Promise<GuestMeta | undefined> {
  try {
    return JSON.parse(await readFile(guestMetaPath(stateDir, vmid), 'utf8')) as GuestMeta;
  } catch {
    return undefined;
  }
}

export const guestRootExists = (stateDir: string, vmid: number | string): boolean => existsSync(join(guestRootDir(stateDir, vmid), 'usr/local'));

/** Remove the guest's root, snapshots and metadata. Missing is fine (destroy is idempotent here). */
export async function destroyGuestRoot(stateDir: string, vmid: number | string): Promise<void> {
  await rm(guestDir(stateDir, vmid), { recursive: true, force: true });
}

/**
 * What happens to services when the guest starts or stops: on start every enabled unit that exists
 * becomes active (as systemd does at boot); on stop nothing is active. The simulator calls this from
 * its start/stop/reboot; runInGuest itself never changes service state.
 */
export async function setGuestRunning(stateDir: string, vmid: number | string, running: boolean): Promise<void> {
  const root = guestRootDir(stateDir, vmid);
  const sysd = join(root, 'var/lib/phoenix-sim/systemd');
  await rm(join(sysd, 'active'), { recursive: true, force: true });
  await mkdir(join(sysd, 'active'), { recursive: true });
  await chownGuest(join(sysd, 'active'));
  if (!running) return;
  const enabled = await readdir(join(sysd, 'enabled')).catch(() => [] as string[]);
  for (const u of enabled) {
    const exists = ['etc/systemd/system', 'run/systemd/system', 'usr/local/lib/systemd/system'].some((d) => existsSync(join(root, d, u)));
    if (!exists) continue;
    await writeFile(join(sysd, 'active', u), '');
    await chownGuest(join(sysd, 'active', u));
  }
}
