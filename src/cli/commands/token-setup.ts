// `phoenix token-setup [--pve 8|9] [--user phoenix@pve] [--token phoenix] [--role PhoenixOrchestrator]`:
// prints — never runs — the `pveum` commands that make a user, a role with exactly the privileges
// the API driver needs (proxmox/api/privileges.ts, derived from the endpoints it calls and their
// permission checks), the ACL, and a token; then where to keep the secret. Privilege names differ
// between PVE 8 (VM.Monitor) and 9 (VM.GuestAgent.*), so the release is asked or named.
import { UsageError } from '../../diag/errors.js';
import { CONDITIONAL_PRIVILEGES, type PveMajor, rolePrivileges } from '../../proxmox/api/privileges.js';
import { type CommandRun, out } from '../io.js';

const USER = /^[^\s@:!]+@[A-Za-z][A-Za-z0-9._-]*$/;
const NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;

export const run: CommandRun = async (ctx) => {
  const o = ctx.options as { pve?: string; user?: string; token?: string; role?: string };
  const pveText = String(o.pve ?? '9').replace(/\..*$/, '');
  if (pveText !== '8' && pveText !== '9') throw new UsageError(`--pve expects 8 or 9, got '${o.pve}'`);
  const v = Number(pveText) as PveMajor;
  const user = o.user ?? 'phoenix@pve';
  const token = o.token ?? 'phoenix';
  const role = o.role ?? 'PhoenixOrchestrator';
  if (!USER.test(user)) throw new UsageError(`--user expects USER@REALM, got '${user}'`);
  if (!NAME.test(token)) throw new UsageError(`--token expects a token id (a letter, then letters, digits, ".", "_" or "-"), got '${token}'`);
  if (!NAME.test(role)) throw new UsageError(`--role expects a role name, got '${role}'`);
  const privs = rolePrivileges(v);
  const extra = CONDITIONAL_PRIVILEGES.filter((c) => c.since === undefined || v >= c.since);
  const lines = [
    `# Phoenix's API token with least privilege, Proxmox VE ${v}.x. Run these as root on one node of the cluster;`,
    '# Phoenix prints them and never runs them.',
    `pveum user add ${user} --comment 'Phoenix orchestrator'`,
    `pveum role add ${role} --privs '${privs.join(',')}'`,
    `pveum acl modify / --users ${user} --roles ${role}`,
    `pveum user token add ${user} ${token} --privsep 0`,
    '',
    '# The last command prints the secret once. Keep it in a file only you can read, and point Phoenix at it:',
    `#   (umask 077; mkdir -p ~/.config/phoenix; cat > ~/.config/phoenix/api-token)   # paste ${user}!${token}=SECRET, then Ctrl-D`,
    '#   export PHOENIX_API_TOKEN_FILE=~/.config/phoenix/api-token   (or "api": {"token_file": ...} in the hypervisor config)',
    '',
    '# Only if your config needs it (Proxmox checks it on / itself):',
    ...[...new Map(extra.map((c) => [c.priv, extra.filter((x) => x.priv === c.priv).map((x) => x.when)])).entries()].flatMap(([priv, whens]) => [`#   ${whens.join('; or ')}:`, `#   pveum role add ${role}Host --privs '${priv}' && pveum acl modify / --users ${user} --roles ${role}Host`]),
    '',
    '# No token can do these; they need root over SSH to the node (PHOENIX_NODE_SSH=root@NODE, see docs/api-driver.md):',
    '#   features in containers (pct exec/push), raw lxc.* lines, bind mounts (host paths in mount_points),',
    '#   container feature flags other than nesting, removing a stale lock, the bulk inventory read (optional).',
  ];
  for (const l of lines) out(ctx.io, l);
  return 0;
};
