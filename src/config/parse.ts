// Stage 2: type-check each file with its schema. Each guest entry is parsed on its own, so one bad
// container does not hide the problems (or the id) of the others.
import type { Diagnostic } from '../diag/diagnostic.js';
import type { JsonPath } from './json.js';
import { HypervisorSchema, type HypervisorInput } from './schema/hypervisor.js';
import { parseAt } from './schema/issues.js';
import { LxcFileEnvelope, LxcGuestSchema, type LxcGuestInput } from './schema/lxc.js';
import { NVIDIA_KEY } from './schema/common.js';
import { VmDefaultsSchema, VmFileEnvelope, VmGuestSchema, type VmDefaultsInput, type VmGuestInput } from './schema/vm.js';
import type { FileRole, SourceFile } from './source.js';

export interface ParsedEntry<T> {
  /** The guest id when the entry has a usable one (numeric CTID key / integer vmid). */
  id?: number;
  /** Where the entry is: ['lxc_configs', '901'] or ['vms', 2]. */
  path: JsonPath;
  raw: unknown;
  /** Typed entry; undefined when the schema rejected it even without its bad keys. */
  data?: T;
  /** True when `data` was parsed with the rejected keys left out (so other rules still run). */
  partial?: boolean;
}

export interface ParsedConfig {
  sources: Partial<Record<FileRole, SourceFile>>;
  hypervisor?: HypervisorInput;
  lxc: ParsedEntry<LxcGuestInput>[];
  /** Root keys of the LXC file that features receive (nvidia_*). */
  lxcRootInputs: Record<string, unknown>;
  vm: ParsedEntry<VmGuestInput>[];
  vmDefaults: VmDefaultsInput;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseConfig(sources: Partial<Record<FileRole, SourceFile>>): { parsed: ParsedConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parsed: ParsedConfig = { sources, lxc: [], lxcRootInputs: {}, vm: [], vmDefaults: {} };
  const run = <T>(schema: Parameters<typeof parseAt>[0], src: SourceFile, path: JsonPath, value: unknown): T | undefined => {
    const r = parseAt(schema, src, path, value);
    diagnostics.push(...r.diagnostics);
    return r.data as T | undefined;
  };
  // An entry (a guest, or the host file) the schema rejects is parsed again without the offending
  // top-level keys, so the rules can still check the rest of it (its errors are already reported).
  const entry = <T>(schema: Parameters<typeof parseAt>[0], src: SourceFile, path: JsonPath, raw: unknown): Pick<ParsedEntry<T>, 'data' | 'partial'> => {
    const r = parseAt(schema, src, path, raw);
    diagnostics.push(...r.diagnostics);
    if (r.data !== undefined || !isObject(raw)) return { data: r.data as T | undefined };
    const bad = new Set(badKeys(schema, raw));
    const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
    const again = schema.safeParse(rest);
    return again.success ? { data: again.data as T, partial: true } : {};
  };

  const hyp = sources.hypervisor;
  if (hyp) parsed.hypervisor = entry<HypervisorInput>(HypervisorSchema, hyp, [], hyp.doc.value).data;

  const lxc = sources.lxc;
  if (lxc) {
    const root = run<{ lxc_configs: Record<string, unknown> }>(LxcFileEnvelope, lxc, [], lxc.doc.value);
    if (root) {
      // From the raw root: the schema keeps only declared keys.
      for (const [k, v] of Object.entries(lxc.doc.value as object)) if (NVIDIA_KEY.test(k)) parsed.lxcRootInputs[k] = v;
      for (const [key, raw] of Object.entries(root.lxc_configs)) {
        const path = ['lxc_configs', key];
        const id = /^[0-9]+$/.test(key) ? Number(key) : undefined;
        parsed.lxc.push({ id, path, raw, ...entry<LxcGuestInput>(LxcGuestSchema, lxc, path, raw) });
      }
    }
  }

  const vm = sources.vm;
  if (vm) {
    const root = run<{ vm_defaults?: unknown; vms: unknown[] }>(VmFileEnvelope, vm, [], vm.doc.value);
    if (root) {
      if (root.vm_defaults !== undefined) parsed.vmDefaults = run<VmDefaultsInput>(VmDefaultsSchema, vm, ['vm_defaults'], root.vm_defaults) ?? {};
      root.vms.forEach((raw, i) => {
        const path = ['vms', i];
        const vmid = isObject(raw) ? raw.vmid : undefined;
        const id = typeof vmid === 'number' && Number.isInteger(vmid) ? vmid : undefined;
        parsed.vm.push({ id, path, raw, ...entry<VmGuestInput>(VmGuestSchema, vm, path, raw) });
      });
    }
  }
  return { parsed, diagnostics };
}

/** Top-level keys of `raw` that the schema rejects. */
function badKeys(schema: Parameters<typeof parseAt>[0], raw: Record<string, unknown>): string[] {
  const r = schema.safeParse(raw);
  return r.success ? [] : [...new Set(r.error.issues.map((i) => String(i.path[0])).filter((k) => Object.hasOwn(raw, k)))];
}
