import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSize, newVolumeSizeGiB, parseResizeArg, parseSize, sizeToGiB } from './size.js';

test('sizes parse to bytes and print in the largest exact unit, as Proxmox does', () => {
  const cases: Array<[string, number, string]> = [
    ['16G', 16 * 1024 ** 3, '16G'],
    ['512M', 512 * 1024 ** 2, '512M'],
    ['32', 32, '32'],
    ['1T', 1024 ** 4, '1T'],
    ['3090528K', 3090528 * 1024, '3090528K'],
    ['1024M', 1024 ** 3, '1G'],
    ['1.5G', 1.5 * 1024 ** 3, '1536M'],
  ];
  for (const [text, bytes, printed] of cases) {
    assert.equal(parseSize(text), bytes, text);
    assert.equal(formatSize(bytes), printed, text);
  }
  assert.equal(parseSize('16GB'), undefined);
  assert.equal(parseSize('-1G'), undefined);
  assert.equal(sizeToGiB('512M'), 0.5);
});

test('resize arguments and new-volume specs', () => {
  assert.deepEqual(parseResizeArg('+4G'), { relative: true, bytes: 4 * 1024 ** 3 });
  assert.deepEqual(parseResizeArg('16G'), { relative: false, bytes: 16 * 1024 ** 3 });
  assert.equal(parseResizeArg('16GB'), undefined);
  assert.deepEqual(newVolumeSizeGiB('local-lvm:8'), { storage: 'local-lvm', gib: 8 });
  assert.equal(newVolumeSizeGiB('local-lvm:vm-100-disk-0'), undefined);
});
