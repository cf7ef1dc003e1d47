// Builders for config tests: in-memory sources for the pure core (validateSources) and temporary
// directories for the loader and the CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadResult, validateSources } from '../../src/config/index.js';
import { parseJson } from '../../src/config/json.js';
import { FILE_NAMES, type FileRole, type SourceFile } from '../../src/config/source.js';

export type FileContents = Partial<Record<FileRole, object | string>>;

const text = (v: object | string) => (typeof v === 'string' ? v : `${JSON.stringify(v, null, 2)}\n`);

/** Parsed in-memory sources named like the real files. */
export function sourcesFrom(files: FileContents): Partial<Record<FileRole, SourceFile>> {
  const out: Partial<Record<FileRole, SourceFile>> = {};
  for (const [role, content] of Object.entries(files) as Array<[FileRole, object | string]>) {
    const doc = parseJson(text(content));
    if (!doc.ok) throw new Error(`test config for ${role} is not JSON: ${doc.message}`);
    out[role] = { role, file: FILE_NAMES[role], path: `/virtual/${FILE_NAMES[role]}`, doc };
  }
  return out;
}

/** Runs parse, normalise and every rule on in-memory files. */
export function validate(files: FileContents): LoadResult {
  return validateSources(sourcesFrom(files), '/virtual');
}

/** A container that passes every rule on its own; override fields per test. */
export function ct(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'ct', template: 'local:vztmpl/debian-12.tar.zst', memory_mb: 512, cores: 1, ...over };
}

/** A VM that passes every rule on its own. */
export function vm(vmid: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { vmid, name: `vm${vmid}`, template_image: 'noble-server-cloudimg-amd64.qcow2', ...over };
}

export const lxcFile = (guests: Record<string, unknown>, root: Record<string, unknown> = {}) => ({ ...root, lxc_configs: guests });
export const vmFile = (vms: unknown[], defaults?: Record<string, unknown>) => ({ ...(defaults ? { vm_defaults: defaults } : {}), vms });

/** A fresh temporary directory holding `files` (role → content, or file name → content). */
export function tempConfigDir(files: Record<string, object | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-config-'));
  for (const [name, content] of Object.entries(files)) {
    const fileName = name in FILE_NAMES ? FILE_NAMES[name as FileRole] : name;
    writeFileSync(join(dir, fileName), text(content));
  }
  return dir;
}

/** The diagnostics of a result as "severity path: message" lines, for readable assertions. */
export function lines(r: LoadResult, severity?: string): string[] {
  return r.diagnostics.items.filter((d) => !severity || d.severity === severity).map((d) => `${d.severity} ${d.path}: ${d.message}`);
}
