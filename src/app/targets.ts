// Which guests a verb acts on: positional arguments name guests by id (`210`), name
// (`docker-host`) or tag (`gpu`); `--tag` adds every guest with a tag, `--exclude` removes guests
// named the same three ways. Anything that matches no guest is a usage error naming it, with the
// nearest id, name or tag ("did you mean"), before anything runs.
import { suggest } from '../config/suggest.js';
import { UsageError } from '../diag/errors.js';
import type { Guest, GuestId } from '../model/guest.js';

export interface TargetOptions {
  /** `--tag` values: every guest carrying one of these tags. */
  tags?: readonly string[];
  /** `--exclude` values: ids, names or tags removed from the result. */
  exclude?: readonly string[];
  /** With no arguments and no tags: every guest ('all') or none ('none', the default). */
  whenEmpty?: 'all' | 'none';
}

const byId = (a: GuestId, b: GuestId) => a - b;

/** The guests one selector names: an id, else a name (case-insensitive), else a tag. */
function match(sel: string, guests: Map<GuestId, Guest>): GuestId[] {
  if (/^\d+$/.test(sel)) return guests.has(Number(sel)) ? [Number(sel)] : [];
  const lower = sel.toLowerCase();
  const named = [...guests.values()].filter((g) => g.name.toLowerCase() === lower).map((g) => g.id);
  if (named.length) return named.sort(byId);
  return tagged(sel, guests);
}

function tagged(tag: string, guests: Map<GuestId, Guest>): GuestId[] {
  return [...guests.values()]
    .filter((g) => g.tags?.includes(tag))
    .map((g) => g.id)
    .sort(byId);
}

function unknown(what: 'guest' | '--tag' | '--exclude', sels: string[], guests: Map<GuestId, Guest>, kinds: 'any' | 'tag'): UsageError {
  const all = [...guests.values()];
  const tags = [...new Set(all.flatMap((g) => g.tags ?? []))].sort();
  const known = kinds === 'tag' ? tags : [...all.map((g) => String(g.id)), ...all.map((g) => g.name), ...tags];
  const hints = sels.map((s) => [s, suggest(s, known)] as const).filter(([, n]) => n);
  const list = sels.map((s) => `"${s}"`).join(', ');
  const numeric = sels.every((x) => /^\d+$/.test(x));
  const message = kinds === 'tag' ? `${what}: no guest with tag ${list} in the config` : numeric ? `${what === 'guest' ? '' : `${what}: `}no guest with id ${sels.join(', ')} in the config` : `${what === 'guest' ? '' : `${what}: `}no guest with id, name or tag ${list} in the config`;
  const hint = hints.length
    ? hints.map(([s, n]) => `did you mean "${n}" for "${s}"?`).join(' ')
    : kinds === 'tag'
      ? `tags in the config: ${tags.join(', ') || '(none)'}`
      : `configured guests: ${all
          .sort((a, b) => a.id - b.id)
          .map((g) => `${g.id} ${g.name}`)
          .join(', ')}`;
  return new UsageError(message, hint);
}

/**
 * Guest ids named by `args` and `opts.tags`, without those `opts.exclude` names, in the order
 * named (each once). Throws a UsageError naming every selector that matches nothing.
 */
export function resolveTargets(args: readonly string[], guests: Map<GuestId, Guest>, opts: TargetOptions = {}): GuestId[] {
  const out: GuestId[] = [];
  const add = (ids: GuestId[]) => {
    for (const id of ids) if (!out.includes(id)) out.push(id);
  };
  const missing: string[] = [];
  for (const a of args) {
    const ids = match(a, guests);
    if (ids.length) add(ids);
    else missing.push(a);
  }
  if (missing.length) throw unknown('guest', missing, guests, 'any');
  const tags = opts.tags ?? [];
  const badTags = tags.filter((t) => tagged(t, guests).length === 0);
  if (badTags.length) throw unknown('--tag', badTags, guests, 'tag');
  for (const t of tags) add(tagged(t, guests));
  if (!args.length && !tags.length && opts.whenEmpty === 'all') add([...guests.keys()].sort(byId));
  const exclude = opts.exclude ?? [];
  const badExcl = exclude.filter((x) => match(x, guests).length === 0);
  if (badExcl.length) throw unknown('--exclude', badExcl, guests, 'any');
  const drop = new Set(exclude.flatMap((x) => match(x, guests)));
  return out.filter((id) => !drop.has(id));
}

/** `--tag`/`--exclude` as commander collected them (repeatable, comma-separated allowed). */
export function listOption(v: unknown): string[] {
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return arr
    .flatMap((x) => String(x).split(','))
    .map((x) => x.trim())
    .filter(Boolean);
}
