# Phoenix in-guest helper library (POSIX sh). Phoenix pushes it beside every feature script, so a
# script loads it with:
#
#   . "$(dirname "$0")/phoenix-lib.sh"
#
# The script's $1 is the inputs file Phoenix wrote: a JSON object with one key per line, each value
# compact JSON on that line. The helpers read it with grep and awk only, so a guest needs no JSON
# tool or python to run a feature. Every helper checks before it changes anything.

PHX_INPUTS="${1:-}"
PHX_FEATURE="$(basename "$(dirname "$0")")"
PHX_CHANGED=0
PHX_APT_UPDATED=''

phx_log() { printf '[%s] %s\n' "$PHX_FEATURE" "$*"; }
phx_warn() { printf '[%s] warning: %s\n' "$PHX_FEATURE" "$*" >&2; }
phx_die() { printf '[%s] error: %s\n' "$PHX_FEATURE" "$*" >&2; exit 1; }
phx_has_cmd() { command -v "$1" >/dev/null 2>&1; }

# Decodes one JSON value read from stdin. mode=scalar prints a string decoded (other values as
# their JSON text); mode=list prints each element of an array (or a lone scalar) on its own line.
# LC_ALL=C makes every awk treat %c as a byte, so the UTF-8 encoding below is right everywhere.
PHX_JSON_AWK='
function hexval(h,   i, c, n) {
  n = 0; h = tolower(h)
  if (length(h) != 4) return -1
  for (i = 1; i <= 4; i++) { c = index("0123456789abcdef", substr(h, i, 1)); if (!c) return -1; n = n * 16 + c - 1 }
  return n
}
function utf8(cp) {
  if (cp < 128) return sprintf("%c", cp)
  if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
  if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
  return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
}
function jstr(s,   out, c, e, cp, lo) {
  out = ""; P++
  while (P <= length(s)) {
    c = substr(s, P, 1)
    if (c == "\"") { P++; return out }
    if (c != "\\") { out = out c; P++; continue }
    e = substr(s, P + 1, 1); P += 2
    if (e == "n") out = out "\n"
    else if (e == "t") out = out "\t"
    else if (e == "r") out = out "\r"
    else if (e == "b") out = out "\b"
    else if (e == "f") out = out "\f"
    else if (e == "u") {
      cp = hexval(substr(s, P, 4)); P += 4
      if (cp >= 55296 && cp < 56320 && substr(s, P, 2) == "\\u") {
        lo = hexval(substr(s, P + 2, 4))
        if (lo >= 56320 && lo < 57344) { cp = 65536 + (cp - 55296) * 1024 + (lo - 56320); P += 6 }
      }
      if (cp <= 0) { bad = "a \\u escape that a shell cannot hold"; return "" }
      out = out utf8(cp)
    } else out = out e
  }
  bad = "an unterminated string"; return ""
}
function element(s,   start) {
  if (substr(s, P, 1) == "\"") return jstr(s)
  start = P
  while (P <= length(s) && substr(s, P, 1) != "," && substr(s, P, 1) != "]") P++
  return substr(s, start, P - start)
}
{ text = text (NR > 1 ? "\n" : "") $0 }
END {
  P = 1
  if (mode == "scalar") {
    v = (substr(text, 1, 1) == "\"") ? jstr(text) : text
    if (bad != "") { print "cannot decode " bad > "/dev/stderr"; exit 2 }
    printf "%s", v
    exit 0
  }
  if (substr(text, 1, 1) != "[") { v = element(text); if (bad == "") print v; else exit 2; exit 0 }
  P = 2
  while (P <= length(text) && substr(text, P, 1) != "]") {
    if (substr(text, P, 1) == "," || substr(text, P, 1) == " ") { P++; continue }
    if (substr(text, P, 1) == "{" || substr(text, P, 1) == "[") { print "list elements must be strings or numbers" > "/dev/stderr"; exit 2 }
    v = element(text)
    if (bad != "") { print "cannot decode " bad > "/dev/stderr"; exit 2 }
    if (index(v, "\n")) { print "list elements cannot span lines" > "/dev/stderr"; exit 2 }
    print v
  }
}'

# The raw JSON text of input KEY (empty when absent or null).
phx_input_json() {
  case "$1" in '' | *[!A-Za-z0-9_]*) phx_die "invalid input key '$1'" ;; esac
  [ -n "$PHX_INPUTS" ] && [ -r "$PHX_INPUTS" ] || return 0
  _phx_line=$(grep -m 1 "^\"$1\": " "$PHX_INPUTS" || true)
  _phx_line=${_phx_line#\"$1\": }
  _phx_line=${_phx_line%,}
  [ "$_phx_line" = null ] || printf '%s' "$_phx_line"
}

phx_has_input() { [ -n "$(phx_input_json "$1")" ]; }

# phx_input KEY [DEFAULT]: a scalar input (strings decoded; objects/arrays as compact JSON).
phx_input() {
  _phx_raw=$(phx_input_json "$1")
  if [ -z "$_phx_raw" ]; then printf '%s' "${2:-}"; return 0; fi
  printf '%s\n' "$_phx_raw" | LC_ALL=C awk -v mode=scalar "$PHX_JSON_AWK" || phx_die "input $1: cannot be read"
}

# phx_input_list KEY: the elements of an array input, one per line (nothing when absent).
# Read it into a variable first (x=$(phx_input_list k); for i in $x ...): `set -e` does not stop
# on a failing command substitution inside `for ... in $(...)`.
phx_input_list() {
  _phx_raw=$(phx_input_json "$1")
  [ -n "$_phx_raw" ] || return 0
  printf '%s\n' "$_phx_raw" | LC_ALL=C awk -v mode=list "$PHX_JSON_AWK" || phx_die "input $1: expected a list of strings"
}

# phx_bool KEY: true for true, "true", "yes", "1".
phx_bool() {
  case "$(phx_input "$1")" in true | yes | 1) return 0 ;; *) return 1 ;; esac
}

phx_is_container() {
  [ -n "${container:-}" ] && return 0
  [ -f /run/.containerenv ] && return 0
  if phx_has_cmd systemd-detect-virt && systemd-detect-virt --container --quiet 2>/dev/null; then return 0; fi
  grep -qa 'container=' /proc/1/environ 2>/dev/null
}

phx_require_apt() {
  phx_has_cmd apt-get && phx_has_cmd dpkg-query || phx_die "this feature supports Debian/Ubuntu guests (apt-get and dpkg-query not found)"
}

phx_pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# phx_apt_install PKG...: installs the packages that are not installed yet (nothing to do → no apt run).
phx_apt_install() {
  phx_require_apt
  _phx_missing=''
  for _phx_p in "$@"; do
    phx_pkg_installed "$_phx_p" || _phx_missing="$_phx_missing $_phx_p"
  done
  if [ -z "$_phx_missing" ]; then
    phx_log "already installed: $*"
    return 0
  fi
  if [ -z "$PHX_APT_UPDATED" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    PHX_APT_UPDATED=1
  fi
  phx_log "installing:$_phx_missing"
  # shellcheck disable=SC2086 # package names are validated words, split on purpose
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $_phx_missing
}

# phx_write_file PATH MODE [CONTENT]: replaces PATH only when its content differs. The content is
# the third argument (a newline is added unless it is empty) or, without one, stdin (a here-document
# or a file redirect: not a pipe, which would run this in a subshell and lose PHX_CHANGED).
# Sets PHX_CHANGED=1 when it wrote, 0 when the file was already right (mode is enforced either way).
phx_write_file() {
  mkdir -p "$(dirname "$1")"
  _phx_tmp=$(mktemp "$1.phoenix.XXXXXX")
  if [ $# -ge 3 ]; then
    if [ -n "$3" ]; then printf '%s\n' "$3" >"$_phx_tmp"; else : >"$_phx_tmp"; fi
  else
    cat >"$_phx_tmp"
  fi
  if [ -f "$1" ] && cmp -s "$_phx_tmp" "$1"; then
    rm -f "$_phx_tmp"
    chmod "$2" "$1"
    PHX_CHANGED=0
    return 0
  fi
  chmod "$2" "$_phx_tmp"
  mv -f "$_phx_tmp" "$1"
  phx_log "wrote $1"
  PHX_CHANGED=1
}

# phx_service_up UNIT [restart]: enabled and running; restarted when asked (config changed).
phx_service_up() {
  systemctl is-enabled --quiet "$1" 2>/dev/null || systemctl enable "$1"
  if ! systemctl is-active --quiet "$1" 2>/dev/null; then
    systemctl start "$1"
  elif [ "${2:-}" = restart ]; then
    systemctl restart "$1"
  fi
}

# phx_download URL DEST: with curl or wget; fails with the URL in the message (offline hosts).
phx_download() {
  if phx_has_cmd curl; then
    curl -fsSL --retry 3 --connect-timeout 20 -o "$2" "$1" || phx_die "download failed: $1"
  elif phx_has_cmd wget; then
    wget -q -T 20 -O "$2" "$1" || phx_die "download failed: $1"
  else
    phx_die "cannot download $1: neither curl nor wget is installed"
  fi
}

phx_arch() {
  if phx_has_cmd dpkg; then dpkg --print-architecture; else uname -m; fi
}
