// Which guests are Phoenix's: those carrying the Proxmox tag `phoenix`. Phoenix puts it on every
// guest it creates (create, and the clone's first `set`) and keeps it through every converge
// (it is part of the desired `tags`). A guest at a configured id without it was made by someone
// else: it is planned (so its differences are shown) but never changed until `phoenix adopt ID`
// (or `--adopt`) takes it over. Phoenix-tagged guests on the host that the config no longer names
// are orphans: listed by `plan` and `status`, deleted by `phoenix prune`.

export const PHOENIX_TAG = 'phoenix';

/** Proxmox separates tags with `;` (also accepting `,` and spaces on input). */
export const tagsOf = (value: string | undefined): string[] => (value ?? '').split(/[;, ]+/).filter(Boolean);

/** The tags a guest should carry: its configured ones and Phoenix's own. */
export function ownershipTags(tags: readonly string[] | undefined): string {
  return [...new Set([...(tags ?? []), PHOENIX_TAG])].join(';');
}

export const isManaged = (options: Readonly<Record<string, string>>): boolean => tagsOf(options.tags).includes(PHOENIX_TAG);
