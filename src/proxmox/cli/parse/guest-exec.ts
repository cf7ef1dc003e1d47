// JSON answers of `qm guest exec --synchronous 0` ({"pid": N}) and `qm guest exec-status`
// ({"exited":1,"exitcode":0,"out-data":"...","err-data":"..."}), printed pretty by qm.

export interface GuestExecStatus {
  exited: boolean;
  exitCode?: number;
  signal?: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

function parseJsonObject(text: string): Record<string, unknown> {
  const at = text.indexOf('{');
  if (at < 0) throw new Error(`expected a JSON object from the guest agent, got ${JSON.stringify(text.slice(0, 200))}`);
  const v: unknown = JSON.parse(text.slice(at));
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a JSON object from the guest agent');
  return v as Record<string, unknown>;
}

/** A pid to poll, or (when the command already finished) its status. */
export function parseGuestExecStart(text: string): { pid: number } | { status: GuestExecStatus } {
  const o = parseJsonObject(text);
  if ('exited' in o) return { status: toStatus(o) };
  if (typeof o.pid === 'number') return { pid: o.pid };
  throw new Error(`guest agent answered without a pid: ${text.trim().slice(0, 200)}`);
}

export function parseGuestExecStatus(text: string): GuestExecStatus {
  return toStatus(parseJsonObject(text));
}

function toStatus(o: Record<string, unknown>): GuestExecStatus {
  const s: GuestExecStatus = {
    exited: o.exited === 1 || o.exited === true,
    stdout: typeof o['out-data'] === 'string' ? o['out-data'] : '',
    stderr: typeof o['err-data'] === 'string' ? o['err-data'] : '',
    truncated: Boolean(o['out-truncated'] || o['err-truncated']),
  };
  if (typeof o.exitcode === 'number') s.exitCode = o.exitcode;
  if (typeof o.signal === 'number') s.signal = o.signal;
  return s;
}
