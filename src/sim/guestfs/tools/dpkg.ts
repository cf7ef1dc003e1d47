// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// Simulated dpkg and dpkg-query, answering from the records the simulated apt-get writes.
export const DPKG_QUERY_SH = String.raw`#!/bin/sh
# phoenix-sim: simulated dpkg-query (answers from /var/lib/phoenix-sim/dpkg)
. /usr/local/lib/phoenix-sim/lib.sh
mode=; fmt=; pats=
while [ $# -gt 0 ]; do
  case "$1" in
    -W|--show) mode=W ;;
    -s|--status) mode=s ;;
    -l|--list) mode=l ;;
    -L|--listfiles) mode=L ;;
    -f|--showformat) shift; fmt=$1 ;;
    -f*) fmt=$(printf '%s' "$1" | sed 's/^-f//') ;;
    --showformat=*) fmt=$(printf '%s' "$1" | sed 's/^--showformat=//') ;;
    -*) ;;
    *) pats="$pats $1" ;;
  esac
  shift
done
D='$'
[ -n "$fmt" ] || fmt="$D{binary:Package}\t$D{Version}\n"

installed() {
  for f in "$DPKG_DB"/*; do
    [ -f "$f" ] || continue
    case "$f" in *.list) continue ;; esac
    basename "$f"
  done
}

# matches PATTERN: installed package names matching a glob pattern
matches() { for n in $(installed); do case "$n" in $1) printf '%s\n' "$n" ;; esac; done; }

show() {
  awk -v fmt="$fmt" '
    /^[A-Za-z-]+: / { k = $1; sub(/:$/, "", k); v = $0; sub(/^[^:]+: /, "", v); f[k] = v }
    END {
      f["binary:Package"] = f["Package"]; f["db:Status-Abbrev"] = "ii "; f["db:Status-Status"] = "installed"
      out = fmt
      gsub(/\\n/, "\n", out); gsub(/\\t/, "\t", out)
      while (match(out, /\$\{[^}]+\}/)) {
        key = substr(out, RSTART + 2, RLENGTH - 3); sub(/;.*/, "", key)
        out = substr(out, 1, RSTART - 1) f[key] substr(out, RSTART + RLENGTH)
      }
      printf "%s", out
    }' "$DPKG_DB/$1"
}

status=0
case "$mode" in
  W)
    [ -n "$pats" ] || pats='*'
    for p in $pats; do
      found=$(matches "$p")
      if [ -z "$found" ]; then echo "dpkg-query: no packages found matching $p" >&2; status=1; continue; fi
      for n in $found; do show "$n"; done
    done ;;
  s)
    [ -n "$pats" ] || { echo "dpkg-query: error: --status needs at least one package name argument" >&2; exit 2; }
    first=1
    for p in $pats; do
      if pkg_installed "$p"; then [ $first = 1 ] || echo; first=0; cat "$DPKG_DB/$p";
      else
        echo "dpkg-query: package '$p' is not installed and no information is available" >&2; status=1
      fi
    done
    [ $status = 0 ] || echo "Use dpkg --info (= dpkg-deb --info) to examine archive files." >&2 ;;
  L)
    for p in $pats; do
      if pkg_installed "$p"; then cat "$DPKG_DB/$p.list" 2>/dev/null; else echo "Package '$p' is not installed." >&2; status=1; fi
    done ;;
  l)
    [ -n "$pats" ] || pats='*'
    echo "Desired=Unknown/Install/Remove/Purge/Hold"
    echo "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend"
    echo "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)"
    echo "||/ Name           Version           Architecture Description"
    echo "+++-==============-=================-============-================================="
    for p in $pats; do
      found=$(matches "$p")
      if [ -z "$found" ]; then echo "dpkg-query: no packages found matching $p" >&2; status=1; continue; fi
      for n in $found; do printf 'ii  %-14s %-17s amd64        %s (simulated by phoenix)\n' "$n" "$(pkg_version "$n")" "$n"; done
    done ;;
  *) echo "dpkg-query: need an action option" >&2; exit 2 ;;
esac
exit $status
`;

export const DPKG_SH = String.raw`#!/bin/sh
# phoenix-sim: simulated dpkg (queries delegate to dpkg-query; -i records the package)
. /usr/local/lib/phoenix-sim/lib.sh
case "$1" in
  --print-architecture) echo amd64 ;;
  -s|--status|-l|--list|-L|--listfiles|-W|--show) exec /usr/local/sbin/dpkg-query "$@" ;;
  -i|--install)
    shift
    for f in "$@"; do
      [ -f "$f" ] || { echo "dpkg: error: cannot access archive '$f': No such file or directory" >&2; exit 2; }
      n=$(basename "$f" .deb | sed 's/_.*//')
      exec /usr/local/sbin/apt-get install -y "$n"
    done ;;
  -r|--remove|-P|--purge) shift; exec /usr/local/sbin/apt-get remove -y "$@" ;;
  --configure|--audit) exit 0 ;;
  *) echo "dpkg: simulated by phoenix: unsupported action $1" >&2; exit 2 ;;
esac
`;
