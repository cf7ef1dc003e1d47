// What the API driver needs on a guest's node for the things the API cannot do (a container's
// exec and push, its raw lxc.* lines, the firewall file, `qm disk import`): an Exec that runs
// pct/qm there, the node's /etc/pve, and a way to put a local file on the node for `pct push`.
// Implementations: SSH (exec/ssh.ts) on a real node; a local transport into the simulator.

import type { Exec } from '../exec/types.js';
import type { HostFiles } from '../hostfiles/types.js';

export interface StagedFile {
  /** The file's path on the node. */
  path: string;
  /** Removes what staging made (nothing for a local node). */
  done(): Promise<void>;
}

export interface NodeAccess {
  exec: Exec;
  hostFiles: HostFiles;
  /** Makes a local file readable on the node for `pct push`. */
  stage(localFile: string): Promise<StagedFile>;
}

/** The node is this machine (or the simulator in-process): files need no copying. */
export const localStage = async (localFile: string): Promise<StagedFile> => ({ path: localFile, done: async () => {} });
