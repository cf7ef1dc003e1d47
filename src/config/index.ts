// Public entry of config/: find, read, validate and normalise the Phoenix files.
// (Contract stub — the config helper replaces the body; the signature is what other modules use.)
import type { Diagnostics } from '../diag/diagnostic.js';
import type { PhoenixConfig } from '../model/guest.js';

export interface LoadOptions {
  /** --config value: a directory or one of the Phoenix files. */
  config?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface LoadResult {
  /** Undefined when any error diagnostic was produced. */
  config?: PhoenixConfig;
  diagnostics: Diagnostics;
}

export async function loadPhoenixConfig(_opts: LoadOptions): Promise<LoadResult> {
  throw new Error('config loader not implemented yet');
}
