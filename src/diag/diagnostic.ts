// Diagnostics: every problem Phoenix reports about user input, located in a file and a JSON path.
// Functions that touch user input return diagnostics rather than throwing, so a user sees every
// problem in one run (Terraform's tfdiags habit).
import { oneLine } from '../util/terminal.js';

export type Severity = 'error' | 'warning' | 'info' | 'debug';

export interface Diagnostic {
  severity: Severity;
  /** File name as the user knows it (basename of the config file), or '' when not about a file. */
  file: string;
  /** JSON path in dotted form with quoted numeric-looking keys: lxc_configs."901".memory_mb */
  path: string;
  message: string;
  /** 1-based line/column when known (JSON syntax errors, or looked up from the path). */
  line?: number;
  column?: number;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): this {
    this.items.push(d);
    return this;
  }
  error(file: string, path: string, message: string): this {
    return this.add({ severity: 'error', file, path, message });
  }
  warning(file: string, path: string, message: string): this {
    return this.add({ severity: 'warning', file, path, message });
  }
  debug(file: string, path: string, message: string): this {
    return this.add({ severity: 'debug', file, path, message });
  }
  append(other: Diagnostics | Diagnostic[]): this {
    for (const d of other instanceof Diagnostics ? other.items : other) this.items.push(d);
    return this;
  }
  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }
  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }
}

/** Formats a JSON path from segments: ['lxc_configs','901','memory_mb'] → lxc_configs."901".memory_mb */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += out ? `.${s}` : s;
    else out += (out ? '.' : '') + JSON.stringify(s);
  }
  return out;
}

/** One line for a person: `file: path: message` (line:col when known). */
export function formatDiagnostic(d: Diagnostic): string {
  const loc = d.file ? (d.line ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file) : '';
  const where = [loc, d.path].filter(Boolean).join(': ');
  // Messages quote config values: a control character in one is shown, never sent to the terminal.
  return oneLine(`${d.severity}: ${where ? `${where}: ` : ''}${d.message}`);
}

/** The `--json` shape the CLI promises: [{severity, file, path, message}] (+line/column when known). */
export function diagnosticsToJson(ds: readonly Diagnostic[]): object[] {
  return ds.map((d) => ({
    severity: d.severity,
    file: d.file,
    path: d.path,
    message: d.message,
    ...(d.line ? { line: d.line, column: d.column } : {}),
  }));
}
