// Secrets written as literals in a config file end up in backups, repositories and pushed copies.
// Warn (never echoing the value) and point at the reference forms resolved only when needed.
import type { JsonPath } from '../json.js';
import type { Rule } from './context.js';

const ADVICE = 'a plaintext secret in the config file; write {"env": "VAR_NAME"} or {"file": "/path/to/secret"} instead';

export const plaintextSecrets: Rule = {
  name: 'plaintext-secrets',
  run(ctx) {
    const hyp = ctx.parsed.sources.hypervisor;
    const pw = ctx.parsed.hypervisor?.portainer_api?.admin_password;
    if (hyp && typeof pw === 'string' && pw !== '') ctx.report(hyp, 'warning', ['portainer_api', 'admin_password'], ADVICE);
    for (const e of ctx.entries) {
      if (e.guest?.kind !== 'vm' || typeof e.guest.cloudInit.password !== 'string') continue;
      const at: JsonPath = ctx.keyPath(e, 'user_config', 'password');
      ctx.report(e.src, 'warning', at[0] === 'vm_defaults' ? at : [...e.path, 'user_config', 'password'], ADVICE);
    }
  },
};
