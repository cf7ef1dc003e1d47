// Packages for guests without a way out: apt-cacher-ng on the host's loopback fetches from the
// archive the host reaches, and two socat relays carry it onto the world's bridge (a Unix socket
// is the only thing both namespaces see). Guests get it as their apt proxy and nothing else.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, run } from './cmd.js';
import { ACNG_HOST_PORT, APT_PROXY_PORT, cacheDir, GATEWAY, inHostNet, NETNS_PATH, RUN_DIR } from './paths.js';

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

/** Starts whatever part of the proxy is not running (the world's namespace must exist). */
export async function ensureAptProxy(): Promise<void> {
  if (PIDS.every(alive)) return;
  stopAptProxy();
  for (const d of [join(RUN_DIR, 'acng'), join(RUN_DIR, 'acng-log'), join(cacheDir(), 'apt-cacher-ng')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(RUN_DIR, 'acng', 'acng.conf'), acngConf());
  writeFileSync(pidFile('acng'), String(daemon(inHostNet(['apt-cacher-ng', '-c', join(RUN_DIR, 'acng')]))));
  writeFileSync(pidFile('relay-host'), String(daemon(inHostNet(['socat', `UNIX-LISTEN:${SOCKET},fork,unlink-early`, `TCP:127.0.0.1:${ACNG_HOST_PORT}`]))));
  // nsenter --net, not `ip netns exec` (which remounts /sys): only the network is the world's.
  writeFileSync(pidFile('relay-world'), String(daemon(['nsenter', `--net=${NETNS_PATH}`, 'socat', `TCP-LISTEN:${APT_PROXY_PORT},bind=${GATEWAY},fork,reuseaddr`, `UNIX-CONNECT:${SOCKET}`])));
  // Ready when a request on the bridge gets an HTTP answer through both relays. The probe keeps its
  // side open after sending (`shut-none`) and waits up to 3 s for the answer (`-t 3`): with socat's
  // defaults (half-close at end of input, 0.5 s wait) a loaded host's apt-cacher-ng answered too
  // late, or dropped the half-closed request, and a working proxy read as dead.
  let last = '';
  for (let i = 0; i < 50; i++) {
    const r = await run(['nsenter', `--net=${NETNS_PATH}`, '--', 'socat', '-t', '3', '-T', '4', '-', `TCP:${GATEWAY}:${APT_PROXY_PORT},shut-none`], { input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 6000 });
    if (r.stdout.startsWith('HTTP/')) return;
    last = (r.stderr || r.stdout).trim();
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`the apt proxy did not answer on ${GATEWAY}:${APT_PROXY_PORT} within 10 s: ${last} (apt-cacher-ng's log: ${join(RUN_DIR, 'acng-log')})`);
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
