// A VM's `template_image`, read the way Proxmox will read it: a file name on `local` import
// storage, a volume id, an absolute host path, or an https URL Phoenix has Proxmox download once
// into import storage. Names follow pve-storage's rules (Storage.pm $IMPORT_EXT_RE_1,
// $UPLOAD_IMPORT_EXT_RE_1, Plugin.pm parse_volname, normalize_content_filename).

export type ImageSource = { kind: 'volume'; volid: string } | { kind: 'path'; path: string } | { kind: 'url'; url: string; storage: string; filename: string; volid: string };

/** Where bare names and downloads live. */
export const IMAGE_STORAGE = 'local';

/** Disk formats `import-from=` copies directly (an .ova/.ovf needs extraction, not supported here). */
const IMPORT_DISK = /^[ a-zA-Z0-9\-.+=_]+\.(qcow2|raw|vmdk)$/;
const UPLOAD_DISK = /^[a-zA-Z0-9\-.+=_]+\.(qcow2|raw|vmdk)$/;

/** What Proxmox's download-url makes of a file name (`normalize_content_filename`). */
export const normalizeFilename = (name: string): string => name.replace(/^.*[/\\]/, '').replace(/[^a-zA-Z0-9_.-]/g, '_');

/** The file name a URL is stored under: `file` when given, else the URL's last path segment. */
export function urlFilename(url: string, file?: string): string {
  if (file) return normalizeFilename(file);
  let last = '';
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    last = '';
  }
  return normalizeFilename(last);
}

export function imageSource(image: string, file?: string): ImageSource {
  if (/^https?:\/\//i.test(image)) {
    const filename = urlFilename(image, file);
    return { kind: 'url', url: image, storage: IMAGE_STORAGE, filename, volid: `${IMAGE_STORAGE}:import/${filename}` };
  }
  if (image.startsWith('/')) return { kind: 'path', path: image };
  if (image.includes(':')) return { kind: 'volume', volid: image };
  return { kind: 'volume', volid: `${IMAGE_STORAGE}:import/${image}` };
}

const hint = (name: string) => {
  const stem = name.replace(/\.[^.]*$/, '');
  return /\.img$/i.test(name) ? ` (Ubuntu's and Debian's .img cloud images are qcow2 files: ${stem}.qcow2)` : '';
};

/** Why Proxmox would refuse this image as a disk source, or undefined when it can be one. */
export function imageProblem(src: ImageSource): string | undefined {
  if (src.kind === 'path') return undefined;
  if (src.kind === 'url') {
    if (!/^https:\/\//i.test(src.url)) return 'only https:// URLs are downloaded (the image would travel unauthenticated over http)';
    if (!UPLOAD_DISK.test(src.filename)) {
      return `the file name "${src.filename || '(none)'}" taken from the URL cannot be stored on Proxmox import storage: download-url accepts only .qcow2, .raw or .vmdk disk images here; set template_image_file to the name to store it under${hint(src.filename)}`;
    }
    return undefined;
  }
  const i = src.volid.indexOf(':');
  const volname = src.volid.slice(i + 1);
  if (volname.startsWith('import/')) {
    const name = volname.slice('import/'.length);
    if (!IMPORT_DISK.test(name)) {
      return `"${name}" cannot be a disk image on Proxmox import storage: only .qcow2, .raw and .vmdk files there can be imported as a disk; store the image under such a name${hint(name)} or give its https URL`;
    }
    return undefined;
  }
  const vtype = /^(vztmpl|iso|backup|snippets)\//.exec(volname)?.[1];
  if (vtype) return `${src.volid} is ${vtype} content; a VM disk is imported only from an images or import volume`;
  return undefined;
}

/**
 * Which download an image's volume id is, for telling one from another in a run: the volume id
 * itself, or on a cluster with a node-local import storage (`local`) the node's copy of it (two
 * VMs on two nodes each need one; on shared storage one copy serves every node).
 */
export function downloadKey(volid: string, at?: { node: string; shared: boolean }): string {
  return at && !at.shared ? `${at.node}/${volid}` : volid;
}
