// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// The simulated guest tools written into every guest root at creation (path → content, mode 0755
// unless noted). VM-only tools are listed separately.
import { APT_GET_SH } from './apt.js';
import { DPKG_QUERY_SH, DPKG_SH } from './dpkg.js';
import { LIB_SH } from './lib.js';
import { CLOUD_INIT_SH, QEMU_GA_SH, STUB_SH, UPDATE_CA_SH } from './misc.js';
import { CURL_SH, WGET_SH } from './net.js';
import { SERVICE_SH, SYSTEMCTL_SH } from './systemctl.js';

export interface ToolFile {
  path: string;
  content: string;
  mode: number;
}

const exe = (path: string, content: string): ToolFile => ({ path, content, mode: 0o755 });

export const COMMON_TOOLS: ToolFile[] = [
  { path: 'usr/local/lib/phoenix-sim/lib.sh', content: LIB_SH, mode: 0o644 },
  exe('usr/local/lib/phoenix-sim/stub', STUB_SH),
  exe('usr/local/sbin/apt-get', APT_GET_SH),
  exe('usr/local/sbin/apt', APT_GET_SH),
  exe('usr/local/sbin/dpkg', DPKG_SH),
  exe('usr/local/sbin/dpkg-query', DPKG_QUERY_SH),
  exe('usr/local/sbin/systemctl', SYSTEMCTL_SH),
  exe('usr/local/sbin/service', SERVICE_SH),
  exe('usr/local/sbin/update-ca-certificates', UPDATE_CA_SH),
  exe('usr/local/bin/curl', CURL_SH),
  exe('usr/local/bin/wget', WGET_SH),
];

export const VM_TOOLS: ToolFile[] = [exe('usr/local/sbin/cloud-init', CLOUD_INIT_SH), exe('usr/local/sbin/qemu-ga', QEMU_GA_SH)];
