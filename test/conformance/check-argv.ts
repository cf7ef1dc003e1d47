// checkAgainstApidata(argv): does Proxmox's own schema accept this pct/qm call? A second, independent
// opinion next to src/proxmox/schema (own argv mapping, own Getopt, own property-string reading),
// driven only by apidata-pve9.1.js and the synopsis pages. Used by the conformance tests and by the
// simulator's call-log check (one JSON line per call: {"argv":["pct","set",...],...}).

import { readFileSync } from 'node:fs';
import { apiMethod, formatFromTypetext, jsPattern, synopsisCommand, type ApiProp } from './apidata.js';

type Entry = { args: string[]; api?: [string, string] };
const CT = '/nodes/{node}/lxc';
const VM = '/nodes/{node}/qemu';

/** pct/qm subcommand → API call (per pve/README.md) or, for local commands, the synopsis page. */
const MAP: Record<string, Entry> = {
  'pct create': { args: ['vmid', 'ostemplate'], api: ['POST', CT] },
  'pct set': { args: ['vmid'], api: ['PUT', `${CT}/{vmid}/config`] },
  'pct clone': { args: ['vmid', 'newid'], api: ['POST', `${CT}/{vmid}/clone`] },
  'pct resize': { args: ['vmid', 'disk', 'size'], api: ['PUT', `${CT}/{vmid}/resize`] },
  'pct start': { args: ['vmid'], api: ['POST', `${CT}/{vmid}/status/start`] },
  'pct stop': { args: ['vmid'], api: ['POST', `${CT}/{vmid}/status/stop`] },
  'pct shutdown': { args: ['vmid'], api: ['POST', `${CT}/{vmid}/status/shutdown`] },
  'pct reboot': { args: ['vmid'], api: ['POST', `${CT}/{vmid}/status/reboot`] },
  'pct destroy': { args: ['vmid'], api: ['DELETE', `${CT}/{vmid}`] },
  'pct snapshot': { args: ['vmid', 'snapname'], api: ['POST', `${CT}/{vmid}/snapshot`] },
  'pct delsnapshot': { args: ['vmid', 'snapname'], api: ['DELETE', `${CT}/{vmid}/snapshot/{snapname}`] },
  'pct listsnapshot': { args: ['vmid'], api: ['GET', `${CT}/{vmid}/snapshot`] },
  'pct pending': { args: ['vmid'], api: ['GET', `${CT}/{vmid}/pending`] },
  'pct rollback': { args: ['vmid', 'snapname'], api: ['POST', `${CT}/{vmid}/snapshot/{snapname}/rollback`] },
  'pct template': { args: ['vmid'], api: ['POST', `${CT}/{vmid}/template`] },
  'pct list': { args: [], api: ['GET', CT] },
  'pct config': { args: ['vmid'], api: ['GET', `${CT}/{vmid}/config`] },
  'pct status': { args: ['vmid'] },
  'pct exec': { args: ['vmid', 'extra-args'] },
  'pct push': { args: ['vmid', 'file', 'destination'] },
  'pct pull': { args: ['vmid', 'path', 'destination'] },
  'qm create': { args: ['vmid'], api: ['POST', VM] },
  'qm set': { args: ['vmid'], api: ['PUT', `${VM}/{vmid}/config`] },
  'qm clone': { args: ['vmid', 'newid'], api: ['POST', `${VM}/{vmid}/clone`] },
  'qm resize': { args: ['vmid', 'disk', 'size'], api: ['PUT', `${VM}/{vmid}/resize`] },
  'qm disk resize': { args: ['vmid', 'disk', 'size'], api: ['PUT', `${VM}/{vmid}/resize`] },
  'qm start': { args: ['vmid'], api: ['POST', `${VM}/{vmid}/status/start`] },
  'qm stop': { args: ['vmid'], api: ['POST', `${VM}/{vmid}/status/stop`] },
  'qm shutdown': { args: ['vmid'], api: ['POST', `${VM}/{vmid}/status/shutdown`] },
  'qm reboot': { args: ['vmid'], api: ['POST', `${VM}/{vmid}/status/reboot`] },
  'qm destroy': { args: ['vmid'], api: ['DELETE', `${VM}/{vmid}`] },
  'qm snapshot': { args: ['vmid', 'snapname'], api: ['POST', `${VM}/{vmid}/snapshot`] },
  'qm delsnapshot': { args: ['vmid', 'snapname'], api: ['DELETE', `${VM}/{vmid}/snapshot/{snapname}`] },
  'qm listsnapshot': { args: ['vmid'], api: ['GET', `${VM}/{vmid}/snapshot`] },
  'qm pending': { args: ['vmid'], api: ['GET', `${VM}/{vmid}/pending`] },
  'qm rollback': { args: ['vmid', 'snapname'], api: ['POST', `${VM}/{vmid}/snapshot/{snapname}/rollback`] },
  'qm template': { args: ['vmid'], api: ['POST', `${VM}/{vmid}/template`] },
  'qm list': { args: [], api: ['GET', VM] },
  'qm config': { args: ['vmid'], api: ['GET', `${VM}/{vmid}/config`] },
  'qm status': { args: ['vmid'] },
  'qm cloudinit update': { args: ['vmid'], api: ['PUT', `${VM}/{vmid}/cloudinit`] },
  'qm agent': { args: ['vmid', 'command'], api: ['POST', `${VM}/{vmid}/agent`] },
  'qm guest cmd': { args: ['vmid', 'command'], api: ['POST', `${VM}/{vmid}/agent`] },
  'qm guest exec': { args: ['vmid', 'extra-args'] },
  'qm importdisk': { args: ['vmid', 'source', 'storage'] },
  'qm disk import': { args: ['vmid', 'source', 'storage'] },
};

/** Highest index of indexed options (not in apidata; see pve/README.md). */
const MAX_INDEX: Record<string, Record<string, number>> = {
  pct: { net: 31, mp: 255, dev: 255, unused: 255 },
  qm: { scsi: 30, virtio: 15, ide: 3, sata: 5, net: 31, ipconfig: 31, serial: 3, parallel: 2, hostpci: 15, usb: 13, numa: 7, virtiofs: 9, unused: 255 },
};

const SYNOPSIS_NAME: Record<string, string> = { 'qm importdisk': 'disk import' };

type Props = { props: Record<string, ApiProp>; args: string[] } | string;
const propsCache = new Map<string, Props>();

/** The properties a subcommand accepts (indexed ones expanded), or a reason it cannot be checked. */
export function commandProps(key: string): Props {
  let p = propsCache.get(key);
  if (p === undefined) {
    p = loadProps(key);
    propsCache.set(key, p);
  }
  return p;
}

function loadProps(key: string): Props {
  const entry = MAP[key];
  if (!entry) return `no mapping for '${key}'`;
  const [tool, ...words] = key.split(' ');
  let props: Record<string, ApiProp>;
  if (entry.api) {
    const m = apiMethod(entry.api[0], entry.api[1]);
    if (!m) return `apidata has no ${entry.api[0]} ${entry.api[1]}`;
    props = { ...m.parameters.properties };
  } else {
    const syn = synopsisCommand(tool as 'pct' | 'qm', SYNOPSIS_NAME[key] ?? words.join(' '));
    if (!syn) return `synopsis has no '${key}'`;
    props = syn.props;
  }
  delete props.node;
  for (const k of Object.keys(props)) {
    const m = /^(\w+)\[n\]$/.exec(k);
    if (!m) continue;
    const max = MAX_INDEX[tool][m[1]] ?? 0;
    for (let i = 0; i <= max; i++) props[`${m[1]}${i}`] = props[k];
    delete props[k];
  }
  return { props, args: entry.args };
}

const BOOL = /^(1|0|on|off|yes|no|true|false)$/i;

/** A few named scalar formats, checked independently; unknown names are not checked. */
const NAMED: Record<string, RegExp> = {
  'pve-vmid': /^[1-9][0-9]{2,8}$/,
  'dns-name': /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
  'pve-storage-id': /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i,
  'pve-configid': /^[a-z][a-z0-9_-]+$/i,
  'mac-addr': /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i,
  ipv4: /^(?:\d{1,3}\.){3}\d{1,3}$/,
  'pve-ipv4-config': /^(?:dhcp|manual|(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2})$/,
  'disk-size': /^\d+(?:\.\d+)?[KMGT]?$/,
  'pve-bridge-id': /^[-_.\w\d]+$/,
};

/** Problems with one value against one apidata property (empty when fine). */
export function checkValue(name: string, v: string, p: ApiProp): string[] {
  const bad = (why: string) => [`${name}=${JSON.stringify(v)}: ${why}`];
  if (p.type === 'boolean') return BOOL.test(v) ? [] : bad('not a boolean');
  if (p.type === 'integer' && !/^[+-]?\d+$/.test(v)) return bad('not an integer');
  if (p.type === 'number' && !/^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v)) return bad('not a number');
  if ((p.type === 'integer' || p.type === 'number') && v !== '') {
    if (p.minimum !== undefined && Number(v) < Number(p.minimum)) return bad(`below minimum ${p.minimum}`);
    if (p.maximum !== undefined && Number(v) > Number(p.maximum)) return bad(`above maximum ${p.maximum}`);
  }
  if (p.enum && !p.enum.map(String).includes(v)) return bad(`not in enum ${p.enum.join('|')}`);
  if (p.maxLength !== undefined && [...v].length > p.maxLength) return bad(`longer than ${p.maxLength}`);
  if (p.pattern && !new RegExp(`^(?:${jsPattern(p.pattern)})$`).test(v)) return bad(`does not match /${p.pattern}/`);
  const fmt = typeof p.format === 'object' ? p.format : p.format && p.typetext ? formatFromTypetext(p.typetext) : undefined;
  if (fmt) return checkPropertyString(name, v, fmt);
  if (typeof p.format === 'string') {
    const base = p.format.replace(/-list$/, '');
    const re = NAMED[base];
    if (re) {
      const items = p.format.endsWith('-list') ? v.split(/[,;\s]+/).filter(Boolean) : [v];
      const wrong = items.find((x) => !re.test(x));
      if (wrong !== undefined) return bad(`not a valid ${base}${items.length > 1 ? ` ('${wrong}')` : ''}`);
    }
  }
  return [];
}

/** A property string against an apidata format (aliases, default key, required sub-keys). */
export function checkPropertyString(name: string, text: string, fmt: Record<string, ApiProp>): string[] {
  const problems: string[] = [];
  const vals: Record<string, string> = {};
  const dflt = Object.keys(fmt).find((k) => fmt[k].default_key);
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    let k: string;
    let v: string;
    if (eq < 0) {
      if (!dflt || vals[dflt] !== undefined) {
        problems.push(`${name}: bare value '${part}' without a free default key`);
        continue;
      }
      [k, v] = [dflt, part];
    } else {
      [k, v] = [part.slice(0, eq), part.slice(eq + 1)];
      const s = fmt[k];
      if (s?.alias) {
        if (s.keyAlias) vals[s.keyAlias] = k;
        k = s.alias;
      }
    }
    if (!fmt[k]) problems.push(`${name}: unknown sub-key '${k}'`);
    else if (vals[k] !== undefined && fmt[k].keyAlias === undefined) problems.push(`${name}: duplicate sub-key '${k}'`);
    else vals[k] = v;
  }
  for (const [k, s] of Object.entries(fmt)) {
    if (s.alias) continue;
    if (vals[k] === undefined) {
      if (!s.optional) problems.push(`${name}: required sub-key '${k}' missing`);
      continue;
    }
    problems.push(...checkValue(`${name}.${k}`, vals[k], s));
  }
  return problems;
}

/** Problems Proxmox's schema would find with this pct/qm argv (empty list: accepted). */
export function checkAgainstApidata(argv: readonly string[]): string[] {
  const tool = argv[0];
  if (tool !== 'pct' && tool !== 'qm') return [`not a pct/qm call: ${argv[0]}`];
  const key = [3, 2].map((n) => argv.slice(0, n).join(' ')).find((k) => MAP[k]) ?? argv.slice(0, 2).join(' ');
  const cp = commandProps(key);
  if (typeof cp === 'string') return [cp];
  const { props, args } = cp;
  const rest = argv.slice(key.split(' ').length);
  const given: Record<string, string> = {};
  const positionals: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    if (w === '--') {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(w);
    if (!m || /^-\d/.test(w)) {
      positionals.push(w);
      continue;
    }
    let name = m[1];
    if (!props[name]) {
      const pre = Object.keys(props).filter((k) => k.startsWith(name));
      if (pre.length !== 1) {
        problems.push(`unknown option --${name}`);
        continue;
      }
      name = pre[0];
    }
    if (m[2] !== undefined) given[name] = m[2];
    else if (props[name].type === 'boolean') given[name] = rest[i + 1] !== undefined && !/^--?./.test(rest[i + 1]) ? rest[++i] : '1';
    else if (i + 1 < rest.length) given[name] = rest[++i];
    else problems.push(`option --${name} needs a value`);
  }
  for (const a of args) {
    if (a === 'extra-args') {
      positionals.length = 0;
      break;
    }
    const v = positionals.shift();
    if (v === undefined) {
      if (!props[a]?.optional) problems.push(`missing argument <${a}>`);
      continue;
    }
    given[a] = v;
  }
  if (positionals.length) problems.push(`too many arguments: ${positionals.join(' ')}`);
  for (const [k, v] of Object.entries(given)) {
    if (props[k]) problems.push(...checkValue(k, v, props[k]));
    const req = props[k]?.requires;
    if (req && given[req] === undefined) problems.push(`${k} requires ${req}`);
  }
  return problems;
}

/** Check every call of a simulator call log (JSON lines with an `argv` array). */
export function checkCallLog(file: string): Array<{ argv: string[]; problems: string[] }> {
  const out: Array<{ argv: string[]; problems: string[] }> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as { argv?: string[] };
    if (!rec.argv || (rec.argv[0] !== 'pct' && rec.argv[0] !== 'qm')) continue;
    const problems = checkAgainstApidata(rec.argv);
    if (problems.length) out.push({ argv: rec.argv, problems });
  }
  return out;
}
