// `pct set` / `qm set`: the checks of `delete`/`revert` against the options given in the same call.

import { usageLine } from '../../proxmox/schema/index.js';
import { SimError } from '../state/errors.js';
import { optionSchema } from './normalize.js';
import { paramErrorText, type Call } from './params.js';

/** Config keys outside the create/set schema that the option tables still know (snapshot bookkeeping). */
// PVE: qemu-server src/PVE/QemuServer.pm:$confdesc (snaptime, vmstate, runningmachine, runningcpu, running-nets-host-mtu); pve-container src/PVE/LXC/Config.pm:$confdesc (parent, snaptime)
const INTERNAL = { qm: new Set(['snaptime', 'vmstate', 'runningmachine', 'runningcpu', 'running-nets-host-mtu']), pct: new Set(['parent', 'snaptime']) };

// PVE: qemu-server src/PVE/QemuServer.pm:option_exists; pve-container src/PVE/LXC/Config.pm:option_exists
const optionExists = (tool: 'pct' | 'qm', key: string): boolean => optionSchema(tool === 'pct' ? 'lxc' : 'qemu', key) !== undefined || INTERNAL[tool].has(key);

/** The given options, without the path parameters the API takes out first (`vmid`, `node`). */
const given = (call: Call): Record<string, string> => {
  const { vmid: _vmid, node: _node, ...rest } = call.params;
  return rest;
};

/** PVE::Tools::split_list: items separated by commas, semicolons or white space. */
const splitList = (s: string | undefined): string[] => (s ?? '').split(/[,;\s]+/).filter(Boolean);

/** Refuses an option that is set and deleted (or reverted) in the same call, as Proxmox does. */
export function checkDeleteRevertConflicts(call: Call): void {
  const p = given(call);
  const fail = (param: string, message: string): never => {
    throw new SimError(paramErrorText([{ param, message }], usageLine(call.spec)));
  };
  const revert = splitList(p.revert);
  if (call.tool === 'qm') {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:update_vm_api (both errors under 'delete', as written there)
    for (const opt of revert) {
      if (!optionExists('qm', opt)) fail('revert', `unknown option '${opt}'`);
      if (p[opt] !== undefined) fail('delete', `you can't use '-${opt}' and -revert ${opt}' at the same time`);
    }
    for (const word of splitList(p.delete)) {
      const opt = word === 'cdrom' ? 'ide2' : word;
      if (p[opt] !== undefined) fail('delete', `you can't use '-${opt}' and -delete ${opt}' at the same time`);
      if (revert.includes(opt)) fail('revert', `you can't use '-delete ${opt}' and -revert ${opt}' at the same time`);
      if (!optionExists('qm', opt)) fail('delete', `unknown option '${opt}'`);
    }
    return;
  }
  // PVE: pve-container src/PVE/API2/LXC/Config.pm:update_vm
  for (const opt of revert) {
    if (!optionExists('pct', opt)) fail('revert', `unknown option '${opt}'`);
    if (p[opt] !== undefined) fail('revert', `you can't use '-${opt}' and '-revert ${opt}' at the same time`);
  }
  for (const opt of splitList(p.delete)) {
    if (!optionExists('pct', opt)) fail('delete', `unknown option '${opt}'`);
    if (p[opt] !== undefined) fail('delete', `you can't use '-${opt}' and -delete ${opt}' at the same time`);
    if (revert.includes(opt)) fail('delete', `you can't use '-delete ${opt}' and '-revert ${opt}' at the same time`);
  }
}
