import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInterfaces } from './interfaces.js';

test("parseInterfaces: a CT's rows (inet/inet6) and a VM agent's (ipv4/ipv6); loopback and link-local left out; null stays null", () => {
  const ct = [
    { name: 'lo', hwaddr: '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'inet', 'ip-address': '127.0.0.1', prefix: 8 }] },
    {
      name: 'eth0',
      'ip-addresses': [
        { 'ip-address-type': 'inet', 'ip-address': '192.168.1.20', prefix: 24 },
        { 'ip-address-type': 'inet6', 'ip-address': 'fe80::1', prefix: 64 },
        { 'ip-address-type': 'inet6', 'ip-address': 'fd00::20', prefix: 64 },
      ],
    },
  ];
  assert.deepEqual(parseInterfaces(ct), [
    { iface: 'eth0', family: 4, address: '192.168.1.20', prefix: 24 },
    { iface: 'eth0', family: 6, address: 'fd00::20', prefix: 64 },
  ]);
  const vm = [{ name: 'ens18', 'hardware-address': 'bc:24:11:00:00:01', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.0.0.9', prefix: 16 }] }, { name: 'docker0' }];
  assert.deepEqual(parseInterfaces(vm), [{ iface: 'ens18', family: 4, address: '10.0.0.9', prefix: 16 }]);
  assert.equal(parseInterfaces(null), null);
});
