// The CPU types a VM's `cpu` option may name (qemu-server's CPUConfig): QEMU's models of the host
// (/usr/share/kvm/cpu-models-x86_64.json and -aarch64.json on a Proxmox host, else the list
// qemu-server falls back to), Proxmox's built-in x86-64-v* models, `host`, and `custom-NAME`.

import { readFileSync } from 'node:fs';

// qemu-server src/PVE/QemuServer/CPUConfig.pm:initialize_cpu_models (the hard-coded fallback)
const FALLBACK = (
  '486 pentium pentium2 pentium3 coreduo core2duo Conroe Penryn Nehalem Nehalem-IBRS Westmere Westmere-IBRS ' +
  'SandyBridge SandyBridge-IBRS IvyBridge IvyBridge-IBRS Haswell Haswell-IBRS Haswell-noTSX Haswell-noTSX-IBRS ' +
  'Broadwell Broadwell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Skylake-Client Skylake-Client-IBRS ' +
  'Skylake-Client-noTSX-IBRS Skylake-Client-v4 Skylake-Server Skylake-Server-IBRS Skylake-Server-noTSX-IBRS ' +
  'Skylake-Server-v4 Skylake-Server-v5 Cascadelake-Server Cascadelake-Server-v2 Cascadelake-Server-noTSX ' +
  'Cascadelake-Server-v4 Cascadelake-Server-v5 Cooperlake Cooperlake-v2 KnightsMill Icelake-Client ' +
  'Icelake-Client-noTSX Icelake-Server Icelake-Server-noTSX Icelake-Server-v3 Icelake-Server-v4 Icelake-Server-v5 ' +
  'Icelake-Server-v6 Icelake-Server-v7 SapphireRapids SapphireRapids-v2 SapphireRapids-v3 SapphireRapids-v4 ' +
  'GraniteRapids GraniteRapids-v2 GraniteRapids-v3 SierraForest SierraForest-v2 SierraForest-v3 ClearwaterForest ' +
  'athlon phenom Opteron_G1 Opteron_G2 Opteron_G3 Opteron_G4 Opteron_G5 EPYC EPYC-IBPB EPYC-v3 EPYC-v4 EPYC-v5 ' +
  'EPYC-Rome EPYC-Rome-v2 EPYC-Rome-v3 EPYC-Rome-v4 EPYC-Rome-v5 EPYC-Milan EPYC-Milan-v2 EPYC-Milan-v3 ' +
  'EPYC-Genoa EPYC-Genoa-v2 EPYC-Turin kvm32 kvm64 qemu32 qemu64 max ' +
  'a64fx cortex-a35 cortex-a53 cortex-a55 cortex-a57 cortex-a710 cortex-a72 cortex-a76 neoverse-n1 neoverse-n2 neoverse-v1'
).split(' ');
// qemu-server src/PVE/QemuServer/CPUConfig.pm: $builtin_models_by_arch
const BUILTIN = ['x86-64-v2', 'x86-64-v2-AES', 'x86-64-v3', 'x86-64-v4'];

let models: Set<string> | undefined;
function knownModels(): Set<string> {
  if (!models) {
    let qemu: string[] = FALLBACK;
    try {
      qemu = ['x86_64', 'aarch64'].flatMap((a) => Object.keys(JSON.parse(readFileSync(`/usr/share/kvm/cpu-models-${a}.json`, 'utf8')) as object));
    } catch {
      /* no QEMU model files here: qemu-server's own fallback list */
    }
    models = new Set([...qemu, ...BUILTIN, 'host']);
  }
  return models;
}

/** validate_vm_cpu_conf's cputype check: Proxmox's die text, or undefined when known. */
export function checkVmCpuType(parsed: Record<string, string | undefined>): string | undefined {
  const t = parsed.cputype;
  if (t === undefined) return 'CPU is missing cputype';
  // custom-NAME names a model of /etc/pve/virtual-guest/cpu-models.conf, which is not modelled (guess: accepted)
  if (t.startsWith('custom-') || knownModels().has(t)) return undefined;
  return `Built-in cputype '${t}' is not defined (missing 'custom-' prefix?)`;
}
