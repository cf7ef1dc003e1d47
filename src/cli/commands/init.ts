// `phoenix init [DIR]`: a small starter config — one container, one VM — in the original layout,
// each file pointing at its JSON Schema (`$schema`, a path relative to the file, into the installed
// package's schema/ directory) so an editor completes and checks keys. JSON has no comments: the
// explanation is a README.md written beside the files. Existing files are never overwritten.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { FILE_NAMES } from '../../config/source.js';
import { UsageError } from '../../diag/errors.js';
import { packageRoot } from '../../features/registry.js';
import { out, type CommandRun } from '../io.js';

const schemaRef = (dir: string, file: string) => {
  const rel = relative(dir, join(packageRoot(), 'schema', file.replace(/\.json$/, '.schema.json')));
  return rel.startsWith('.') || rel.startsWith('/') ? rel : `./${rel}`;
};

export function starterFiles(dir: string): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 4)}\n`;
  return {
    [FILE_NAMES.hypervisor]: json({
      $schema: schemaRef(dir, FILE_NAMES.hypervisor),
      domain_name: 'home.arpa',
      network: { interfaces: { name: 'vmbr0', address: '192.168.10.2/24', gateway: '192.168.10.1' } },
    }),
    [FILE_NAMES.lxc]: json({
      $schema: schemaRef(dir, FILE_NAMES.lxc),
      lxc_configs: {
        '100': {
          name: 'web',
          template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          storage_pool: 'local-lvm',
          storage_size_gb: 8,
          memory_mb: 1024,
          cores: 1,
          network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.100/24', gw: '192.168.10.1', nameservers: '192.168.10.1' },
          features: ['base_setup'],
          tags: ['web'],
        },
      },
    }),
    [FILE_NAMES.vm]: json({
      $schema: schemaRef(dir, FILE_NAMES.vm),
      vm_defaults: { cores: 2, memory_mb: 2048, disk_size_gb: 16, storage_pool: 'local-lvm', network_bridge: 'vmbr0' },
      vms: [
        {
          vmid: 110,
          name: 'apps',
          template_image: 'local:import/noble-server-cloudimg-amd64.qcow2',
          network_config: { ip: '192.168.10.110/24', gw: '192.168.10.1', nameserver: '192.168.10.1' },
          user_config: { username: 'admin' },
          tags: ['apps'],
        },
      ],
    }),
    'README.md': README,
  };
}

const README = `# Phoenix config (starter)

Written by \`phoenix init\`: one container and one VM. Edit the JSON files; JSON has no comments,
so what each part means is here. Every key is described in the JSON Schemas the files name in
\`$schema\` (an editor such as VS Code then completes keys and flags typos), and in Phoenix's
\`docs/config.md\`.

| file | what it holds |
|---|---|
| \`phoenix_hypervisor_config.json\` | host-wide settings: the DNS domain, the host's bridge(s) under \`network.interfaces\` (guests may only use these) |
| \`phoenix_lxc_configs.json\` | containers, keyed by CTID: \`100\` \`web\`, a Debian 12 container from a template on \`local\` with a fixed address and the \`base_setup\` feature |
| \`phoenix_vm_configs.json\` | \`vm_defaults\` (every VM's defaults) and \`vms\`: \`110\` \`apps\`, an Ubuntu cloud image VM (the image is on \`local\` import storage) |

Change the addresses (\`192.168.10.0/24\` here), the storage (\`local-lvm\`) and the template or image
names to what your Proxmox host has, then:

\`\`\`sh
phoenix validate          # every problem in the files, located
phoenix plan              # what would be done, nothing changed
phoenix up                # create, configure and start both guests
\`\`\`

Without Proxmox on this machine Phoenix uses its built-in simulator (and says so), whose fresh
host has exactly these storages, bridge, template and image.
`;

export const run: CommandRun = async (ctx) => {
  if (ctx.args.length > 1) throw new UsageError('phoenix init takes at most one directory');
  const dir = resolve(ctx.io.cwd, ctx.args[0] ?? ctx.globals.config ?? '.');
  const files = starterFiles(dir);
  const present = Object.keys(files).filter((f) => existsSync(join(dir, f)));
  if (present.length) throw new UsageError(`${dir} already has ${present.join(', ')}; phoenix init overwrites nothing`, 'pick an empty directory: phoenix init DIR');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: 'wx' });
  out(ctx.io, `wrote ${Object.keys(files).join(', ')} in ${dir}`);
  out(ctx.io, `next: phoenix validate --config ${ctx.args[0] ?? ctx.globals.config ?? '.'}`);
  return 0;
};
