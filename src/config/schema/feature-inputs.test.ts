import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinInputKeys } from '../../features/registry.js';
import { BUILTIN_FEATURE_INPUT_KEYS } from './common.js';
import { LxcGuestSchema } from './lxc.js';
import { VmGuestSchema } from './vm.js';

test('every input a shipped feature declares is a key the guest files accept', () => {
  for (const k of builtinInputKeys()) {
    if (k.startsWith('nvidia_')) continue; // root keys of the LXC file (nvidia_* pattern)
    assert.ok((BUILTIN_FEATURE_INPUT_KEYS as readonly string[]).includes(k), `${k} missing from BUILTIN_FEATURE_INPUT_KEYS`);
    assert.ok(k in LxcGuestSchema.shape, `${k} not accepted in lxc_configs entries`);
    assert.ok(k in VmGuestSchema.shape, `${k} not accepted in vms entries`);
  }
});
