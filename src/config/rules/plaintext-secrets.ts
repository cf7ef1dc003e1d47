// Secrets written as literals in a config file end up in backups, repositories and pushed copies.
// Warn (never echoing the value) at every string under a secret-looking key (util/redact.ts says
// which keys: password, token, secret, credential, a qualified key such as api_key; not public
// keys or paths such as ssh_public_keys or key_file), and point at the reference forms resolved
// only when needed. The values are also scrubbed from every output of a run (session.ts).
import { secretLiterals } from '../../util/redact.js';
import { ROLES } from '../source.js';
import type { Rule } from './context.js';

const ADVICE = 'a plaintext secret in the config file; write {"env": "VAR_NAME"} or {"file": "/path/to/secret"} instead';

export const plaintextSecrets: Rule = {
  name: 'plaintext-secrets',
  run(ctx) {
    for (const role of ROLES) {
      const src = ctx.parsed.sources[role];
      if (!src) continue;
      for (const { path } of secretLiterals(src.doc.value)) ctx.report(src, 'warning', path, ADVICE);
    }
  },
};
