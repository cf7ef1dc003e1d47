// `pct set` / `qm set`: the checks of `delete`/`revert` against the options given in the same call.

import { usageLine } from '../../proxmox/schema/index.js';
import { SimError } from '../state/errors.js';
import { paramErrorText, type Call } from './params.js';

/** PVE::Tools::split_list: items separated by commas, semicolons or white space. */
const splitList = (s: string | undefined): string[] => (s ?? '').split(/[,;\s]+/).filter(Boolean);

/** Refuses an option that is set and deleted (or reverted) in the same call, as Proxmox does. */
export function checkDeleteRevertConflicts(call: Call): void {
  const p = call.params;
  const fail = (param: string, message: string): never => {
    throw new SimError(paramErrorText([{ param, message }], usageLine(call.spec)));
  };
  const revert = splitList(p.revert);
  if (call.tool === 'qm') {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:update_vm_api (both errors under 'delete', as written there)
    for (const opt of revert) if (p[opt] !== undefined) fail('delete', `you can't use '-${opt}' and -revert ${opt}' at the same time`);
    for (const given of splitList(p.delete)) {
      const opt = given === 'cdrom' ? 'ide2' : given;
      if (p[opt] !== undefined) fail('delete', `you can't use '-${opt}' and -delete ${opt}' at the same time`);
      if (revert.includes(opt)) fail('revert', `you can't use '-delete ${opt}' and -revert ${opt}' at the same time`);
    }
    return;
  }
  // PVE: pve-container src/PVE/API2/LXC/Config.pm:update_vm
  for (const opt of revert) if (p[opt] !== undefined) fail('revert', `you can't use '-${opt}' and '-revert ${opt}' at the same time`);
  for (const opt of splitList(p.delete)) {
    if (p[opt] !== undefined) fail('delete', `you can't use '-${opt}' and -delete ${opt}' at the same time`);
    if (revert.includes(opt)) fail('delete', `you can't use '-delete ${opt}' and '-revert ${opt}' at the same time`);
  }
}
