// JSON as Perl's JSON->new->pretty->canonical prints it (what `qm guest exec` shows):
// three-space indent, `"key" : value`, keys sorted.

// PVE: qemu-server src/PVE/CLI/qm.pm:$print_agent_result (to_json pretty, canonical; a plain string result printed as is)
export function perlJsonPretty(value: unknown, indent = ''): string {
  return `${render(value, indent)}\n`;
}

function render(v: unknown, indent: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const inner = `${indent}   `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + render(x, inner)).join(',\n')}\n${indent}]`;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)} : ${render(obj[k], inner)}`).join(',\n')}\n${indent}}`;
}
