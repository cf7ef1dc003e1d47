// One value against one schema, in the order and words of PVE::JSONSchema::check_prop:
// type → format → pattern → maxLength/minLength → maximum/minimum → enum. Property strings are
// parsed with the codec and their sub-keys checked recursively; their errors are reported as
// `invalid format - format error` followed by `param.subkey: message` lines, exactly as
// PVE::Exception stringifies them (messages keep Proxmox's trailing newline where Perl has one).

import { parsePropertyString, PropertyStringError } from '../codecs/property-string.js';
import { checkNamedFormat } from './named-formats.js';
import { checkVmCpuType } from './cpu-models.js';
import { qemuCpuFormat } from './formats-qemu.js';
import type { ParamSchema, PropertyFormat } from './types.js';

export type ErrorMap = Record<string, string>;

const isInteger = (v: string) => /^[+-]?\d+$/.test(v);
const isNumber = (v: string) => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);

/** Perl regexes as Proxmox writes them, made usable in JS (`(?^:` → `(?:`, `{,n}` → `{0,n}`). */
export function perlToJsPattern(p: string): string {
  return p.replace(/\(\?\^[a-z]*:/g, '(?:').replace(/\{,(\d+)\}/g, '{0,$1}');
}

const patternCache = new Map<string, RegExp>();
function anchored(p: string): RegExp {
  let re = patternCache.get(p);
  if (!re) {
    re = new RegExp(`^(?:${perlToJsPattern(p)})$`);
    patternCache.set(p, re);
  }
  return re;
}

function addError(errors: ErrorMap, path: string, msg: string): void {
  const p = path || '_root';
  errors[p] = errors[p] ? `${errors[p]}\\n${msg}` : msg;
}

/** check_type for scalar values: booleans must already be '1' or '0'. */
function typeOk(type: ParamSchema['type'], v: string): boolean {
  if (type === 'boolean') return v === '1' || v === '0';
  if (type === 'integer') return isInteger(v);
  if (type === 'number') return isNumber(v);
  return true;
}

/** The text PVE::Exception gives a `format error` with sub-errors (sorted for stable output). */
function formatErrorText(sub: ErrorMap): string {
  return (
    'format error\n' +
    Object.keys(sub)
      .sort()
      .map((k) => `${k}: ${sub[k]}\n`)
      .join('')
  );
}

/** parse_property_string + check_object: undefined when fine, else the text after `invalid format - `. */
export function checkPropertyString(format: PropertyFormat, value: string, path: string): string | undefined {
  let parsed: Record<string, string>;
  try {
    parsed = parsePropertyString(format, value, { keepUnknown: true });
  } catch (e) {
    if (e instanceof PropertyStringError) return `${e.message}\n`;
    throw e;
  }
  const sub: ErrorMap = {};
  checkObject(path, format, parsed, sub);
  if (Object.keys(sub).length) return formatErrorText(sub);
  // PVE: qemu-server src/PVE/QemuServer/CPUConfig.pm:validate_vm_cpu_conf (the format's validator, run on the parsed value)
  const invalid = format === qemuCpuFormat ? checkVmCpuType(parsed) : undefined;
  return invalid === undefined ? undefined : `${invalid}\n`;
}

/** check_object with additional properties disallowed (the only mode parameters use). */
export function checkObject(path: string, schema: Readonly<Record<string, ParamSchema>>, value: Record<string, string | undefined>, errors: ErrorMap): void {
  for (const k of Object.keys(schema)) checkProp(value[k], schema[k], path ? `${path}.${k}` : k, errors);
  for (const k of Object.keys(value)) {
    const p = path ? `${path}.${k}` : k;
    const sub = Object.hasOwn(schema, k) ? schema[k] : undefined;
    if (sub) {
      if (sub.requires && value[sub.requires] === undefined) {
        addError(errors, path ? `${path}.${sub.requires}` : sub.requires, `missing property - '${p}' requires this property`);
      }
      continue;
    }
    addError(errors, p, 'property is not defined in schema and the schema does not allow additional properties');
  }
}

/** check_prop for one scalar value (undefined = absent). */
export function checkProp(value: string | undefined, schema: ParamSchema, path: string, errors: ErrorMap): void {
  if (value === undefined) {
    if (!schema.optional && !schema.alias) addError(errors, path, 'property is missing and it is not optional');
    return;
  }
  if (!typeOk(schema.type, value)) {
    addError(errors, path, `type check ('${schema.type}') failed - got '${value}'`);
    return;
  }
  if (schema.format !== undefined) {
    const msg = typeof schema.format === 'string' ? withNewline(checkNamedFormat(schema.format, value)) : checkPropertyString(schema.format, value, path);
    if (msg !== undefined) {
      addError(errors, path, `invalid format - ${msg}`);
      return;
    }
  }
  if (schema.pattern !== undefined && !anchored(schema.pattern).test(value)) {
    addError(errors, path, 'value does not match the regex pattern');
    return;
  }
  if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
    addError(errors, path, `value may only be ${schema.maxLength} characters long`);
    return;
  }
  if (schema.minLength !== undefined && [...value].length < schema.minLength) {
    addError(errors, path, `value must be at least ${schema.minLength} characters long`);
    return;
  }
  if (isNumber(value)) {
    if (schema.maximum !== undefined && Number(value) > schema.maximum) {
      addError(errors, path, `value must have a maximum value of ${schema.maximum}`);
      return;
    }
    if (schema.minimum !== undefined && Number(value) < schema.minimum) {
      addError(errors, path, `value must have a minimum value of ${schema.minimum}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) {
    addError(errors, path, `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`);
  }
}

// Named-format validators die with "...\n"; keep that newline as Perl's message does.
const withNewline = (m: string | undefined) => (m === undefined ? undefined : `${m}\n`);
