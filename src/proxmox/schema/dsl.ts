// Tiny builders that keep the hand-written option tables short and readable. Everything built
// here is optional unless wrapped in `required()`.

import type { ParamSchema } from './types.js';

type Extra = Omit<ParamSchema, 'type'>;

const clean = (s: ParamSchema): ParamSchema => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as ParamSchema;

export const bool = (x: Extra = {}): ParamSchema => clean({ type: 'boolean', optional: true, ...x });
export const str = (x: Extra = {}): ParamSchema => clean({ type: 'string', optional: true, ...x });
export const int = (minimum?: number, maximum?: number, x: Extra = {}): ParamSchema => clean({ type: 'integer', optional: true, minimum, maximum, ...x });
export const num = (minimum?: number, maximum?: number, x: Extra = {}): ParamSchema => clean({ type: 'number', optional: true, minimum, maximum, ...x });
export const oneOf = (values: readonly string[], x: Extra = {}): ParamSchema => clean({ type: 'string', optional: true, enum: values, ...x });
export const fmt = (format: ParamSchema['format'], x: Extra = {}): ParamSchema => clean({ type: 'string', optional: true, format, ...x });
export const alias = (to: string, keyAlias?: string): ParamSchema => clean({ alias: to, keyAlias });
export const required = (s: ParamSchema): ParamSchema => ({ ...s, optional: false });

/** The standard `vmid` argument (pve-vmid). */
export const vmid = (): ParamSchema => required(int(100, 999_999_999, { format: 'pve-vmid' }));
/** A snapshot name (pve-snapshot-name). */
export const snapname = (): ParamSchema => required(str({ format: 'pve-configid', maxLength: 40 }));
