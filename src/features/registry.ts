// Finds features by name. A user's own features live beside their config
// (`<configDir>/features/<name>/manifest.json` + `install.sh`) and override the built-ins shipped in
// the package's `features/` directory. A guest's `application_script` is looked up beside the config
// and runs like a last feature. Problems (unknown feature, bad manifest, missing requirement, wrong
// guest kind) are returned as messages naming the guest, all of them, before anything runs.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_NAME, type FeatureManifest, parseManifest } from './manifest.js';
import { escapesTo, isPlainRelative } from '../util/confine.js';

export type FeatureSource = 'builtin' | 'user' | 'application_script';

export interface ResolvedFeature {
  /** Feature name; `application_script` for the guest's application script. */
  name: string;
  source: FeatureSource;
  scriptPath: string;
  /** Phoenix's helper library, pushed beside the script (it is part of what runs, and of the hash). */
  libPath: string;
  manifest: FeatureManifest;
  /** The application script receives all of the guest's own inputs; features only their declared ones. */
  receivesAllGuestInputs: boolean;
}

/** Phoenix's in-guest helper library, pushed beside every script (features/_shared/phoenix-lib.sh). */
export const SHARED_LIB = join('_shared', 'phoenix-lib.sh');
export const APPLICATION_SCRIPT = 'application_script';
const APPLICATION_SCRIPT_TIMEOUT_SEC = 3600;

let packageRootCache: string | undefined;

/** The directory of the installed `phoenix-pve` package (works from src/ under tsx and from dist/). */
export function packageRoot(): string {
  if (packageRootCache) return packageRootCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'phoenix-pve') {
          return (packageRootCache = dir);
        }
      } catch {
        // an unreadable package.json on the way up is not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the phoenix-pve package root (package.json) to locate built-in features');
    dir = up;
  }
}

export function builtinFeaturesDir(): string {
  return join(packageRoot(), 'features');
}

export interface RegistryOptions {
  configDir: string;
  /** Defaults to the package's features/ directory. */
  builtinDir?: string;
}

export type Lookup = { ok: true; feature: ResolvedFeature } | { ok: false; problem: string };

export class FeatureRegistry {
  readonly userDir: string;
  readonly builtinDir: string;
  private readonly cache = new Map<string, Lookup>();

  constructor(readonly opts: RegistryOptions) {
    this.userDir = join(opts.configDir, 'features');
    this.builtinDir = opts.builtinDir ?? builtinFeaturesDir();
  }

  /** Where features are searched, in precedence order. */
  searchDirs(): string[] {
    return [this.userDir, this.builtinDir];
  }

  /** Every feature name found in the search directories, sorted (for "did you mean"). */
  names(): string[] {
    const out = new Set<string>();
    for (const dir of this.searchDirs()) {
      let list: string[] = [];
      try {
        list = readdirSync(dir);
      } catch {
        continue; // no user features directory
      }
      for (const n of list) if (FEATURE_NAME.test(n) && isDir(join(dir, n))) out.add(n);
    }
    return [...out].sort();
  }

  get sharedLibPath(): string {
    return join(this.builtinDir, SHARED_LIB);
  }

  find(name: string): Lookup {
    let hit = this.cache.get(name);
    if (!hit) this.cache.set(name, (hit = this.load(name)));
    return hit;
  }

  private load(name: string): Lookup {
    if (!FEATURE_NAME.test(name)) return { ok: false, problem: `feature name ${JSON.stringify(name)} is not valid` };
    for (const [root, source] of [
      [this.userDir, 'user'],
      [this.builtinDir, 'builtin'],
    ] as const) {
      const dir = join(root, name);
      if (!isDir(dir)) continue;
      const manifestPath = join(dir, 'manifest.json');
      const scriptPath = join(dir, 'install.sh');
      if (!existsSync(manifestPath)) return { ok: false, problem: `feature "${name}" has no manifest.json (${dir})` };
      if (!existsSync(scriptPath)) return { ok: false, problem: `feature "${name}" has no install.sh (${dir})` };
      // A user feature stays inside the config directory, symlinks resolved.
      if (source === 'user') {
        for (const p of [dir, manifestPath, scriptPath]) {
          const to = escapesTo(this.opts.configDir, p);
          if (to) return { ok: false, problem: `feature "${name}" leads out of the config directory (${p} → ${to}); user features must live inside it` };
        }
      }
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
      } catch (e) {
        return { ok: false, problem: `feature "${name}": ${manifestPath} is not valid JSON (${(e as Error).message})` };
      }
      const r = parseManifest(raw, name);
      if (!r.ok) return { ok: false, problem: `feature "${name}": invalid ${manifestPath}: ${r.problems.join('; ')}` };
      return { ok: true, feature: { name, source, scriptPath, libPath: this.sharedLibPath, manifest: r.manifest, receivesAllGuestInputs: false } };
    }
    return { ok: false, problem: `feature "${name}" not found (looked in ${this.searchDirs().join(', ')})` };
  }

  /** `<configDir>/scripts/<file>`, then `<configDir>/<file>`. */
  applicationScriptCandidates(file: string): string[] {
    return [join(this.opts.configDir, 'scripts', file), resolve(this.opts.configDir, file)];
  }

  findApplicationScript(file: string): Lookup {
    // Confined to the config directory: no absolute path, no `..`, no symlink leading out.
    if (!isPlainRelative(file)) {
      return { ok: false, problem: `application_script ${JSON.stringify(file)} must be inside the config directory: a path relative to it (or to its scripts/ directory), without ".."` };
    }
    const candidates = this.applicationScriptCandidates(file);
    const scriptPath = candidates.find((p) => existsSync(p) && !isDir(p));
    if (!scriptPath) {
      return { ok: false, problem: `application_script "${file}" not found (looked in ${candidates.join(', ')})` };
    }
    const to = escapesTo(this.opts.configDir, scriptPath);
    if (to) return { ok: false, problem: `application_script ${JSON.stringify(file)} leads out of the config directory (${scriptPath} → ${to}); scripts must live inside it` };
    const manifest: FeatureManifest = {
      name: APPLICATION_SCRIPT,
      description: `application script ${basename(scriptPath)}`,
      kinds: ['lxc', 'vm'],
      requires: [],
      inputs: [],
      requiredInputs: [],
      timeoutSec: APPLICATION_SCRIPT_TIMEOUT_SEC,
    };
    return {
      ok: true,
      feature: {
        name: APPLICATION_SCRIPT,
        source: 'application_script',
        scriptPath,
        libPath: this.sharedLibPath,
        manifest,
        receivesAllGuestInputs: true,
      },
    };
  }
}

/** Every input key the built-in features declare, sorted (for config validation and docs). */
export function builtinInputKeys(builtinDir = builtinFeaturesDir()): string[] {
  const keys = new Set<string>();
  for (const name of readdirSync(builtinDir)) {
    const p = join(builtinDir, name, 'manifest.json');
    if (!FEATURE_NAME.test(name) || !existsSync(p)) continue;
    const r = parseManifest(JSON.parse(readFileSync(p, 'utf8')), name);
    if (r.ok) for (const k of r.manifest.inputs) keys.add(k);
  }
  return [...keys].sort();
}

export interface GuestFeatureRequest {
  id: number;
  kind: 'lxc' | 'vm';
  features: readonly string[];
  applicationScript?: string;
  /**
   * Features already applied to the guest this one is cloned from (its whole clone chain): a clone
   * carries them (and their markers), so they satisfy `requires`.
   */
  inherited?: readonly string[];
}

/**
 * The guest's features in run order (listed order, then the application script), or every problem
 * found: unknown features, bad manifests, unsupported guest kind, requirements not met.
 */
export function resolveGuestFeatures(registry: FeatureRegistry, guest: GuestFeatureRequest): { features: ResolvedFeature[]; problems: string[] } {
  const label = `${guest.kind === 'vm' ? 'VM' : 'container'} ${guest.id}`;
  const features: ResolvedFeature[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const available = new Set(guest.inherited ?? []);
  for (const name of guest.features) {
    if (seen.has(name)) {
      problems.push(`${label}: feature "${name}" is listed twice`);
      continue;
    }
    seen.add(name);
    const hit = registry.find(name);
    if (!hit.ok) {
      problems.push(`${label}: ${hit.problem}`);
      available.add(name); // do not also report dependents of an unknown feature
      continue;
    }
    const m = hit.feature.manifest;
    if (!m.kinds.includes(guest.kind)) {
      problems.push(`${label}: feature "${name}" does not support ${guest.kind} guests (supports: ${m.kinds.join(', ')})`);
    }
    for (const req of m.requires) {
      if (!available.has(req)) {
        problems.push(`${label}: feature "${name}" requires "${req}", which is neither listed before it nor applied to the guest it is cloned from`);
      }
    }
    available.add(name);
    features.push(hit.feature);
  }
  if (guest.applicationScript) {
    const hit = registry.findApplicationScript(guest.applicationScript);
    if (hit.ok) features.push(hit.feature);
    else problems.push(`${label}: ${hit.problem}`);
  }
  return { features, problems };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
