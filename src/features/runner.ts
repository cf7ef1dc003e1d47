// Applies one feature inside a guest, idempotently, through the driver only.
//
//   1. read the guest's marker (exec cat): same script + inputs as last time → skipped, nothing else
//   2. (re)make a private, empty run directory; push the helper library, the script (0700) and the inputs (0600)
//   3. exec the script with the inputs file as $1 (stderr merged into stdout, in order, for the log)
//   4. always remove the run directory, so inputs never stay behind; on success then push the
//      marker, last: a run killed before it reruns the feature (and cleans up) next time
//
// Every converge also clears the whole run area first (cleanRunArea), skipped features or not: a
// run killed between its script and its cleanup must not leave the inputs (secrets) in the guest.
//
// The feature sees only its declared inputs (never the host config); secret references among them
// are resolved here and scrubbed from the log and from every message returned.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProxmoxDriver, ProxmoxReader } from '../proxmox/driver.js';
import type { GuestType } from '../proxmox/types.js';
import { SecretScrubber } from '../util/redact.js';
import { containsSecretRef, resolveSecretsDeep, type SecretContext } from '../util/secrets.js';
import { renderInputsFile, type Inputs } from './inputs.js';
import { FeatureLog, tailLines } from './log.js';
import { buildMarker, compareMarker, digestOf, markerPath, MARKER_DIR, parseMarker, RUN_DIR, type ChangeReason, type FeatureDigest, type FeatureMarker } from './marker.js';
import type { ResolvedFeature } from './registry.js';

export interface GuestRef {
  type: GuestType;
  vmid: number;
}

export interface FeatureRunOptions {
  /** The feature's inputs, already selected (selectInputs); may hold secret references. */
  inputs: Inputs;
  /** Host log file for this guest and run; omitted → output is only returned as the tail. */
  logFile?: string;
  signal?: AbortSignal;
  /** Needed when inputs hold secret references; its scrubber also cleans the log. */
  secrets?: SecretContext;
  now?: () => Date;
}

export interface FeatureResult {
  feature: string;
  status: 'applied' | 'skipped' | 'failed';
  /** Why it ran (applied/failed). */
  reason?: ChangeReason;
  exitCode?: number;
  /** Last lines of the feature's output (scrubbed). */
  logTail?: string[];
  /** One line for a person, for failures: feature, guest, exit code. */
  message?: string;
}

export function guestLabel(g: GuestRef): string {
  return `${g.type === 'qemu' ? 'VM' : 'container'} ${g.vmid}`;
}

interface Prepared {
  script: string;
  lib: string;
  inputsText: string;
  digest: FeatureDigest;
  scrubber: SecretScrubber;
}

async function prepare(feature: ResolvedFeature, opts: Pick<FeatureRunOptions, 'inputs' | 'secrets'>): Promise<Prepared> {
  const [script, lib] = await Promise.all([readFile(feature.scriptPath, 'utf8'), readFile(feature.libPath, 'utf8')]);
  const scrubber = opts.secrets?.scrubber ?? new SecretScrubber();
  let inputs = opts.inputs;
  if (containsSecretRef(inputs)) {
    if (!opts.secrets) throw new Error(`feature "${feature.name}": inputs hold secret references but no secret context was given`);
    inputs = resolveSecretsDeep(inputs, opts.secrets) as Inputs;
  }
  const inputsText = renderInputsFile(inputs);
  return { script, lib, inputsText, digest: digestOf(script, lib, inputsText), scrubber };
}

/** Reads the guest's marker: null when absent, 'unreadable' when present but not a marker. */
async function readMarker(reader: ProxmoxReader, g: GuestRef, name: string, signal?: AbortSignal): Promise<FeatureMarker | null | 'unreadable'> {
  const r = await reader.exec(g.type, g.vmid, ['cat', markerPath(name)], { signal, timeoutMs: 30_000 });
  if (r.exitCode !== 0) return null;
  return parseMarker(r.stdout, name) ?? 'unreadable';
}

export interface FeaturePlan {
  feature: string;
  willRun: boolean;
  /** 'unchanged' when it would be skipped; 'guest not reachable' when the marker cannot be read (stopped guest). */
  reason: ChangeReason | 'unchanged' | 'guest not reachable';
  /** The digest a run would record in its marker. */
  digest: FeatureDigest;
  /** The marker could not be read now (the guest does not run yet): decided when it runs. */
  unreadable?: string;
}

/**
 * Would the feature run, and why. Read-only: one exec of `cat` on the marker. A guest that cannot
 * run commands (stopped) is answered "would run, guest not reachable" rather than an error.
 */
export async function planFeature(reader: ProxmoxReader, g: GuestRef, feature: ResolvedFeature, opts: Pick<FeatureRunOptions, 'inputs' | 'secrets' | 'signal'>): Promise<FeaturePlan> {
  const p = await prepare(feature, opts);
  let marker: Awaited<ReturnType<typeof readMarker>>;
  try {
    marker = await readMarker(reader, g, feature.name, opts.signal);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    return { feature: feature.name, willRun: true, reason: 'guest not reachable', digest: p.digest, unreadable: (e as Error).message };
  }
  const reason = compareMarker(marker, p.digest);
  return { feature: feature.name, willRun: reason !== null, reason: reason ?? 'unchanged', digest: p.digest };
}

export async function applyFeature(driver: ProxmoxDriver, g: GuestRef, feature: ResolvedFeature, opts: FeatureRunOptions & { force?: boolean }): Promise<FeatureResult> {
  opts.signal?.throwIfAborted();
  const name = feature.name;
  let p: Prepared;
  try {
    p = await prepare(feature, opts);
  } catch (e) {
    // An unresolvable secret or unreadable script: nothing was sent to the guest.
    const early = new FeatureLog(opts.logFile, opts.secrets?.scrubber ?? new SecretScrubber());
    const message = early.scrub(`feature "${name}" cannot run on ${guestLabel(g)}: ${(e as Error).message}`);
    await early.write(`== ${name}: ${message}`);
    return { feature: name, status: 'failed', message };
  }
  const log = new FeatureLog(opts.logFile, p.scrubber);
  // A plan that decided the feature runs is executed as planned (force); otherwise the marker decides.
  const compared = compareMarker(await readMarker(driver, g, name, opts.signal), p.digest);
  const reason = opts.force ? (compared ?? 'new') : compared;
  if (reason === null) {
    await log.write(`== ${name}: unchanged, skipped`);
    return { feature: name, status: 'skipped' };
  }

  const runDir = `${RUN_DIR}/${name}`;
  const guestScript = `${runDir}/install.sh`;
  const guestInputs = `${runDir}/inputs.json`;
  const local = await mkdtemp(join(tmpdir(), 'phoenix-feature-'));
  let dirCreated = false;
  try {
    const files = {
      lib: join(local, 'phoenix-lib.sh'),
      script: join(local, 'install.sh'),
      inputs: join(local, 'inputs.json'),
      marker: join(local, 'marker.json'),
    };
    await writeFile(files.lib, p.lib, { mode: 0o600 });
    await writeFile(files.script, p.script, { mode: 0o700 });
    await writeFile(files.inputs, p.inputsText, { mode: 0o600 });

    await log.write(`== ${name}: running (${reason}) on ${guestLabel(g)} at ${(opts.now?.() ?? new Date()).toISOString()}`);
    // A run killed before its cleanup may have left the last inputs (secrets) behind: start clean.
    await driver.exec(g.type, g.vmid, ['rm', '-rf', runDir], { signal: opts.signal });
    const mk = await driver.exec(g.type, g.vmid, ['mkdir', '-p', '-m', '0700', runDir, MARKER_DIR], { signal: opts.signal });
    if (mk.exitCode !== 0) return await fail(log, g, name, reason, mk.exitCode, `${mk.stdout}${mk.stderr}`, 'could not create its run directory');
    dirCreated = true;
    await driver.push(g.type, g.vmid, files.lib, `${runDir}/phoenix-lib.sh`, { perms: '0600' });
    await driver.push(g.type, g.vmid, files.script, guestScript, { perms: '0700' });
    await driver.push(g.type, g.vmid, files.inputs, guestInputs, { perms: '0600' });

    // sh only merges the streams; the script itself runs by its own #! line.
    const run = await driver.exec(g.type, g.vmid, ['/bin/sh', '-c', 'exec "$0" "$1" 2>&1', guestScript, guestInputs], {
      timeoutMs: feature.manifest.timeoutSec * 1000,
      signal: opts.signal,
    });
    const output = `${run.stdout}${run.stderr}`;
    await log.write(output);
    if (run.exitCode !== 0) return await fail(log, g, name, reason, run.exitCode, output);

    // The inputs go before the marker says "applied": once it does, no later run would look here.
    dirCreated = false;
    if (!(await removeRunDir(driver, g, runDir, log))) {
      return await fail(log, g, name, reason, undefined, '', `could not remove its run directory ${runDir} (it holds the inputs)`);
    }
    await writeFile(files.marker, `${JSON.stringify(buildMarker(name, p.digest, opts.now?.() ?? new Date()))}\n`, { mode: 0o600 });
    await driver.push(g.type, g.vmid, files.marker, markerPath(name), { perms: '0600' });
    await log.write(`== ${name}: applied`);
    return { feature: name, status: 'applied', reason, exitCode: 0 };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    // A driver error may carry what the command printed before it ended (PveCommandError does).
    const err = e as Error & { stdout?: unknown; stderr?: unknown; timedOut?: unknown };
    const partial = `${typeof err.stdout === 'string' ? err.stdout : ''}${typeof err.stderr === 'string' ? err.stderr : ''}`;
    if (partial) await log.write(partial);
    const what = err.timedOut === true ? `timed out after ${feature.manifest.timeoutSec} s (its timeoutSec)` : err.message;
    return await fail(log, g, name, reason, undefined, partial, what);
  } finally {
    await rm(local, { recursive: true, force: true });
    if (dirCreated) await removeRunDir(driver, g, runDir, log);
  }
}

/**
 * Removes every feature's run directory in the guest when one is there (what a killed run may
 * have left: inputs with resolved secrets). Looked at before a guest's features are, whether they
 * run or not: one read (`ls -A`), and an `rm -rf` only when something is left.
 */
export async function cleanRunArea(driver: ProxmoxDriver, g: GuestRef, opts: { logFile?: string; signal?: AbortSignal; scrubber?: SecretScrubber } = {}): Promise<void> {
  const look = await driver.exec(g.type, g.vmid, ['ls', '-A', RUN_DIR], { signal: opts.signal, timeoutMs: 30_000 });
  if (look.exitCode !== 0 || !look.stdout.trim()) return;
  const log = new FeatureLog(opts.logFile, opts.scrubber ?? new SecretScrubber());
  await log.write(`== removing what an interrupted run left in ${RUN_DIR}: ${look.stdout.trim().split(/\s+/).join(', ')}`);
  if (!(await removeRunDir(driver, g, RUN_DIR, log))) throw new Error(`could not remove ${RUN_DIR} (an interrupted run left feature inputs there)`);
}

/** true when the directory is gone; a failure is logged as a warning. */
async function removeRunDir(driver: ProxmoxDriver, g: GuestRef, runDir: string, log: FeatureLog): Promise<boolean> {
  try {
    const r = await driver.exec(g.type, g.vmid, ['rm', '-rf', runDir], { timeoutMs: 60_000 });
    if (r.exitCode === 0) return true;
    await log.write(`warning: could not remove ${runDir}: ${r.stderr.trim()}`);
  } catch (e) {
    await log.write(`warning: could not remove ${runDir}: ${(e as Error).message}`);
  }
  return false;
}

async function fail(log: FeatureLog, g: GuestRef, name: string, reason: ChangeReason, exitCode: number | undefined, output: string, what?: string): Promise<FeatureResult> {
  const tail = tailLines(output, (t) => log.scrub(t));
  const how = log.scrub(what ?? (exitCode === undefined ? 'did not complete' : `exited with code ${exitCode}`));
  const where = log.path ? `; log: ${log.path}` : '';
  const message = `feature "${name}" failed on ${guestLabel(g)}: ${how}${where}`;
  await log.write(`== ${name}: FAILED: ${how}`);
  return { feature: name, status: 'failed', reason, ...(exitCode === undefined ? {} : { exitCode }), logTail: tail, message };
}
