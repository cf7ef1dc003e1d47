// The shape of Proxmox's parameter rules, as PVE::JSONSchema understands them, reduced to what
// pct/qm parameters use. Tables in this folder are written by hand from the PVE documentation
// (the AGPL apidata file is test data only and is never imported here).

export type ParamType = 'string' | 'integer' | 'number' | 'boolean';

/** A property-string format: sub-key name → its schema (`net0: name=eth0,bridge=vmbr0`). */
export type PropertyFormat = Readonly<Record<string, ParamSchema>>;

export interface ParamSchema {
  /** Absent only for pure aliases (`virtio` → `macaddr` in QEMU net). */
  type?: ParamType;
  optional?: boolean;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** Perl-compatible pattern written for JS; checked anchored (`^(?:p)$`) as Proxmox does. */
  pattern?: string;
  /** A named format (`dns-name`, `pve-vmid`, `disk-size`, `mac-addr-list`, ...) or a property-string format. */
  format?: string | PropertyFormat;
  /** Default value Proxmox assumes when the key is absent (used by comparisons, never by validation). */
  default?: string | number;
  /** In a property string: the key that may be written bare (`local-lvm:8`, `virtio`). */
  default_key?: boolean;
  /** In a property string: this key is another name for `alias`. */
  alias?: string;
  /** With alias: the key itself is stored as the value of `keyAlias` (`virtio=MAC` → model=virtio). */
  keyAlias?: string;
  /** Another top-level parameter this one needs (`force` requires `delete`). */
  requires?: string;
}

/** One problem with one parameter, in Proxmox's own words. `param` is '' for CLI-level problems. */
export interface ParamError {
  param: string;
  message: string;
  /** A line printed before the 400 line (Getopt's `Unknown option: foo`), not an error entry itself. */
  warning?: boolean;
}

/** Indexed option family: `net[n]` with n in 0..max. */
export interface IndexedOption {
  prefix: string;
  max: number;
  schema: ParamSchema;
}

export interface CommandSpec {
  tool: 'pct' | 'qm';
  /** Subcommand words, e.g. `create`, `disk import`, `guest exec`. */
  name: string;
  /** Positional parameter names in order; `extra-args` takes the rest. */
  argParams: readonly string[];
  /** Every parameter the command accepts (positional ones included), without `node`. */
  params: Readonly<Record<string, ParamSchema>>;
  indexed?: readonly IndexedOption[];
  /** The API call this command runs, when there is one (for conformance checks). */
  api?: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string };
}
