// phoenix_hypervisor_config.json: host-wide settings. Phoenix reads a few keys itself (domain,
// node, where the guest files are); sections that features use pass through untyped; sections
// that only the original's host set-up used are accepted and warned about as ignored.
import { z } from 'zod';
import { expecting, ignored, nodeName, nonEmpty, obj, secret, sshDestination, str } from './common.js';

const section = (description: string) => z.looseObject({}, expecting('an object')).optional().meta({ description });

export const HypervisorSchema = obj({
  $schema: str().optional(),
  version: str().optional(),
  author: str().optional(),
  domain_name: nonEmpty('a DNS domain like internal.example.com').optional().meta({ description: 'Default cloud-init search domain of VMs.' }),
  node: nonEmpty('a Proxmox node name').optional().meta({ description: 'Proxmox node to manage (default: the local node).' }),
  nodes: z.array(nodeName(), expecting('a list of Proxmox node names')).min(1, expecting('a non-empty list of Proxmox node names')).optional(),
  node_ssh: z
    .record(z.string(), sshDestination(), expecting('an object of node name → [user@]host'))
    .superRefine((m, ctx) => {
      // Checked here, not as the record's key type, so the message names the key and says why.
      for (const k of Object.keys(m)) {
        if (!nodeName().safeParse(k).success) ctx.addIssue({ code: 'custom', path: [k], message: `expected a Proxmox node name (letters, digits and "-"), got ${JSON.stringify(k)}` });
      }
    })
    .optional()
    .meta({ description: 'How each node is reached over SSH (OpenSSH, keys and known_hosts as for `ssh`): --driver pve-cli runs pct/qm there; --driver api uses it for what the API cannot do.' }),
  timezone: str().optional(),
  core_paths: z
    .looseObject(
      {
        lxc_config_file: nonEmpty('a path').optional(),
        vm_config_file: nonEmpty('a path').optional(),
      },
      expecting('an object of paths'),
    )
    .optional()
    .meta({ description: 'Where the guest files are; when a path does not exist, the same file name beside this file is used.' }),
  api: obj(
    {
      url: nonEmpty('the API address, https://HOST:8006').optional().meta({ description: '--driver api: the API address ($PHOENIX_API_URL wins).' }),
      fingerprint: nonEmpty("the certificate's SHA-256 fingerprint (pvenode cert info)").optional().meta({ description: "--driver api: pin the node's certificate ($PHOENIX_API_FINGERPRINT wins)." }),
      node: nonEmpty('a Proxmox node name').optional().meta({ description: '--driver api: the node ($PHOENIX_API_NODE wins).' }),
      node_ssh: sshDestination().optional().meta({ description: '--driver api: SSH destination for what the API cannot do ($PHOENIX_NODE_SSH wins).' }),
      token_file: nonEmpty('a path').optional().meta({ description: '--driver api: a file of mode 0600 holding USER@REALM!TOKENID=SECRET (relative to this file; $PHOENIX_API_TOKEN / $PHOENIX_API_TOKEN_FILE win). The token itself is never written here.' }),
      token: z
        .unknown()
        .optional()
        .superRefine((v, ctx) => {
          // The token only by reference: a secret in a config file ends up in backups and repositories.
          if (v !== undefined) ctx.addIssue({ code: 'custom', message: 'the API token is never written in the config: name a 0600 file holding it with "token_file", or export PHOENIX_API_TOKEN_FILE' });
        })
        .meta({ deprecated: true, description: 'Refused: the token only by reference (token_file).' }),
    },
    'an object',
  )
    .optional()
    .meta({ description: 'Where --driver api reaches Proxmox (each key loses to its PHOENIX_API_* variable and flag).' }),
  portainer_api: z
    .looseObject(
      {
        admin_user: str().optional(),
        admin_password: secret().optional(),
        portainer_hostname: str().optional(),
      },
      expecting('an object'),
    )
    .optional(),
  // Read by features or by template/image resolution; passed through as they are.
  network: section('Host network; read by features.'),
  mount_point_base: str().optional(),
  proxmox_storage_ids: section('Storage ids by role; used to find templates.'),
  zfs: section('ZFS pools and datasets; used to find the storage of templates.'),
  nvidia_driver: section('NVIDIA driver settings; read by the nvidia feature.'),
  docker: section('Docker images; read by features.'),
  dns_server: section('DNS server settings; read by the dns feature.'),
  step_ca: section('Step CA settings; read by the step_ca feature.'),
  vm_defaults: section('Host-wide VM settings such as ubuntu_release (cloud image download).'),
  // Host set-up done by the original's separate scripts, not by Phoenix.
  users: ignored('Phoenix does not create host users'),
  nfs: ignored('Phoenix does not configure the NFS server'),
  samba: ignored('Phoenix does not configure Samba'),
  proxmox_defaults: ignored('guest settings are not inherited from here; set them per guest or in vm_defaults'),
  tests: ignored('Phoenix runs health_checks, not test scripts'),
  behavior: ignored('see the CLI options'),
  shared_volumes: ignored('bind mounts are declared per container in mount_points'),
}).meta({ title: 'Phoenix host settings (phoenix_hypervisor_config.json)' });

export type HypervisorInput = z.output<typeof HypervisorSchema>;
