// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// curl and wget as on a machine without network: anything but loopback fails to resolve, with
// the real tools' messages and exit codes (curl 6, wget 4). Loopback URLs go to the host's real
// curl when it has one, so a check against a port opened inside the same command still works.
export const CURL_SH = String.raw`#!/bin/sh
# phoenix-sim: curl on an offline guest (only loopback URLs reach the real curl)
silent=0; showerr=0; url=
for a in "$@"; do
  case "$a" in
    -V|--version) if [ -x /usr/bin/curl ]; then exec /usr/bin/curl --version; fi; echo "curl 7.88.1 (phoenix-sim)"; exit 0 ;;
    --silent) silent=1 ;;
    --show-error) showerr=1 ;;
    --*) ;;
    -*) case "$a" in -*s*) silent=1 ;; esac; case "$a" in -*S*) showerr=1 ;; esac ;;
    *://*) url=$a ;;
  esac
done
if [ -z "$url" ]; then
  for a in "$@"; do case "$a" in -*) ;; *) url=$a ;; esac; done
fi
[ -n "$url" ] || { echo "curl: no URL specified" >&2; echo "curl: try 'curl --help' or 'curl --manual' for more information" >&2; exit 2; }
host=$(printf '%s\n' "$url" | sed -e 's|^[A-Za-z0-9+.-]*://||' -e 's|[/?#].*||' -e 's|^.*@||' -e 's|^\[\(.*\)\].*|\1|' -e 's|:[0-9]*$||')
case "$host" in
  localhost|127.*|::1|0.0.0.0)
    if [ -x /usr/bin/curl ]; then exec /usr/bin/curl "$@"; fi
    [ $silent = 1 ] && [ $showerr = 0 ] || echo "curl: (7) Failed to connect to $host port 80 after 0 ms: Couldn't connect to server" >&2
    exit 7 ;;
esac
[ $silent = 1 ] && [ $showerr = 0 ] || echo "curl: (6) Could not resolve host: $host" >&2
exit 6
`;

export const WGET_SH = String.raw`#!/bin/sh
# phoenix-sim: wget on an offline guest
quiet=0; url=
for a in "$@"; do
  case "$a" in
    -V|--version) echo "GNU Wget 1.21.3 (phoenix-sim)"; exit 0 ;;
    -q|--quiet) quiet=1 ;;
    --*) ;;
    -*) case "$a" in -*q*) quiet=1 ;; esac ;;
    *) url=$a ;;
  esac
done
[ -n "$url" ] || { echo "wget: missing URL" >&2; exit 1; }
host=$(printf '%s\n' "$url" | sed -e 's|^[A-Za-z0-9+.-]*://||' -e 's|[/?#].*||' -e 's|^.*@||' -e 's|:[0-9]*$||')
if [ $quiet = 0 ]; then
  echo "--$(date -u '+%Y-%m-%d %H:%M:%S')--  $url" >&2
  echo "Resolving $host ($host)... failed: Temporary failure in name resolution." >&2
  echo "wget: unable to resolve host address ‘$host’" >&2
fi
exit 4
`;
