// Text from guests (feature output, check results, Proxmox's messages) and from config files is
// shown on a terminal: a control character in it (ESC starting a sequence, a carriage return
// rewriting the line, C1 CSI) must be seen, not obeyed. Escaped as \xNN; newlines and tabs are
// kept where a caller prints multi-line text, escaped where it promises one line.

// C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** Escapes control characters; `keep` lists those left as they are (default: newline and tab). */
export function escapeControl(text: string, keep: string = '\n\t'): string {
  return text.replace(CONTROL, (c) => (keep.includes(c) ? c : (NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)));
}

/** One line: every control character escaped, newlines included. */
export const oneLine = (text: string): string => escapeControl(text, '');
