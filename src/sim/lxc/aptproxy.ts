// Packages for guests without a way out: apt-cacher-ng on the host's loopback fetches from the
// archive the host reaches, and two socat relays carry it onto the world's bridge (a Unix socket
// is the only thing both namespaces see). Guests get it as their apt proxy and nothing else.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { daemon } from './cmd.js';
import { ACNG_HOST_PORT, APT_PROXY_PORT, cacheDir, GATEWAY, NETNS_PATH, RUN_DIR } from './paths.js';

const SOCKET = join(RUN_DIR, 'apt.sock');
const PIDS = ['acng', 'relay-host', 'relay-world'] as const;
const pidFile = (n: string) => join(RUN_DIR, `${n}.pid`);

/** What a guest's /etc/apt/apt.conf.d gets. */
export const GUEST_APT_CONF = `Acquire::http::Proxy "http://${GATEWAY}:${APT_PROXY_PORT}";\nAcquire::Retries "5";\n`;

// No Remap-* lines: apt-cacher-ng's defaults redirect Debian's archive to mirrors of its own list,
// which this machine cannot reach. Without them it fetches exactly the URL apt asked for.
const acngConf = () =>
  [
    `CacheDir: ${join(cacheDir(), 'apt-cacher-ng')}`,
    `LogDir: ${join(RUN_DIR, 'acng-log')}`,
    'SupportDir: /usr/lib/apt-cacher-ng',
    `Port: ${ACNG_HOST_PORT}`,
    'BindAddress: 127.0.0.1',
    'Foreground: 1',
    'ExThreshold: 4',
    // A mirror mid-sync serves an index that does not match: let apt retry rather than cache it.
    'NetworkTimeout: 60',
    '',
  ].join('\n');

const alive = (n: string): boolean => {
  try {
    process.kill(Number(readFileSync(pidFile(n), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
};

function listening(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts whatever part of the proxy is not running (the world's namespace must exist). */
export async function ensureAptProxy(): Promise<void> {
  if (PIDS.every(alive)) return;
  stopAptProxy();
  for (const d of [join(RUN_DIR, 'acng'), join(RUN_DIR, 'acng-log'), join(cacheDir(), 'apt-cacher-ng')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(RUN_DIR, 'acng', 'acng.conf'), acngConf());
  writeFileSync(pidFile('acng'), String(daemon(['apt-cacher-ng', '-c', join(RUN_DIR, 'acng')])));
  writeFileSync(pidFile('relay-host'), String(daemon(['socat', `UNIX-LISTEN:${SOCKET},fork,unlink-early`, `TCP:127.0.0.1:${ACNG_HOST_PORT}`])));
  // nsenter --net, not `ip netns exec` (which remounts /sys): only the network is the world's.
  writeFileSync(pidFile('relay-world'), String(daemon(['nsenter', `--net=${NETNS_PATH}`, 'socat', `TCP-LISTEN:${APT_PROXY_PORT},bind=${GATEWAY},fork,reuseaddr`, `UNIX-CONNECT:${SOCKET}`])));
  for (let i = 0; i < 100; i++) {
    if ((await listening(ACNG_HOST_PORT, '127.0.0.1')) && existsSync(SOCKET)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`apt-cacher-ng did not listen on 127.0.0.1:${ACNG_HOST_PORT} within 10 s (log: ${join(RUN_DIR, 'acng-log')})`);
}

export function stopAptProxy(): void {
  for (const n of PIDS) {
    try {
      process.kill(Number(readFileSync(pidFile(n), 'utf8')), 'SIGKILL');
    } catch {
      /* not running */
    }
  }
}
