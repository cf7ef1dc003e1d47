// Finds and reads the Phoenix files: the only module of config/ that touches the file system.
// Where: --config PATH (a directory or one of the files), else $PHOENIX_CONFIG, else the current
// directory when it holds any of the files, else /usr/local/phoenix_hypervisor/etc. Guest files
// come from the hypervisor file's core_paths when those exist here, else by name beside it.
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Diagnostics } from '../diag/diagnostic.js';
import { parseJson } from './json.js';
import { DEFAULT_CONFIG_DIR, FILE_NAMES, ROLES, type FileRole, type SourceFile, diagAt } from './source.js';

export interface ReadOptions {
  config?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Last-resort directory; tests point it elsewhere. */
  defaultDir?: string;
}

export interface ReadResult {
  /** Directory holding the files (undefined when none was found). */
  dir?: string;
  sources: Partial<Record<FileRole, SourceFile>>;
  diagnostics: Diagnostics;
}

const CORE_PATH_KEYS: Record<'lxc' | 'vm', string> = { lxc: 'lxc_config_file', vm: 'vm_config_file' };

type Kind = 'file' | 'dir' | 'fifo' | 'socket' | 'device' | 'broken-link';

/** What is at path (symlinks followed); 'broken-link' for a symlink to nothing; undefined for nothing. */
async function kindOf(path: string): Promise<Kind | undefined> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) return 'dir';
    if (s.isFile()) return 'file';
    if (s.isFIFO()) return 'fifo';
    if (s.isSocket()) return 'socket';
    return 'device';
  } catch {
    try {
      if ((await lstat(path)).isSymbolicLink()) return 'broken-link';
    } catch {
      /* nothing there */
    }
    return undefined;
  }
}

/** Why a config file's place holds no JSON file (reading a FIFO would wait forever). */
async function notAFile(path: string, kind: Kind): Promise<string> {
  const what: Record<Exclude<Kind, 'file'>, string> = {
    dir: 'is a directory',
    fifo: 'is a named pipe (FIFO), not a file',
    socket: 'is a socket, not a file',
    device: 'is a device, not a file',
    'broken-link': 'is a broken symbolic link',
  };
  let to = '';
  if (kind === 'broken-link') {
    try {
      to = ` (to ${await readlink(path)}, which does not exist)`;
    } catch {
      /* gone meanwhile */
    }
  }
  return `${path} ${what[kind as Exclude<Kind, 'file'>]}${to}; expected a JSON file`;
}

/** Which file a non-standard name holds, judged by its top-level keys (e.g. golden subsets). */
function roleByContent(value: unknown): FileRole | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if ('lxc_configs' in v) return 'lxc';
  if ('vms' in v) return 'vm';
  if ('core_paths' in v || 'domain_name' in v) return 'hypervisor';
  if ('vm_defaults' in v) return 'vm';
  return undefined;
}

export async function readConfigFiles(opts: ReadOptions): Promise<ReadResult> {
  const diagnostics = new Diagnostics();
  const sources: Partial<Record<FileRole, SourceFile>> = {};
  const tried = new Set<FileRole>(); // present but unreadable/broken: do not look elsewhere

  const load = async (path: string, role: FileRole | undefined): Promise<SourceFile | undefined> => {
    const file = basename(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      diagnostics.error(file, '', `cannot read ${path}: ${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
      if (role) tried.add(role);
      return undefined;
    }
    const doc = parseJson(text);
    if (!doc.ok) {
      diagnostics.add({ severity: 'error', file, path: '', message: `invalid JSON: ${doc.message}`, line: doc.at.line, column: doc.at.column });
      if (role) tried.add(role);
      return undefined;
    }
    const r = role ?? roleByContent(doc.value);
    if (!r) {
      diagnostics.error(file, '', `cannot tell which Phoenix file this is: name it ${ROLES.map((x) => FILE_NAMES[x]).join(', ')}, or give it lxc_configs, vms or core_paths`);
      return undefined;
    }
    const src: SourceFile = { role: r, file, path, doc };
    for (const d of doc.duplicates) diagnostics.add(diagAt(src, 'error', d.path, `duplicate key: also defined at line ${d.first.line}; JSON would silently keep only the last one`));
    return src;
  };

  // 1. Which directory (and maybe which file) the user means.
  let dir: string | undefined;
  let named: string | undefined;
  const explicit = opts.config ?? opts.env.PHOENIX_CONFIG;
  if (explicit !== undefined && explicit !== '') {
    const from = opts.config !== undefined ? '--config' : 'PHOENIX_CONFIG';
    const abs = resolve(opts.cwd, explicit);
    const kind = await kindOf(abs);
    if (!kind) {
      diagnostics.error('', '', `${from} ${explicit}: no such file or directory`);
      return { sources, diagnostics };
    }
    if (kind === 'dir') dir = abs;
    else if (kind === 'file') [dir, named] = [dirname(abs), abs];
    else {
      diagnostics.error(basename(abs), '', `${from} ${explicit}: ${await notAFile(abs, kind)}`);
      return { sources, diagnostics };
    }
  } else {
    const here = await Promise.all(ROLES.map((r) => kindOf(resolve(opts.cwd, FILE_NAMES[r]))));
    const fallback = opts.defaultDir ?? DEFAULT_CONFIG_DIR;
    if (here.some((k) => k !== undefined)) dir = resolve(opts.cwd);
    else if ((await kindOf(fallback)) === 'dir') dir = fallback;
    else {
      diagnostics.error('', '', `no Phoenix config found: none of ${Object.values(FILE_NAMES).join(', ')} in ${opts.cwd}, and ${fallback} does not exist; pass --config DIR or set PHOENIX_CONFIG`);
      return { sources, diagnostics };
    }
  }

  // 2. The named file, then the hypervisor file, then the guest files.
  if (named) {
    const role = ROLES.find((r) => FILE_NAMES[r] === basename(named!));
    const src = await load(named, role);
    if (src) sources[src.role] = src;
    else if (!role) return { dir, sources, diagnostics };
  }
  const std = (r: FileRole) => resolve(dir!, FILE_NAMES[r]);
  // Something in a config file's place that is not a file: say what it is (never read a FIFO).
  const present = async (path: string, role: FileRole): Promise<boolean> => {
    const kind = await kindOf(path);
    if (kind === 'file') return true;
    if (kind) {
      diagnostics.error(basename(path), '', await notAFile(path, kind));
      tried.add(role);
    }
    return false;
  };
  if (!sources.hypervisor && !tried.has('hypervisor') && (await present(std('hypervisor'), 'hypervisor'))) {
    const src = await load(std('hypervisor'), 'hypervisor');
    if (src) sources.hypervisor = src;
  }
  const hyp = sources.hypervisor;
  const corePaths = (hyp?.doc.value as { core_paths?: Record<string, unknown> } | undefined)?.core_paths;
  for (const role of ['lxc', 'vm'] as const) {
    if (sources[role] || tried.has(role)) continue;
    const key = CORE_PATH_KEYS[role];
    const given = corePaths && typeof corePaths === 'object' ? corePaths[key] : undefined;
    let path = std(role);
    if (hyp && typeof given === 'string' && given !== '') {
      const wanted = resolve(dirname(hyp.path), given);
      const beside = resolve(dirname(hyp.path), basename(given));
      const at = ['core_paths', key];
      const wantedKind = await kindOf(wanted);
      if (wantedKind === 'file') path = wanted;
      else if (wantedKind && wantedKind !== 'dir') {
        diagnostics.add(diagAt(hyp, 'error', at, await notAFile(wanted, wantedKind)));
        continue;
      } else if ((await kindOf(beside)) === 'file') {
        diagnostics.add(diagAt(hyp, 'debug', at, `${given} does not exist here; using ${basename(given)} beside ${hyp.file}`));
        path = beside;
      } else {
        diagnostics.add(diagAt(hyp, 'warning', at, `${given} does not exist, nor does ${basename(given)} beside ${hyp.file}; no ${role === 'lxc' ? 'containers' : 'VMs'} loaded`));
        continue;
      }
    }
    if (!(await present(path, role))) continue;
    const src = await load(path, role);
    if (src) sources[role] = src;
  }

  if (!sources.hypervisor && !sources.lxc && !sources.vm && !diagnostics.hasErrors()) diagnostics.error('', '', `no Phoenix config files in ${dir} (expected ${Object.values(FILE_NAMES).join(', ')})`);
  return { dir, sources, diagnostics };
}
