// A command health check runs inside the guest. The original project pointed its checks at
// scripts in its own install directory on the Proxmox host (/usr/local/phoenix_hypervisor/bin/...),
// which no guest has, so the check can only fail after everything else was done. Warned here (an
// application script could install that path in the guest, so it is not an error).
import { dirname } from 'node:path';
import { DEFAULT_CONFIG_DIR } from '../source.js';
import type { Rule } from './context.js';

const HOST_DIR = `${dirname(DEFAULT_CONFIG_DIR)}/`;

export const healthPaths: Rule = {
  name: 'health-paths',
  run(ctx) {
    const roots = [HOST_DIR, `${ctx.dir.replace(/\/$/, '')}/`];
    for (const e of ctx.entries) {
      const checks: Array<[Array<string | number>, unknown]> = [];
      const one = e.raw.health_check as { command?: unknown } | undefined;
      if (one && typeof one === 'object') checks.push([['health_check', 'command'], one.command]);
      const many = e.raw.health_checks;
      if (Array.isArray(many)) many.forEach((c, i) => c && typeof c === 'object' && checks.push([['health_checks', i, 'command'], (c as { command?: unknown }).command]));
      for (const [rel, command] of checks) {
        if (typeof command !== 'string') continue;
        const program = command.trim().split(/\s+/)[0] ?? '';
        const root = roots.find((r) => program.startsWith(r));
        if (root) ctx.report(e.src, 'warning', [...e.path, ...rel], `${program} is a path on the Phoenix host (under ${root}), but a health check command runs inside the guest, which does not have it unless a feature or the application script installs it there`);
      }
    }
  },
};
