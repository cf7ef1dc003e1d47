// template_image as an https URL: Proxmox downloads it once into `local` import storage
// (`pvesh create /nodes/NODE/storage/local/download-url`, with the checksum when configured); a
// file already there is used as is, VMs sharing an image share one download, and later runs
// download nothing. The VM is then created from it with import-from.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMutatingCall, workspace, type Workspace } from './harness.js';

const JAMMY = 'https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img';
const NOBLE = 'https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img';
const SUM = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
let w: Workspace;

const vm = (vmid: number, url: string, extra: Record<string, unknown> = {}) => ({
  vmid,
  name: `vm${vmid}`,
  template_image: url,
  template_image_file: url === JAMMY ? 'jammy-server-cloudimg-amd64.qcow2' : 'noble-server-cloudimg-amd64.qcow2',
  network_config: { ip: 'dhcp' },
  ...extra,
});

before(() => {
  w = workspace({
    files: {
      'phoenix_vm_configs.json': { vms: [vm(9100, JAMMY, { template_image_checksum: SUM }), vm(9101, JAMMY, { template_image_checksum: SUM }), vm(9102, NOBLE)] },
    },
  });
});
after(() => w.cleanup());

test('converge: one download-url for the missing image, with its checksum; none for an image already there', async () => {
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const pvesh = w
    .calls()
    .filter((c) => c.argv[0] === 'pvesh' && c.argv[1] === 'create')
    .map((c) => c.argv.join(' '));
  assert.deepEqual(pvesh, [`pvesh create /nodes/pve/storage/local/download-url --url ${JAMMY} --filename jammy-server-cloudimg-amd64.qcow2 --content import --checksum ${SUM.slice(7)} --checksum-algorithm sha256`]);
  const creates = w.calls().filter((c) => c.argv[0] === 'qm' && c.argv[1] === 'create');
  const scsi0 = (id: number) => {
    const a = creates.find((c) => c.argv[2] === String(id))!.argv;
    return a[a.indexOf('--scsi0') + 1];
  };
  assert.equal(scsi0(9100), 'local-lvm:0,import-from=local:import/jammy-server-cloudimg-amd64.qcow2');
  assert.equal(scsi0(9101), 'local-lvm:0,import-from=local:import/jammy-server-cloudimg-amd64.qcow2');
  assert.equal(scsi0(9102), 'local-lvm:0,import-from=local:import/noble-server-cloudimg-amd64.qcow2');
});

test('a second run downloads nothing and changes nothing', async () => {
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(
    w
      .since()
      .filter(isMutatingCall)
      .map((c) => c.argv.join(' ')),
    [],
  );
});

test('validate: a URL whose file name import storage cannot hold, or plain http, is named before anything runs', async () => {
  const v = workspace({
    files: {
      'phoenix_vm_configs.json': {
        vms: [
          { vmid: 9200, name: 'a', template_image: NOBLE },
          { vmid: 9201, name: 'b', template_image: 'http://example.com/x.qcow2' },
        ],
      },
    },
  });
  try {
    const r = await v.run('validate');
    const out = r.stdout + r.stderr;
    assert.match(out, /^warning: phoenix_vm_configs\.json:\d+:\d+: vms\[0\]\.template_image: the file name "noble-server-cloudimg-amd64\.img" taken from the URL cannot be stored on Proxmox import storage: .*set template_image_file/m);
    assert.match(out, /^warning: phoenix_vm_configs\.json:\d+:\d+: vms\[1\]\.template_image: only https:\/\/ URLs are downloaded/m);
    const c = await v.run('converge');
    assert.equal(c.code, 1);
    assert.deepEqual(v.calls().filter(isMutatingCall), []);
  } finally {
    v.cleanup();
  }
});
