// Every validation rule, each with the smallest config that trips it, plus the clean case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ct, lxcFile, sourcesFrom, validate, vm, vmFile, type FileContents } from '../../../test/helpers/config.js';
import { validateSources } from '../index.js';

interface Case {
  name: string;
  files: FileContents;
  severity?: 'error' | 'warning';
  file?: string;
  path: string;
  message: RegExp;
}

const LXC = 'phoenix_lxc_configs.json';
const VM = 'phoenix_vm_configs.json';
const HYP = 'phoenix_hypervisor_config.json';
const net = (ip: string, extra: Record<string, unknown> = {}) => ({ network_config: { name: 'eth0', bridge: 'vmbr0', ip, ...extra } });

const cases: Case[] = [
  // schema: wrong types, located and quoting what was found
  { name: 'wrong type', files: { lxc: lxcFile({ '901': ct({ memory_mb: '2G' }) }) }, path: 'lxc_configs."901".memory_mb', message: /^expected an integer ≥ 16, got "2G"$/ },
  { name: 'missing name', files: { lxc: lxcFile({ '901': { template: 't' } }) }, path: 'lxc_configs."901".name', message: /^missing, expected a hostname$/ },
  { name: 'disk size 0', files: { lxc: lxcFile({ '901': ct({ storage_size_gb: 0 }) }) }, path: 'lxc_configs."901".storage_size_gb', message: /expected a size in GB ≥ 1, got 0/ },
  { name: 'negative VM disk', files: { vm: vmFile([vm(9000, { disk_size_gb: -5 })]) }, file: VM, path: 'vms[0].disk_size_gb', message: /expected a size in GB ≥ 1, got -5/ },
  { name: 'vmid not an integer', files: { vm: vmFile([vm(9000, { vmid: '9000' })]) }, file: VM, path: 'vms[0].vmid', message: /expected an integer VM id, got "9000"/ },
  { name: 'bad gpu_assignment', files: { lxc: lxcFile({ '901': ct({ gpu_assignment: 'all' }) }) }, path: 'lxc_configs."901".gpu_assignment', message: /expected "none", GPU indices like "0,1"/ },
  { name: 'bad MAC', files: { lxc: lxcFile({ '901': ct({ mac_address: '52:54:00:AA:BB' }) }) }, path: 'lxc_configs."901".mac_address', message: /expected a MAC address/ },
  // normalisation
  { name: 'unreadable lxc_options entry', files: { lxc: lxcFile({ '901': ct({ lxc_options: ['apparmor=unconfined'] }) }) }, path: 'lxc_configs."901".lxc_options[0]', message: /expected a raw LXC setting/ },
  { name: 'unknown Proxmox feature', files: { lxc: lxcFile({ '901': ct({ pct_options: ['nestin=1'] }) }) }, path: 'lxc_configs."901".pct_options[0]', message: /expected a Proxmox container feature .* got "nestin=1"/ },
  {
    name: 'apparmor_profile contradicts lxc_options',
    files: { lxc: lxcFile({ '901': ct({ apparmor_profile: 'unconfined', lxc_options: ['lxc.apparmor.profile=generated'] }) }) },
    path: 'lxc_configs."901".apparmor_profile',
    message: /contradicts lxc_options, which sets lxc.apparmor.profile to "generated"/,
  },
  // guest-ids
  { name: 'non-numeric CTID key', files: { lxc: lxcFile({ web: ct() }) }, path: 'lxc_configs.web', message: /expected a CTID key of digits like "901", got "web"/ },
  { name: 'CTID below 100', files: { lxc: lxcFile({ '99': ct() }) }, path: 'lxc_configs."99"', message: /expected an id from 100 to 999999999 .*got 99/ },
  { name: 'vmid above the maximum', files: { vm: vmFile([vm(1_000_000_000)]) }, file: VM, path: 'vms[0].vmid', message: /expected an id from 100 to 999999999 .*got 1000000000/ },
  // duplicate-ids
  { name: 'id in both files', files: { lxc: lxcFile({ '5000': ct() }), vm: vmFile([vm(5000)]) }, file: VM, path: 'vms[0].vmid', message: /id 5000 is both a container \(phoenix_lxc_configs.json: lxc_configs."5000"\) and a VM/ },
  { name: 'vmid twice', files: { vm: vmFile([vm(9000), vm(9000, { name: 'other' })]) }, file: VM, path: 'vms[1].vmid', message: /id 9000 is used twice: also by phoenix_vm_configs.json: vms\[0\]/ },
  { name: 'CTID written twice ("0901" and "901")', files: { lxc: lxcFile({ '901': ct(), '0901': ct({ name: 'b' }) }) }, path: 'lxc_configs."0901"', message: /id 901 is used twice/ },
  // references
  { name: 'dependency names no guest', files: { lxc: lxcFile({ '901': ct({ dependencies: ['1002'] }) }), vm: vmFile([]) }, path: 'lxc_configs."901".dependencies[0]', message: /dependency 1002 names no guest in phoenix_lxc_configs.json or phoenix_vm_configs.json$/ },
  { name: 'dependency with no VM file loaded', files: { lxc: lxcFile({ '901': ct({ dependencies: ['1002'] }) }) }, path: 'lxc_configs."901".dependencies[0]', message: /names no guest .*\(no VM file was loaded\)/ },
  { name: 'clone source names no guest', files: { lxc: lxcFile({ '901': ct({ clone_from_ctid: '900' }) }) }, path: 'lxc_configs."901".clone_from_ctid', message: /clone source 900 names no guest/ },
  { name: 'self-dependency', files: { lxc: lxcFile({ '901': ct({ dependencies: ['901'] }) }) }, path: 'lxc_configs."901".dependencies[0]', message: /^901 depends on itself$/ },
  { name: 'cloned from itself', files: { vm: vmFile([vm(9000, { clone_from_vmid: 9000 })]) }, file: VM, path: 'vms[0].clone_from_vmid', message: /9000 is cloned from itself/ },
  // clone-kind
  {
    name: 'clone asks for a smaller disk than its source',
    files: { lxc: lxcFile({ '900': ct({ storage_size_gb: 16 }), '901': ct({ clone_from_ctid: '900', storage_size_gb: 8 }) }) },
    severity: 'warning',
    path: 'lxc_configs."901".storage_size_gb',
    message: /8 GB is smaller than the 16 GB disk of its clone source 900; disks only grow/,
  },
  { name: 'VM clone asks for a smaller disk than its template', files: { vm: vmFile([vm(9000, { disk_size_gb: 50 }), vm(1001, { clone_from_vmid: 9000, disk_size_gb: 32 })]) }, severity: 'warning', file: VM, path: 'vms[1].disk_size_gb', message: /32 GB is smaller than the 50 GB disk of its clone source 9000/ },
  { name: 'container cloned from a VM', files: { lxc: lxcFile({ '901': ct({ clone_from_ctid: '9000' }) }), vm: vmFile([vm(9000)]) }, path: 'lxc_configs."901".clone_from_ctid', message: /9000 is a VM; a container can only be cloned from a container/ },
  { name: 'VM cloned from a container', files: { lxc: lxcFile({ '900': ct() }), vm: vmFile([vm(9000, { clone_from_vmid: 900 })]) }, file: VM, path: 'vms[0].clone_from_vmid', message: /900 is a container; a VM can only be cloned from a VM/ },
  // cycles
  {
    name: 'cycle across containers and VMs, printed from the smallest id',
    files: { lxc: lxcFile({ '901': ct({ dependencies: ['1002'] }) }), vm: vmFile([vm(1002, { dependencies: ['901'] })]) },
    path: 'lxc_configs."901".dependencies[0]',
    message: /^dependency cycle: 901 → 1002 → 901$/,
  },
  {
    name: 'three-guest cycle through a clone source',
    files: { lxc: lxcFile({ '300': ct({ clone_from_ctid: '200' }), '200': ct({ dependencies: [100] }), '100': ct({ dependencies: ['300'] }) }) },
    path: 'lxc_configs."100".dependencies[0]',
    message: /^dependency cycle: 100 → 300 → 200 → 100$/,
  },
  // hostnames
  { name: 'underscore in a hostname', files: { lxc: lxcFile({ '901': ct({ name: 'Copy_Base' }) }) }, path: 'lxc_configs."901".name', message: /expected a valid hostname: "Copy_Base" contains "_"/ },
  { name: 'hostname label ending in a hyphen', files: { lxc: lxcFile({ '901': ct({ name: 'web-.lab' }) }) }, path: 'lxc_configs."901".name', message: /label "web-" starts or ends with a hyphen/ },
  { name: 'VM name with a space', files: { vm: vmFile([vm(9000, { name: 'my vm' })]) }, file: VM, path: 'vms[0].name', message: /expected a valid VM name \(a DNS name\): "my vm" contains " "/ },
  { name: 'bad domain_name', files: { hypervisor: { domain_name: 'lab..example' } }, file: HYP, path: 'domain_name', message: /empty label/ },
  // addresses
  { name: 'invalid CIDR', files: { lxc: lxcFile({ '901': ct(net('10.0.0.300/24')) }) }, path: 'lxc_configs."901".network_config.ip', message: /expected "dhcp", "manual" or an IPv4 CIDR like 10.0.0.200\/24, got "10.0.0.300\/24"/ },
  { name: 'address without prefix', files: { lxc: lxcFile({ '901': ct(net('10.0.0.5')) }) }, path: 'lxc_configs."901".network_config.ip', message: /the prefix length is missing/ },
  { name: 'prefix above 32', files: { vm: vmFile([vm(9000, { network_config: { ip: '10.0.0.5/33' } })]) }, file: VM, path: 'vms[0].network_config.ip', message: /expected "dhcp" or an IPv4 CIDR/ },
  { name: 'network address as host', files: { lxc: lxcFile({ '901': ct(net('10.0.0.0/24')) }) }, path: 'lxc_configs."901".network_config.ip', message: /is the network address of 10.0.0.0\/24/ },
  { name: 'bad gateway', files: { lxc: lxcFile({ '901': ct(net('10.0.0.5/24', { gw: '10.0.0' })) }) }, path: 'lxc_configs."901".network_config.gw', message: /expected an IPv4 address like 10.0.0.1, got "10.0.0"/ },
  { name: 'bad nameserver', files: { lxc: lxcFile({ '901': ct(net('dhcp', { nameservers: '10.0.0.13 dns.local' })) }) }, path: 'lxc_configs."901".network_config.nameservers', message: /expected IP addresses, got "dns.local"/ },
  // gateway-subnet
  { name: 'gateway outside the subnet', files: { lxc: lxcFile({ '901': ct(net('10.0.0.5/24', { gw: '10.0.1.1' })) }) }, path: 'lxc_configs."901".network_config.gw', message: /gateway 10.0.1.1 is outside the guest's subnet 10.0.0.0\/24/ },
  { name: 'gateway is the guest itself', files: { lxc: lxcFile({ '901': ct(net('10.0.0.5/24', { gw: '10.0.0.5' })) }) }, path: 'lxc_configs."901".network_config.gw', message: /is this guest's own address/ },
  { name: 'gateway with dhcp', files: { vm: vmFile([vm(9000, { network_config: { ip: 'dhcp', gw: '10.0.0.1' } })]) }, severity: 'warning', file: VM, path: 'vms[0].network_config.gw', message: /gw is ignored: the address is "dhcp"/ },
  // duplicate-mac / duplicate-ip
  {
    name: 'duplicate MAC (case-insensitive)',
    files: { lxc: lxcFile({ '200': ct({ mac_address: '52:54:00:aa:bb:cc' }), '201': ct({ mac_address: '52:54:00:AA:BB:CC' }) }) },
    path: 'lxc_configs."201".mac_address',
    message: /MAC address 52:54:00:AA:BB:CC is also used by phoenix_lxc_configs.json: lxc_configs."200"/,
  },
  {
    name: 'duplicate IPv4 across a container and a VM',
    files: { lxc: lxcFile({ '200': ct(net('10.0.0.5/24')) }), vm: vmFile([vm(9000, { network_config: { ip: '10.0.0.5/16' } })]) },
    file: VM,
    path: 'vms[0].network_config.ip',
    message: /IPv4 address 10.0.0.5 is also used by phoenix_lxc_configs.json: lxc_configs."200"/,
  },
  {
    name: "a guest with the host's address",
    files: { hypervisor: { network: { interfaces: { address: '10.0.0.13/24' } } }, lxc: lxcFile({ '200': ct(net('10.0.0.13/24')) }) },
    path: 'lxc_configs."200".network_config.ip',
    message: /10.0.0.13 is the Proxmox host's own/,
  },
  // mount-paths
  {
    name: 'two mounts at one path',
    files: { lxc: lxcFile({ '200': ct({ mount_points: [{ host_path: '/a', container_path: '/data' }], zfs_volumes: [{ name: 'v', pool: 'tank', size_gb: 1, mount_point: '/data/' }] }) }) },
    path: 'lxc_configs."200".zfs_volumes[0].mount_point',
    message: /\/data\/ is already a mount point of this guest/,
  },
  // firewall-duplicates
  {
    name: 'a firewall rule written twice',
    files: {
      lxc: lxcFile({
        '200': ct({
          firewall: {
            rules: [
              { type: 'in', action: 'ACCEPT', proto: 'tcp', port: '22', comment: 'ssh' },
              { type: 'in', action: 'ACCEPT', proto: 'tcp', port: '443' },
              { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: 22, comment: 'ssh again' },
            ],
          },
        }),
      }),
    },
    severity: 'warning',
    path: 'lxc_configs."200".firewall.rules[2]',
    message: /^same rule as rules\[0\] \(only the comment differs\); it would be created twice$/,
  },
  // buildable
  { name: 'nothing to build from', files: { lxc: lxcFile({ '200': { name: 'x' } }) }, severity: 'warning', path: 'lxc_configs."200"', message: /neither template nor clone_from_ctid/ },
  { name: 'VM with nothing to build from', files: { vm: vmFile([{ vmid: 9000, name: 'x' }]) }, severity: 'warning', file: VM, path: 'vms[0]', message: /neither template_image nor clone_from_vmid/ },
  // bind-mount-snapshots
  {
    name: 'lifecycle snapshots of a container with a bind mount are said not to be taken',
    files: { lxc: lxcFile({ '200': ct({ enable_lifecycle_snapshots: true, mount_points: [{ host_path: '/srv/certs', container_path: '/certs' }] }) }) },
    severity: 'warning',
    path: 'lxc_configs."200".enable_lifecycle_snapshots',
    message: /^mount_points\[0\] \(\/srv\/certs\) is a bind mount: Proxmox cannot snapshot this container \("snapshot feature is not available"\); Phoenix will not take pre-configured, final-form$/,
  },
  {
    name: 'a template snapshot of a container with a bind mount',
    files: { lxc: lxcFile({ '200': ct({ template_snapshot_name: 'golden', zfs_volumes: [{ name: 'v', pool: 'tank', size_gb: 1, mount_point: '/v' }], mount_points: [{ host_path: '/srv/a', container_path: '/a' }] }) }) },
    severity: 'warning',
    path: 'lxc_configs."200".template_snapshot_name',
    message: /Phoenix will not take golden$/,
  },
  {
    name: 'a clone of a container with a bind mount',
    files: { lxc: lxcFile({ '200': ct({ mount_points: [{ host_path: '/srv/a', container_path: '/a' }] }), '201': ct({ clone_from_ctid: '200', template: undefined }) }) },
    path: 'lxc_configs."201".clone_from_ctid',
    message: /^clone source 200 has a bind mount \(mount_points\[0\], \/srv\/a\): Proxmox cannot clone it/,
  },
  {
    name: 'a container template with a bind mount',
    files: { lxc: lxcFile({ '200': ct({ is_template: true, mount_points: [{ host_path: '/srv/a', container_path: '/a' }] }) }) },
    path: 'lxc_configs."200".is_template',
    message: /Template feature is not available/,
  },
  // features: what a guest runs exists, fits the guest and has its inputs
  { name: 'unknown feature, with the near built-in', files: { lxc: lxcFile({ '200': ct({ features: ['base_setup', 'dokcer'] }) }) }, path: 'lxc_configs."200".features[1]', message: /^feature "dokcer" not found \(looked in \/virtual\/features, .*\); did you mean "docker"\?$/ },
  { name: 'unknown VM feature in vm_defaults', files: { vm: vmFile([vm(9000)], { features: ['olama'] }) }, file: VM, path: 'vm_defaults.features[0]', message: /feature "olama" not found .*did you mean "ollama"/ },
  { name: 'a feature without what it requires', files: { lxc: lxcFile({ '200': ct({ features: ['vllm'], vllm_engine_config: { ModelConfig: {} } }) }) }, path: 'lxc_configs."200".features[0]', message: /^feature "vllm" requires "nvidia", which is neither listed before it/ },
  { name: 'a feature input the guest lacks', files: { lxc: lxcFile({ '200': ct({ features: ['python_api_service'] }) }) }, path: 'lxc_configs."200".features[0]', message: /^feature "python_api_service" needs input "python_api_service", which container 200 does not set/ },
  { name: 'application_script not found', files: { lxc: lxcFile({ '200': ct({ application_script: 'setup.sh' }) }) }, path: 'lxc_configs."200".application_script', message: /^application_script "setup.sh" not found \(looked in \/virtual\/scripts\/setup.sh, \/virtual\/setup.sh\)$/ },
  // secret-refs
  { name: 'secret file missing', files: { vm: vmFile([vm(9000, { hf_token: { file: 'no-such.token' } })]) }, file: VM, path: 'vms[0].hf_token.file', message: /^secret file no-such.token does not exist \(\/virtual\/no-such.token\)$/ },
  // bridges
  {
    name: 'bridge not among the host interfaces',
    files: { hypervisor: { network: { interfaces: { name: 'vmbr0', address: '10.0.0.2/24' } } }, lxc: lxcFile({ '200': ct(net('dhcp', { bridge: 'vmbr01' })) }) },
    path: 'lxc_configs."200".network_config.bridge',
    message: /^bridge "vmbr01" is not among the host's interfaces in phoenix_hypervisor_config.json \(network.interfaces: vmbr0\); did you mean "vmbr0"\?$/,
  },
  {
    name: 'VM bridge not among the host interfaces',
    files: { hypervisor: { network: { interfaces: [{ name: 'vmbr0' }, { name: 'vmbr1' }] } }, vm: vmFile([vm(9000)], { network_bridge: 'br-lan' }) },
    file: VM,
    path: 'vm_defaults.network_bridge',
    message: /bridge "br-lan" is not among .*\(network.interfaces: vmbr0, vmbr1\); add it there/,
  },
  // clone-snapshots
  {
    name: 'a clone of a running container without a snapshot',
    files: { lxc: lxcFile({ '200': ct(), '201': ct({ clone_from_ctid: '200', template: undefined }) }) },
    path: 'lxc_configs."201".clone_from_ctid',
    message: /^clone source 200 is neither a template \(is_template\) nor has a template_snapshot_name: .*"Full clone of a running container is only possible from a snapshot"/,
  },
  // health-paths
  {
    name: 'a health check pointing at a host path',
    files: { lxc: lxcFile({ '200': ct({ health_check: { command: '/usr/local/phoenix_hypervisor/bin/health_checks/check.sh --x' } }) }) },
    severity: 'warning',
    path: 'lxc_configs."200".health_check.command',
    message: /^\/usr\/local\/phoenix_hypervisor\/bin\/health_checks\/check.sh is a path on the Phoenix host .* runs inside the guest/,
  },
  // plaintext-secrets
  { name: 'plaintext admin password', files: { hypervisor: { portainer_api: { admin_password: 'hunter2hunter2' } } }, severity: 'warning', file: HYP, path: 'portainer_api.admin_password', message: /^a plaintext secret in the config file; write \{"env": "VAR_NAME"\}/ },
  { name: 'a VM password is accepted but said not to be applied', files: { vm: vmFile([vm(9000, { user_config: { password: { env: 'VM_PW' } } })]) }, severity: 'warning', file: VM, path: 'vms[0].user_config.password', message: /not applied by Phoenix/ },
  { name: 'bind mount ownership is said not to be applied', files: { lxc: lxcFile({ '200': ct({ mount_points: [{ host_path: '/a', container_path: '/data', owner_uid: 33 }] }) }) }, severity: 'warning', path: 'lxc_configs."200".mount_points[0]', message: /owner_uid\/owner_gid are not applied/ },
  { name: 'plaintext VM password in vm_defaults', files: { vm: vmFile([vm(9000)], { user_config: { password: 'hunter2hunter2' } }) }, severity: 'warning', file: VM, path: 'vm_defaults.user_config.password', message: /plaintext secret/ },
  // unknown-keys / ignored-keys
  { name: 'misspelt key', files: { lxc: lxcFile({ '200': ct({ memroy_mb: 1024 }) }) }, severity: 'warning', path: 'lxc_configs."200".memroy_mb', message: /^unknown key, ignored; did you mean "memory_mb"\?$/ },
  { name: 'misspelt nested key', files: { lxc: lxcFile({ '200': ct(net('dhcp', { bridg: 'vmbr1' })) }) }, severity: 'warning', path: 'lxc_configs."200".network_config.bridg', message: /did you mean "bridge"/ },
  { name: 'misspelt firewall rule key', files: { vm: vmFile([vm(9000, { firewall: { rules: [{ type: 'in', action: 'ACCEPT', dprot: '22' }] } })]) }, severity: 'warning', file: VM, path: 'vms[0].firewall.rules[0].dprot', message: /did you mean "dport"/ },
  { name: 'unknown key without a near match', files: { hypervisor: { colour: 'blue' } }, severity: 'warning', file: HYP, path: 'colour', message: /^unknown key, ignored$/ },
  {
    name: 'ignored key: one warning with a count',
    files: { lxc: lxcFile({ '200': ct({ apparmor_manages_nesting: true }), '201': ct({ apparmor_manages_nesting: true }), '202': ct({ apparmor_manages_nesting: false }) }) },
    severity: 'warning',
    path: 'lxc_configs."200".apparmor_manages_nesting',
    message: /^accepted by the original but ignored by Phoenix: nesting comes from pct_options \(also set in 2 more places\)$/,
  },
];

for (const c of cases) {
  test(`rule: ${c.name}`, () => {
    const r = validate(c.files);
    const severity = c.severity ?? 'error';
    const file = c.file ?? (c.path.startsWith('lxc_configs') ? LXC : HYP);
    const hit = r.diagnostics.items.find((d) => d.severity === severity && d.file === file && d.path === c.path && c.message.test(d.message));
    assert.ok(hit, `expected ${severity} at ${file}: ${c.path} matching ${c.message}; got:\n${r.diagnostics.items.map((d) => `  ${d.severity} ${d.file}: ${d.path}: ${d.message}`).join('\n')}`);
    assert.ok(hit.line && hit.column, 'the diagnostic carries a line and column');
    assert.equal(r.config === undefined, severity === 'error' || r.diagnostics.hasErrors());
  });
}

test('a clean config gives no diagnostics at all', () => {
  const r = validate({
    hypervisor: { domain_name: 'lab.example', network: { interfaces: { address: '10.0.0.2/24' } } },
    lxc: lxcFile({
      '200': ct({ name: 'base', template_snapshot_name: 'base', ...net('10.0.0.20/24', { gw: '10.0.0.1', nameservers: '10.0.0.1' }), mac_address: 'BC:24:11:00:00:01' }),
      '201': { name: 'web', clone_from_ctid: '200', dependencies: ['9000'], ...net('10.0.0.21/24', { gw: '10.0.0.1' }) },
    }),
    vm: vmFile([vm(9000, { network_config: { ip: '10.0.0.30/24', gw: '10.0.0.1' } }), vm(9001, { clone_from_vmid: 9000, template_image: undefined })]),
  });
  assert.deepEqual(r.diagnostics.items, []);
  assert.deepEqual([...r.config!.guests.keys()], [200, 201, 9000, 9001]);
});

test('every problem is reported in one run, not only the first', () => {
  const r = validate({
    lxc: lxcFile({ '901': ct({ memory_mb: '2G', name: 'bad_name', dependencies: ['42'] }), '99': ct() }),
    vm: vmFile([vm(901)]),
  });
  // The entry with a type error is still checked by every rule, without its bad key.
  assert.deepEqual(r.diagnostics.errors.map((d) => d.path).sort(), ['lxc_configs."901".dependencies[0]', 'lxc_configs."901".memory_mb', 'lxc_configs."901".name', 'lxc_configs."99"', 'vms[0].vmid']);
});

test('diagnostics never echo a secret value, even when its type is wrong', () => {
  const r = validate({ hypervisor: { portainer_api: { admin_password: 12345678 } }, vm: vmFile([vm(9000, { user_config: { password: ['s3cret-value'] } })]) });
  const text = JSON.stringify(r.diagnostics.items);
  assert.doesNotMatch(text, /12345678|s3cret-value/);
  assert.match(text, /admin_password.*got a number/);
});

test('a host file with one bad key still has the rest checked', () => {
  const r = validate({ hypervisor: { domain_name: 5, portainer_api: { admin_password: 'plain-text-pw' } } });
  assert.deepEqual(
    r.diagnostics.items.map((d) => `${d.severity} ${d.path}`),
    ['error domain_name', 'warning portainer_api.admin_password'],
  );
});

test('secret references: an unset {"env"} is a warning at validate time; a readable {"file"} passes', () => {
  const files = { vm: vmFile([vm(9000, { hf_token: { env: 'HF_TOKEN' }, other_token: { file: import.meta.filename } })]) };
  const unset = validateSources(sourcesFrom(files), '/virtual', {});
  assert.deepEqual(
    unset.diagnostics.items.filter((d) => /secret/.test(d.message)).map((d) => `${d.severity} ${d.path}: ${d.message}`),
    ['warning vms[0].hf_token.env: secret from environment variable HF_TOKEN: HF_TOKEN is not set here; a run that needs it fails unless it is set there'],
  );
  assert.ok(unset.config, 'a warning only');
  const set = validateSources(sourcesFrom(files), '/virtual', { HF_TOKEN: 'x' });
  assert.deepEqual(
    set.diagnostics.items.filter((d) => /secret/.test(d.message)),
    [],
  );
});

test('a secret file that cannot be read is an error naming it, never its content', { skip: process.getuid?.() === 0 && 'root reads every file' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-secret-'));
  const p = join(dir, 'pw');
  writeFileSync(p, 'topsecret-value', { mode: 0o000 });
  const r = validate({ vm: vmFile([vm(9000, { hf_token: { file: p } })]) });
  const d = r.diagnostics.errors.find((x) => x.path === 'vms[0].hf_token.file');
  assert.equal(d?.message, `secret file ${p} cannot be read (permission denied)`);
  assert.doesNotMatch(JSON.stringify(r.diagnostics.items), /topsecret/);
});
