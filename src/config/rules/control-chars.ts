// A control character (newline, carriage return, escape, NUL, ...) in a string that reaches a
// Proxmox option or a host file: a newline in a mount path becomes a raw `lxc.hook.mount` line
// in the guest's config on a Proxmox that does not check it, an escape rewrites the terminal.
// Refused everywhere in the guest entries, vm_defaults and the host file, except in what only
// runs inside the guest (health-check commands, feature inputs), which is never a Proxmox option.
import type { JsonPath } from '../json.js';
import type { Rule } from './context.js';
import type { SourceFile } from '../source.js';

// Keys whose values never reach Proxmox: they are sent to features or run inside the guest.
const GUEST_ONLY = new Set(['health_checks', 'health_check', 'tests', 'vllm_engine_config', 'docker_stacks']);

// C0 controls and DEL, and the C1 range (U+0080–U+009F: a terminal reads U+009B as ESC [).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `\n`, `\u001b`, ... for a message. */
export function describeControl(s: string): string {
  const c = CONTROL.exec(s)![0];
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u0000': '\\0' };
  return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function walk(value: unknown, path: JsonPath, hit: (path: JsonPath, s: string) => void): void {
  if (typeof value === 'string') {
    if (CONTROL.test(value)) hit(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...path, i], hit));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (CONTROL.test(k)) hit([...path, k], k);
      if (!GUEST_ONLY.has(k)) walk(v, [...path, k], hit);
    }
  }
}

export const controlChars: Rule = {
  name: 'control-chars',
  run(ctx) {
    const check = (src: SourceFile | undefined, value: unknown, path: JsonPath) => {
      if (!src) return;
      walk(value, path, (at, s) => ctx.report(src, 'error', at, `contains a control character (${describeControl(s)}); Proxmox options and config lines cannot carry one`));
    };
    for (const e of ctx.entries) check(e.src, e.raw, e.path);
    const vmDoc = ctx.parsed.sources.vm?.doc.value as { vm_defaults?: unknown } | undefined;
    check(ctx.parsed.sources.vm, vmDoc?.vm_defaults, ['vm_defaults']);
    check(ctx.parsed.sources.hypervisor, ctx.parsed.sources.hypervisor?.doc.value, []);
    // The LXC file's root keys other than lxc_configs (nvidia_* inputs) go to features only.
  },
};
