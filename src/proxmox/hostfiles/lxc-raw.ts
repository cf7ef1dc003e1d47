// The raw `lxc.*` lines of a container config file, which Proxmox keeps but offers no option
// for. We rewrite only those lines of the main section: every option line, the description
// comments, the pending section and the snapshot sections stay byte for byte as they were.

/** Index of the first line of the first `[section]`, or the line count when there is none. */
function mainSectionEnd(lines: string[]): number {
  const i = lines.findIndex((l) => /^\[[^\]]+\]\s*$/.test(l));
  return i < 0 ? lines.length : i;
}

const isRawLxc = (line: string): boolean => /^lxc\.[^:\s]*\s*:/.test(line);

/** The raw entries of the main section, in file order. */
export function readRawLxc(conf: string): Array<[string, string]> {
  const lines = conf.split('\n');
  return lines
    .slice(0, mainSectionEnd(lines))
    .filter(isRawLxc)
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as [string, string];
    });
}

/** Each (key, value) pair once, first occurrence wins; the same key may repeat with other values. */
export function uniqueEntries(entries: Array<[string, string]>): Array<[string, string]> {
  const seen = new Set<string>();
  return entries.filter(([k, v]) => {
    const id = `${k}\0${v}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The config text with the main section's raw lines replaced by `entries` (deduplicated),
 * written after the option lines as Proxmox writes them.
 */
export function replaceRawLxc(conf: string, entries: Array<[string, string]>): string {
  for (const [k, v] of entries) {
    if (!/^lxc\.[A-Za-z0-9_.-]+$/.test(k)) throw new TypeError(`not a raw lxc key: ${JSON.stringify(k)}`);
    if (/[\r\n]/.test(v)) throw new TypeError(`raw lxc value for ${k} contains a line break`);
  }
  const lines = conf.split('\n');
  const end = mainSectionEnd(lines);
  const main = lines.slice(0, end).filter((l) => !isRawLxc(l));
  // Keep the blank line(s) that separate the main section from the next section.
  let keep = main.length;
  while (keep > 0 && main[keep - 1].trim() === '') keep -= 1;
  const body = main.slice(0, keep);
  const trailing = main.slice(keep);
  // `key: value` exactly as PVE's write_pct_config prints it (an empty value keeps the space).
  const raw = uniqueEntries(entries).map(([k, v]) => `${k}: ${v}`);
  return [...body, ...raw, ...trailing, ...lines.slice(end)].join('\n');
}
