// The guest config file format as Proxmox stores it in /etc/pve (pct.conf(5) / qm.conf(5)):
// leading `#` lines are the description (encode_text per line), then `key: value` option lines
// sorted by key, then (LXC only) raw `lxc.*` lines in file order; each snapshot follows as a
// `[name]` section with the same layout. Pending changes are the `[pve:pending]` (LXC) /
// `[PENDING]` (QEMU) section, written after the current config (its `delete:` line lists pending
// deletions); `[special:...]` sections are kept verbatim.

/** One section of a guest config (the current config or one snapshot). */
export interface ConfSection {
  options: Record<string, string>;
  /** Raw `lxc.*` entries in file order (LXC only). */
  lxc: Array<[string, string]>;
}

export interface GuestConf extends ConfSection {
  snapshots: Record<string, ConfSection>;
  /** Changes Proxmox applies at the next start (`delete`: comma list, `!key` = forced). */
  pending?: ConfSection;
  /** Sections the simulator does not model (`[PENDING]`, `[special:cloudinit]`), kept as text. */
  extra: Record<string, string[]>;
}

/** PVE::Tools::encode_text: %-escape control chars, bytes >= 0x7f, `%` and `:`. */
// PVE: pve-common src/PVE/ParseUtils.pm:encode_text
export function encodeText(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    const safe = (b >= 0x20 && b <= 0x24) || (b >= 0x26 && b <= 0x39) || (b >= 0x3b && b <= 0x7e);
    out += safe ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeText(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const emptySection = (): ConfSection => ({ options: {}, lxc: [] });

/** Parses a config file; unknown lines are ignored the way Proxmox warns and skips them. */
// PVE: pve-container src/PVE/LXC/Config.pm:parse_pct_config
export function parseConf(text: string): GuestConf {
  const conf: GuestConf = { ...emptySection(), snapshots: {}, extra: {} };
  let cur: ConfSection = conf;
  let extra: string[] | undefined;
  let descr: string[] = [];
  const flushDescr = () => {
    if (descr.length) cur.options.description = descr.join('\n');
    descr = [];
  };
  for (const line of text.split('\n')) {
    const sect = /^\[([^\]]+)\]\s*$/.exec(line);
    if (sect) {
      flushDescr();
      const name = sect[1];
      // PVE: pve-container src/PVE/LXC/Config.pm:parse_pct_config ([pve:pending]); qemu-server src/PVE/QemuServer.pm:parse_vm_config ([PENDING])
      if (/^(pve:pending|pending)$/i.test(name)) {
        extra = undefined;
        cur = conf.pending = emptySection();
      } else if (name.startsWith('special:')) {
        extra = conf.extra[name] = [];
      } else {
        extra = undefined;
        cur = conf.snapshots[name] = emptySection();
      }
      continue;
    }
    if (extra) {
      if (line.trim() !== '') extra.push(line);
      continue;
    }
    if (line.trim() === '') continue;
    const comment = /^#(.*)$/.exec(line);
    if (comment) {
      descr.push(decodeText(comment[1]));
      continue;
    }
    const raw = /^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$/.exec(line);
    if (raw) {
      cur.lxc.push([raw[1], raw[3]]);
      continue;
    }
    const kv = /^([a-z][a-z_\-]*\d*):\s*(.*?)\s*$/.exec(line);
    if (kv) cur.options[kv[1]] = kv[2];
  }
  flushDescr();
  return conf;
}

function printSection(s: ConfSection): string {
  let out = '';
  const d = s.options.description;
  if (d !== undefined) for (const l of d.split('\n')) out += `#${encodeText(l)}\n`;
  for (const k of Object.keys(s.options).sort()) {
    if (k === 'description' || k === 'digest') continue;
    out += `${k}: ${s.options[k]}\n`;
  }
  for (const [k, v] of s.lxc) out += `${k}: ${v}\n`;
  return out;
}

/**
 * Serialises a config exactly as Proxmox writes it: current options, pending changes (LXC
 * `[pve:pending]`, QEMU `[PENDING]`), special sections, snapshot sections sorted by name.
 */
// PVE: pve-container src/PVE/LXC/Config.pm:write_pct_config; qemu-server src/PVE/QemuServer.pm:write_vm_config
export function printConf(conf: GuestConf, kind: 'lxc' | 'qemu' = 'qemu'): string {
  let out = printSection(conf);
  const pending = conf.pending;
  if (pending && (Object.keys(pending.options).length || pending.lxc.length)) out += `\n[${kind === 'lxc' ? 'pve:pending' : 'PENDING'}]\n${printSection(pending)}`;
  for (const [name, lines] of Object.entries(conf.extra)) out += `\n[${name}]\n${lines.map((l) => `${l}\n`).join('')}`;
  for (const name of Object.keys(conf.snapshots).sort()) out += `\n[${name}]\n${printSection(conf.snapshots[name])}`;
  return out;
}

/** `pct config` / `qm config` output: sorted keys (digest skipped, description encoded), lxc last. */
// PVE: pve-container src/PVE/CLI/pct.pm:config
export function printConfigCommand(s: ConfSection): string {
  let out = '';
  for (const k of Object.keys(s.options).sort()) {
    if (k === 'digest') continue;
    const v = k === 'description' ? encodeText(s.options[k]) : s.options[k];
    out += `${k}: ${v}\n`;
  }
  for (const [k, v] of s.lxc) out += `${k}: ${v}\n`;
  return out;
}

export function cloneSection(s: ConfSection): ConfSection {
  return { options: { ...s.options }, lxc: s.lxc.map(([k, v]) => [k, v]) };
}
