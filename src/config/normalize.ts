// Stage 3: the typed file shapes → the PhoenixConfig model (src/model/guest.ts). Entries the schema
// rejected, or without a usable id, are left out; their problems are already reported.
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diag/diagnostic.js';
import type { Guest, GuestId, HostSettings, PhoenixConfig } from '../model/guest.js';
import type { JsonPath } from './json.js';
import { normalizeLxc, originOf } from './normalize/lxc.js';
import type { Report } from './normalize/shared.js';
import { mergeVmDefaults, normalizeVm } from './normalize/vm.js';
import type { ParsedConfig } from './parse.js';
import { type SourceFile, diagAt } from './source.js';

export interface Normalized {
  config: PhoenixConfig;
  /** Every normalised guest, including ones whose id clashes (rules report those). */
  guests: Guest[];
  diagnostics: Diagnostic[];
}

export function normalizeConfig(parsed: ParsedConfig, dir: string): Normalized {
  const diagnostics: Diagnostic[] = [];
  const reporter =
    (src: SourceFile): Report =>
    (severity, path: JsonPath, message) =>
      diagnostics.push(diagAt(src, severity, path, message));
  const { sources } = parsed;
  const hyp = parsed.hypervisor;
  const host: HostSettings = {
    domainName: hyp?.domain_name,
    node: hyp?.node,
    nodes: hyp?.nodes,
    lxcRootInputs: parsed.lxcRootInputs,
    raw: (sources.hypervisor?.doc.value as Record<string, unknown> | undefined) ?? {},
  };
  if (host.domainName === undefined) delete host.domainName;
  if (host.node === undefined) delete host.node;
  if (host.nodes === undefined) delete host.nodes;
  if (hyp?.node_ssh && Object.keys(hyp.node_ssh).length) host.nodeSsh = { ...hyp.node_ssh };
  if (hyp?.api) {
    const a = hyp.api;
    const hypDir = sources.hypervisor ? dirname(sources.hypervisor.path) : '.';
    const api = { url: a.url, fingerprint: a.fingerprint, node: a.node, nodeSsh: a.node_ssh, tokenFile: a.token_file === undefined ? undefined : resolve(hypDir, a.token_file) };
    host.api = Object.fromEntries(Object.entries(api).filter(([, v]) => v !== undefined));
  }

  const guests: Guest[] = [];
  const lxcSrc = sources.lxc;
  if (lxcSrc) for (const e of parsed.lxc) if (e.id !== undefined && e.data) guests.push(normalizeLxc(e.id, e.data, e.raw, originOf(lxcSrc.file, e.path), e.path, reporter(lxcSrc)));
  const vmSrc = sources.vm;
  const rawDefaults = (vmSrc?.doc.value as { vm_defaults?: unknown } | undefined)?.vm_defaults;
  if (vmSrc) for (const e of parsed.vm) if (e.data) guests.push(normalizeVm(mergeVmDefaults(parsed.vmDefaults, e.data), e.raw, rawDefaults, originOf(vmSrc.file, e.path), host.domainName));

  const map = new Map<GuestId, Guest>();
  for (const g of [...guests].sort((a, b) => a.id - b.id)) if (!map.has(g.id)) map.set(g.id, g);
  const files: PhoenixConfig['files'] = {};
  for (const role of ['hypervisor', 'lxc', 'vm'] as const) if (sources[role]) files[role] = sources[role]!.path;
  return { config: { dir, files, host, guests: map }, guests, diagnostics };
}
