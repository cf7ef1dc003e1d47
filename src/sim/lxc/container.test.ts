// The LXC config the real-container backend writes from a CT's Proxmox options (no container runs here).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { lxcConfig } from './container.js';

const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

test('lxcConfig: hostname, static address, MAC, memory and cores as cgroup limits, id map and nesting from the options', () => {
  const conf = lxcConfig(310, { hostname: 'docker', memory: '1024', cores: '2', features: 'nesting=1,keyctl=1' }, [{ name: 'eth0', ip: '10.213.77.31/24', gw: '10.213.77.1', hwaddr: 'BC:24:11:68:33:EA' }], true);
  const lines = conf.trim().split('\n');
  assert.ok(lines.includes('lxc.uts.name = docker'));
  assert.ok(lines.includes('lxc.idmap = u 0 100000 65536') && lines.includes('lxc.idmap = g 0 100000 65536'));
  assert.ok(lines.includes('lxc.include = /usr/share/lxc/config/nesting.conf'));
  assert.ok(!lines.includes('lxc.cgroup.devices.allow = a'), 'an unprivileged guest gets no device wildcard');
  assert.ok(lines.includes('lxc.net.0.ipv4.address = 10.213.77.31/24') && lines.includes('lxc.net.0.ipv4.gateway = 10.213.77.1'));
  assert.ok(lines.includes('lxc.net.0.hwaddr = BC:24:11:68:33:EA') && lines.includes('lxc.net.0.name = eth0'));
  assert.ok(
    lines.some((l) => l.startsWith('lxc.net.0.script.up = ')),
    'the veth is moved onto the world bridge by the up-hook',
  );
  if (v2) assert.ok(lines.includes(`lxc.cgroup2.memory.max = ${1024 * 1048576}`) && lines.includes('lxc.cgroup2.cpu.max = 200000 100000'));
  else assert.ok(lines.includes(`lxc.cgroup.memory.limit_in_bytes = ${1024 * 1048576}`) && lines.includes('lxc.cgroup.cpu.cfs_quota_us = 200000'));
});

test('lxcConfig: a privileged guest without nesting gets no id map; dhcp leaves the interface without an address; no hostname is CT<id>', () => {
  const lines = lxcConfig(300, { memory: '512' }, [{ name: 'eth0', ip: 'dhcp' }], false)
    .trim()
    .split('\n');
  assert.ok(!lines.some((l) => l.startsWith('lxc.idmap')));
  assert.ok(!lines.some((l) => l.includes('nesting.conf')));
  assert.ok(lines.includes('lxc.uts.name = CT300'));
  assert.ok(!lines.some((l) => l.startsWith('lxc.net.0.ipv4.address')));
});
