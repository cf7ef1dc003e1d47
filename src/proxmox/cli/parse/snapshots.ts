// `pct listsnapshot` / `qm listsnapshot` (cli-output-samples.md §7): a tree printed as
// `<depth spaces>`-> <name padded> <YYYY-MM-DD HH:MM:SS|23 spaces> <first description line>`.
// Children follow their parent one space deeper; `current` (You are here!) is not a snapshot.

import type { SnapshotInfo } from '../../types.js';

const LINE = /^( *)`-> (\S+)(?: +(.*))?$/;
const TIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\s*(.*)$/;

export function parseSnapshotList(text: string): SnapshotInfo[] {
  const out: SnapshotInfo[] = [];
  const lastAtDepth: string[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.replace(/\s+$/, ''));
    if (!m) continue;
    const depth = m[1].length;
    const name = m[2];
    lastAtDepth[depth] = name;
    lastAtDepth.length = depth + 1;
    if (name === 'current') continue;
    const info: SnapshotInfo = { name };
    const parent = depth > 0 ? lastAtDepth[depth - 1] : undefined;
    if (parent) info.parent = parent;
    let rest = (m[3] ?? '').trim();
    const t = TIME.exec(rest);
    if (t) {
      // strftime(localtime): the host's local time; we assume the same zone as this process.
      info.snaptime = Math.floor(new Date(+t[1], +t[2] - 1, +t[3], +t[4], +t[5], +t[6]).getTime() / 1000);
      rest = t[7];
    }
    if (rest && rest !== 'no-description') info.description = rest;
    out.push(info);
  }
  return out;
}
