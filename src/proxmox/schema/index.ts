// Proxmox parameter rules: hand-written option tables for pct/qm, the validator that applies them
// with Proxmox's own error texts, and PVE's CLI argument syntax.

export type { CommandSpec, IndexedOption, ParamError, ParamSchema, ParamType, PropertyFormat } from './types.js';
export { commandNames, expandedParams, getCommand, usageFor, usageLine } from './commands.js';
export { checkObject, checkProp, checkPropertyString, perlToJsPattern } from './check.js';
export { checkNamedFormat, isKnownFormat, splitList } from './named-formats.js';
export { getOptions, parseCliArgs, type ParsedArgs } from './cli-args.js';
export { checkArgv, readOnlyAfterCreate, splitSubcommand, validateCommand, type CheckedCommand, type Tool } from './validate.js';
export { formatParamError, PARAM_ERROR_EXIT } from './format-error.js';
export * from './formats-lxc.js';
export * from './formats-qemu.js';
export { lxcConfigOptions, lxcCreateOnly, lxcIndexed, lxcSetOnly, LXC_OSTYPES } from './options-lxc.js';
export { qemuConfigOptions, qemuCreateOnly, qemuIndexed, qemuSetOnly, QEMU_OSTYPES } from './options-qemu.js';
