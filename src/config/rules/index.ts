// Every validation rule, in the order their diagnostics are listed. All run on every load, so a
// user sees every problem at once.
import { addresses } from './addresses.js';
import { bindMountSnapshots } from './bind-mount-snapshots.js';
import { bridges } from './bridges.js';
import { buildable } from './buildable.js';
import { cloneKind } from './clone-kind.js';
import { cloneSnapshots } from './clone-snapshots.js';
import { controlChars } from './control-chars.js';
import type { Rule } from './context.js';
import { cycles } from './cycles.js';
import { diskShrink } from './disk-shrink.js';
import { duplicateIds } from './duplicate-ids.js';
import { duplicateIp } from './duplicate-ip.js';
import { duplicateMac } from './duplicate-mac.js';
import { features } from './features.js';
import { firewallDuplicates } from './firewall-duplicates.js';
import { gatewaySubnet } from './gateway-subnet.js';
import { guestIds } from './guest-ids.js';
import { healthPaths } from './health-paths.js';
import { hostnames } from './hostnames.js';
import { ignoredKeys } from './ignored-keys.js';
import { mountPaths } from './mount-paths.js';
import { notApplied } from './not-applied.js';
import { plaintextSecrets } from './plaintext-secrets.js';
import { references } from './references.js';
import { scriptPaths } from './script-paths.js';
import { secretRefs } from './secret-refs.js';
import { templateSnapshots } from './template-snapshots.js';
import { unknownKeys } from './unknown-keys.js';
import { vmImage } from './vm-image.js';

export const RULES: Rule[] = [
  guestIds,
  duplicateIds,
  references,
  cloneKind,
  cycles,
  hostnames,
  addresses,
  gatewaySubnet,
  duplicateMac,
  duplicateIp,
  mountPaths,
  controlChars,
  scriptPaths,
  features,
  healthPaths,
  secretRefs,
  bridges,
  diskShrink,
  vmImage,
  templateSnapshots,
  firewallDuplicates,
  buildable,
  bindMountSnapshots,
  cloneSnapshots,
  plaintextSecrets,
  notApplied,
  unknownKeys,
  ignoredKeys,
];

export type { Rule, RuleContext, GuestEntry } from './context.js';
export { buildContext } from './context.js';
