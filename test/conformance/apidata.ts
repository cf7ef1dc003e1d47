// Proxmox's own API schema (apidata-pve9.1.js, AGPL test data in ../shared/pve, never bundled) and
// the synopsis pages, loaded for conformance checks. Everything here is independent of
// src/proxmox/schema so the two can be compared.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const SHARED_PVE = fileURLToPath(new URL('../../../shared/pve/', import.meta.url));
export const APIDATA_PATH = `${SHARED_PVE}apidata-pve9.1.js`;
export const haveApidata = (): boolean => existsSync(APIDATA_PATH);

/** A JSON-schema-like property as apidata stores it (numbers sometimes as strings). */
export interface ApiProp {
  type?: string;
  optional?: number;
  enum?: string[];
  minimum?: number | string;
  maximum?: number | string;
  maxLength?: number;
  pattern?: string;
  format?: string | Record<string, ApiProp>;
  typetext?: string;
  default_key?: number;
  alias?: string;
  keyAlias?: string;
  requires?: string;
  items?: unknown;
}

export interface ApiMethod {
  parameters: { properties: Record<string, ApiProp> };
}

interface ApiNode {
  path: string;
  info?: Record<string, ApiMethod>;
  children?: ApiNode[];
}

let flat: Map<string, ApiNode> | undefined;

/** path → node of the API tree. */
export function apiTree(): Map<string, ApiNode> {
  if (!flat) {
    const tree = vm.runInNewContext(`${readFileSync(APIDATA_PATH, 'utf8')};apiSchema`) as ApiNode[];
    flat = new Map();
    const walk = (n: ApiNode) => {
      flat!.set(n.path, n);
      (n.children ?? []).forEach(walk);
    };
    tree.forEach(walk);
  }
  return flat;
}

export function apiMethod(method: string, path: string): ApiMethod | undefined {
  return apiTree().get(path)?.info?.[method];
}

/** Perl regex → JS (`(?^:` → `(?:`, `{,n}` → `{0,n}`). */
export const jsPattern = (p: string) => p.replace(/\(\?\^[a-z]*:/g, '(?:').replace(/\{,(\d+)\}/g, '{0,$1}');

/**
 * Sub-keys of a format apidata only names (`pve-startup-order`, `pve-qm-boot`, ...), read from its
 * typetext (`[[order=]\d+] [,up=\d+] [,down=\d+]`). Undefined when the typetext is not key-based.
 */
export function formatFromTypetext(typetext: string): Record<string, ApiProp> | undefined {
  const out: Record<string, ApiProp> = {};
  for (const tok of typetext.trim().split(/\s+(?=\[|,)/)) {
    const m = /^\[?,?(\[)?([\w-]+)=\]?(.*?)\]?$/.exec(tok);
    if (!m) return undefined;
    const [, dflt, key, valueText] = m;
    const prop: ApiProp = { optional: tok.startsWith('[') && !tok.startsWith('[[') ? 1 : dflt ? 1 : 0 };
    if (dflt) prop.default_key = 1;
    const inner = /^<(.*)>$/.exec(valueText)?.[1];
    if (inner === '1|0') prop.type = 'boolean';
    else if (inner === 'integer') prop.type = 'integer';
    else if (inner !== undefined && /^[\w./-]+(\|[\w./-]+)+$/.test(inner) && !/\d-\d/.test(inner)) prop.enum = inner.split('|');
    // `<[acdn]{1,4}>` is a regex; `<device[;device...]>` is prose.
    else if (inner !== undefined && /[{\\]/.test(inner) && !inner.includes('...')) prop.pattern = inner;
    else if (inner === undefined && valueText) prop.pattern = valueText;
    out[key] = { type: 'string', ...prop };
  }
  return Object.keys(out).length ? out : undefined;
}

/** A local-only command's parameters from its synopsis entry (`*pct exec* ...`). */
export function synopsisCommand(tool: 'pct' | 'qm', name: string): { args: string[]; props: Record<string, ApiProp> } | undefined {
  const file = `${SHARED_PVE}docs/${tool}.1-synopsis.adoc`;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`*${tool} ${name}*`);
  if (start < 0) return undefined;
  const end = text.indexOf('\n[[cli_', start);
  const block = text.slice(start, end < 0 ? undefined : end);
  const header = block.split('\n')[0];
  const args = [...header.matchAll(/<([\w-]+)>/g)].map((m) => m[1]);
  const props: Record<string, ApiProp> = {};
  for (const m of block.matchAll(/^`(?:--([\w-]+)|<([\w-]+)>)`:? `([^`]*)`/gm)) {
    const key = m[1] ?? m[2];
    props[key] = { ...synopsisType(m[3]), optional: m[1] ? 1 : 0 };
  }
  return { args, props };
}

function synopsisType(t: string): ApiProp {
  if (t === '<boolean>') return { type: 'boolean' };
  const range = /^<(integer|number)>(?: \((-?[\d.]+) - (N|-?[\d.]+)\))?$/.exec(t);
  if (range) return { type: range[1], ...(range[2] ? { minimum: Number(range[2]) } : {}), ...(range[3] && range[3] !== 'N' ? { maximum: Number(range[3]) } : {}) };
  const en = /^<([^<>]+(?: \| [^<>]+)+)>$/.exec(t);
  if (en) return { type: 'string', enum: en[1].split(' | ') };
  if (t === '<array>') return { type: 'array' };
  return { type: 'string' };
}
