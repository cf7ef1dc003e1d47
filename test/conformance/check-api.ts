// checkApiRequest(method, path, params): does Proxmox's own API schema (apidata-pve9.1.js, and
// apidata-pve8.4.js) accept this REST call? The path is matched against the schema's templated
// paths ({node}, {vmid}, ...), its path parameters and every given parameter checked with the same
// value checker as the pct/qm calls (check-argv.ts), required parameters must be present, and a
// parameter the method does not define is a problem.

import { existsSync, readFileSync } from 'node:fs';
import vm from 'node:vm';
import { SHARED_PVE, type ApiProp } from './apidata.js';
import { checkValue } from './check-argv.js';

export const API_VERSIONS = { '9.1': `${SHARED_PVE}apidata-pve9.1.js`, '8.4': `${SHARED_PVE}apidata-pve8.4.js` } as const;
export type ApiVersion = keyof typeof API_VERSIONS;
export const haveApiSchemas = (): boolean => Object.values(API_VERSIONS).every((f) => existsSync(f));

interface Node {
  path: string;
  info?: Record<string, { parameters?: { properties?: Record<string, ApiProp & { items?: ApiProp }> } }>;
  children?: Node[];
}

const trees = new Map<ApiVersion, Array<{ re: RegExp; names: string[]; node: Node }>>();

function routes(v: ApiVersion) {
  let r = trees.get(v);
  if (!r) {
    const tree = vm.runInNewContext(`${readFileSync(API_VERSIONS[v], 'utf8')};apiSchema`) as Node[];
    r = [];
    const walk = (n: Node) => {
      const names: string[] = [];
      const re = new RegExp(`^${n.path.replace(/\{([\w-]+)\}/g, (_, k: string) => (names.push(k), '([^/]+)'))}$`);
      r!.push({ re, names, node: n });
      (n.children ?? []).forEach(walk);
    };
    tree.forEach(walk);
    trees.set(v, r);
  }
  return r;
}

const MAX_INDEX: Record<string, number> = { net: 31, mp: 255, dev: 255, unused: 255, scsi: 30, virtio: 15, ide: 3, sata: 5, ipconfig: 31, serial: 3, parallel: 2, hostpci: 15, usb: 13, numa: 7, virtiofs: 9 };

function propFor(props: Record<string, ApiProp & { items?: ApiProp }>, key: string): (ApiProp & { items?: ApiProp }) | undefined {
  if (props[key]) return props[key];
  const m = /^([a-z]+)(\d+)$/.exec(key);
  if (m && props[`${m[1]}[n]`] && Number(m[2]) <= (MAX_INDEX[m[1]] ?? 0)) return props[`${m[1]}[n]`];
  return undefined;
}

export type ApiParamValue = string | number | boolean | string[];

/** Problems (empty: accepted) with one request against one API version's schema. */
export function checkApiRequest(method: string, path: string, params: Record<string, ApiParamValue>, v: ApiVersion = '9.1'): string[] {
  const hit = routes(v).find((r) => r.re.test(path));
  if (!hit) return [`${v}: no API path matches ${path}`];
  const info = hit.node.info?.[method];
  if (!info) return [`${v}: ${hit.node.path} has no ${method}`];
  const props = info.parameters?.properties ?? {};
  const problems: string[] = [];
  const values: Record<string, ApiParamValue> = { ...params };
  const m = hit.re.exec(path)!;
  hit.names.forEach((n, i) => {
    values[n] = decodeURIComponent(m[i + 1]);
  });
  for (const [k, val] of Object.entries(values)) {
    const p = propFor(props, k);
    if (!p) {
      problems.push(`${v}: ${method} ${hit.node.path}: parameter '${k}' is not defined in the schema`);
      continue;
    }
    if (Array.isArray(val)) {
      if (p.type !== 'array') problems.push(`${v}: ${k}: an array where the schema wants ${p.type}`);
      else for (const x of val) problems.push(...checkValue(k, x, (p.items as ApiProp | undefined) ?? { type: 'string' }).map((s) => `${v}: ${s}`));
      continue;
    }
    const text = typeof val === 'boolean' ? (val ? '1' : '0') : String(val);
    problems.push(...checkValue(k, text, p).map((s) => `${v}: ${method} ${hit.node.path}: ${s}`));
  }
  for (const [k, p] of Object.entries(props)) {
    if (!p.optional && !k.endsWith('[n]') && values[k] === undefined) problems.push(`${v}: ${method} ${hit.node.path}: required parameter '${k}' missing`);
  }
  return problems;
}
