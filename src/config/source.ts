// The three Phoenix files and what the loader keeps of each once read and parsed.
import type { Diagnostic, Severity } from '../diag/diagnostic.js';
import { formatPath } from '../diag/diagnostic.js';
import type { JsonDocument, JsonPath } from './json.js';

export type FileRole = 'hypervisor' | 'lxc' | 'vm';

/** The file names of the original layout, which ours keeps. */
export const FILE_NAMES: Record<FileRole, string> = {
  hypervisor: 'phoenix_hypervisor_config.json',
  lxc: 'phoenix_lxc_configs.json',
  vm: 'phoenix_vm_configs.json',
};

export const ROLES: FileRole[] = ['hypervisor', 'lxc', 'vm'];

/** Where Phoenix looks last when neither --config, PHOENIX_CONFIG nor the cwd names the files. */
export const DEFAULT_CONFIG_DIR = '/usr/local/phoenix_hypervisor/etc';

/** One parsed file: its name as users know it, its absolute path, its JSON and locations. */
export interface SourceFile {
  role: FileRole;
  /** Basename, used in diagnostics. */
  file: string;
  /** Absolute path. */
  path: string;
  doc: JsonDocument;
}

/** A located diagnostic about `src` at `path`; line/column looked up from the JSON. */
export function diagAt(src: SourceFile, severity: Severity, path: JsonPath, message: string): Diagnostic {
  const loc = src.doc.locate(path);
  return { severity, file: src.file, path: formatPath(path), message, ...(loc ? { line: loc.line, column: loc.column } : {}) };
}
