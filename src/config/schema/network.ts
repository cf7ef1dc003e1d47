// Network, firewall and health-check shapes shared by containers and VMs. Formats (CIDR, gateway,
// MAC) are checked by named rules with specific messages; here only the types are fixed.
import { z } from 'zod';
import { bool, expecting, int, nonEmpty, obj, str, strList } from './common.js';

const ipText = 'an IPv4 address';
export const nameservers = () => {
  const e = expecting('a string ("10.0.0.13 8.8.8.8") or a list of addresses');
  return z.union([z.string(e), z.array(z.string(e), e)], e);
};

export const macAddress = () => z.string(expecting('a MAC address like 52:54:00:AA:BB:CC')).regex(/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/, expecting('a MAC address like 52:54:00:AA:BB:CC'));

/** LXC `network_config`: the container's first interface (net0). */
export const LxcNetworkSchema = obj({
  name: z
    .string(expecting('an interface name (1–15 characters, e.g. eth0)'))
    .regex(/^[A-Za-z0-9_.-]{1,15}$/, expecting('an interface name (1–15 characters, e.g. eth0)'))
    .optional(),
  bridge: nonEmpty('a bridge name like vmbr0').optional(),
  ip: str('"dhcp", "manual" or an IPv4 CIDR like 10.0.0.200/24').optional(),
  gw: str(ipText).optional(),
  nameservers: nameservers().optional(),
  searchdomain: str('a DNS domain').optional(),
  firewall: bool().optional().meta({ description: 'Per-interface firewall flag; defaults to firewall.enabled.' }),
  vlan: int(1, 4094).optional(),
});

/** VM `network_config`: cloud-init's ipconfig0 and DNS. */
export const VmNetworkSchema = obj({
  ip: str('"dhcp" or an IPv4 CIDR like 10.0.0.111/24').optional(),
  gw: str(ipText).optional(),
  nameserver: nameservers().optional(),
  searchdomain: str('a DNS domain').optional(),
  bridge: nonEmpty('a bridge name like vmbr0').optional(),
  firewall: bool().optional(),
  vlan: int(1, 4094).optional(),
});

// Firewall rule fields become words of a line in /etc/pve/firewall/<id>.fw: a space, `#` or `|`
// in one would change what the line means (another option, a comment, a disabled rule).
const FW_WORD = /^[^\s#|]+$/;
const fwWord = (what: string) => z.string(expecting(what)).regex(FW_WORD, expecting(`${what} (one word: no spaces, "#" or "|")`));

const port = () => {
  const e = expecting('a port, port list or range like "22", "80,443" or "8000:8010"');
  return z.union([z.string(e).regex(FW_WORD, e), z.int(e)], e);
};

export const FirewallRuleSchema = obj({
  type: z.enum(['in', 'out', 'group'], expecting('"in", "out" or "group"')),
  action: fwWord('ACCEPT, DROP, REJECT or a security group name'),
  proto: fwWord('a protocol like tcp, udp or icmp').optional(),
  source: fwWord('an address, CIDR or alias').optional(),
  dest: fwWord('an address, CIDR or alias').optional(),
  port: port().optional().meta({ description: 'Destination port (the original name for dport).' }),
  dport: port().optional(),
  sport: port().optional(),
  iface: fwWord('an interface name like net0').optional(),
  comment: str().optional(),
  enable: bool().optional(),
});

const policy = () => z.enum(['ACCEPT', 'DROP', 'REJECT'], expecting('ACCEPT, DROP or REJECT'));
export const FirewallSchema = obj({
  enabled: bool().optional(),
  rules: z.array(FirewallRuleSchema, expecting('a list of firewall rules')).optional(),
  policy_in: policy().optional(),
  policy_out: policy().optional(),
});

const timing = {
  name: str().optional(),
  retries: int(0, 1000).optional(),
  interval: int(1, 3600, 'an interval in seconds from 1 to 3600').optional(),
  timeout: int(1, 3600, 'a timeout in seconds from 1 to 3600').optional(),
};

/** The original's single `health_check`: a command run inside the guest. */
export const LegacyHealthCheckSchema = obj({ command: nonEmpty('a command'), ...timing });

export const HealthCheckSchema = z.discriminatedUnion(
  'type',
  [
    obj({ type: z.literal('command'), command: nonEmpty('a command'), ...timing }),
    obj({ type: z.literal('tcp'), host: str('a host name or address').optional(), port: int(1, 65535), ...timing }),
    obj({
      type: z.literal('http'),
      url: z.string(expecting('an http(s) URL')).regex(/^https?:\/\/\S+$/, expecting('an http(s) URL')),
      expect_status: int(100, 599).optional(),
      ...timing,
    }),
  ],
  expecting('a health check with "type": "command", "tcp" or "http"'),
);
export const HealthChecksSchema = z.array(HealthCheckSchema, expecting('a list of health checks'));

export const tagsSchema = () => strList('a list of tags').optional();
