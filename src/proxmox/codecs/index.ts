// Proxmox property-string codecs: generic parse/print, sizes, typed LXC/QEMU values, comparison.

export { defaultKey, formatPropertyString, parseBoolean, parsePropertyString, PropertyStringError, type PropertyValues } from './property-string.js';
export { formatSize, GiB, newVolumeSizeGiB, parseResizeArg, parseSize, sizeToGiB } from './size.js';
export { formatTyped, parseTyped, toRaw } from './typed.js';
export * from './lxc.js';
export * from './qemu.js';
export * from './startup.js';
export { canonicalMap, optionSchema, optionValuesEqual, propertyStringsEqual, type CompareOptions } from './compare.js';
