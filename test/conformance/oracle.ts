// Proxmox's own code as an oracle: ../shared/pve-oracle (Proxmox VE 9.1's Perl, run over a call log
// and a state directory; never bundled). Used by the conformance step and the differential tests.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ORACLE_HOME = fileURLToPath(new URL('../../../shared/pve-oracle/', import.meta.url));
export const ORACLE = `${ORACLE_HOME}pve-oracle.sh`;

let reason: string | false | undefined;

/** Why the oracle cannot run here (a node:test skip reason), or false when it can. */
export function oracleSkipReason(): string | false {
  if (reason === undefined) {
    if (!existsSync(ORACLE)) reason = 'needs ../shared/pve-oracle (absent)';
    else if (process.getuid?.() !== 0) reason = 'pve-oracle must run as root (PVE::RPCEnvironment refuses otherwise)';
    else {
      try {
        execFileSync('perl', ['-MJSON', '-MTest::MockModule', '-e1'], { stdio: 'ignore' });
        reason = false;
      } catch {
        reason = "pve-oracle's Perl libraries are not installed (run ../shared/pve-oracle/install-deps.sh)";
      }
    }
  }
  return reason;
}

export interface OracleProblem {
  kind: 'call' | 'config' | 'input';
  /** `call#N` (line N of the calls file) or the config file's path. */
  where: string;
  cmd?: string;
  msg: string;
}

export interface OracleReport {
  calls: number;
  rejected: number;
  configs: number;
  config_problems: number;
  problems: OracleProblem[];
  notes: string[];
}

/** Runs the oracle once: `callsFile` (or '-') against `stateDir` (or '-'), JSON report. */
export function runOracle(callsFile: string, stateDir: string): Promise<OracleReport> {
  return new Promise((resolve, reject) => {
    execFile(ORACLE, ['--json', callsFile, stateDir], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      // Exit 1 only says that there were problems; the report says which.
      try {
        resolve(JSON.parse(stdout) as OracleReport);
      } catch {
        reject(new Error(`pve-oracle failed (${err?.message ?? 'no JSON'}):\n${stderr}\n${stdout.slice(0, 2000)}`));
      }
    });
  });
}
