// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// Simulated apt-get/apt: records packages instead of downloading them (the guest is offline).
// install: records each package under /var/lib/phoenix-sim/dpkg, drops stub executables for the
// binaries of well-known packages that the host's /usr does not already provide, installs their
// units and (as Debian's maintainer scripts do) enables and starts them.
export const APT_GET_SH = String.raw`#!/bin/sh
# phoenix-sim: simulated apt-get (records packages; the guest has no network)
. /usr/local/lib/phoenix-sim/lib.sh
yes=0; quiet=0; cmd=; pkgs=
while [ $# -gt 0 ]; do
  case "$1" in
    -y|--yes|--assume-yes|-yq|-qy) yes=1 ;;
    -q|--quiet) quiet=1 ;;
    -qq|-qqy|-yqq) quiet=2; case "$1" in *y*) yes=1 ;; esac ;;
    -o|-c|-t|--target-release|--option|--config-file) shift ;;
    -o*|-t*|--*=*) ;;
    --) ;;
    -*) ;;
    *) if [ -z "$cmd" ]; then cmd=$1; else pkgs="$pkgs $1"; fi ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)" >&2; exit 100; }
say() { [ "$quiet" -ge 2 ] || printf '%s\n' "$*"; }
reading() { say "Reading package lists..."; [ "$1" = deps ] || return 0; say "Building dependency tree..."; say "Reading state information..."; }

# install_pkg NAME VERSION
install_pkg() {
  pkg_record "$1" "$2"
  pkg_info "$1"
  : >"$DPKG_DB/$1.list"
  for b in $BINS; do
    if [ ! -e "/usr/bin/$b" ] && [ ! -e "/usr/sbin/$b" ] && [ ! -e "/usr/local/bin/$b" ] && [ ! -e "/usr/local/sbin/$b" ]; then
      ln -s "$STUB" "/usr/local/bin/$b" && printf '/usr/local/bin/%s\n' "$b" >>"$DPKG_DB/$1.list"
    fi
  done
  for u in $UNITS; do
    mkdir -p "$PKG_UNIT_DIR"
    if [ ! -f "$PKG_UNIT_DIR/$u" ]; then
      printf '[Unit]\nDescription=%s (from package %s, simulated by phoenix)\n\n[Service]\nExecStart=%s %s\n\n[Install]\nWantedBy=multi-user.target\n' \
        "$u" "$1" "$STUB" "$u" >"$PKG_UNIT_DIR/$u"
      printf '%s\n' "$PKG_UNIT_DIR/$u" >>"$DPKG_DB/$1.list"
    fi
    unit_set enabled "$u"; unit_set active "$u"
  done
}

remove_pkg() {
  if [ -f "$DPKG_DB/$1.list" ]; then
    while IFS= read -r f; do
      case "$f" in "$PKG_UNIT_DIR"/*) u=$(basename "$f"); unit_clear active "$u"; unit_clear enabled "$u" ;; esac
      rm -f "$f"
    done <"$DPKG_DB/$1.list"
  fi
  rm -f "$DPKG_DB/$1" "$DPKG_DB/$1.list"
}

case "$cmd" in
  update)
    say "Hit:1 http://deb.debian.org/debian stable InRelease"
    say "Hit:2 http://security.debian.org stable-security InRelease"
    reading ;;
  upgrade|dist-upgrade|full-upgrade)
    reading deps; say "Calculating upgrade..."; say "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded." ;;
  install|reinstall)
    reading deps
    new=; have=
    for p in $pkgs; do
      case "$p" in
        */*.deb|*.deb) p=$(basename "$p" .deb); p=$(printf '%s' "$p" | sed 's/_.*//') ;;
      esac
      v=$(printf '%s' "$p" | sed -n 's/^[^=]*=//p'); n=$(printf '%s' "$p" | sed 's/[=:].*//; s/[+-]$//')
      [ -n "$v" ] || v=$SIM_VERSION
      if pkg_installed "$n" && [ "$cmd" != reinstall ]; then
        have="$have $n"; say "$n is already the newest version ($(pkg_version "$n"))."
      else
        new="$new $n=$v"
      fi
    done
    if [ -z "$new" ]; then say "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."; exit 0; fi
    say "The following NEW packages will be installed:"
    say " $(printf '%s' "$new" | sed 's/=[^ ]*//g')"
    count=$(printf '%s\n' $new | grep -c .)
    say "0 upgraded, $count newly installed, 0 to remove and 0 not upgraded."
    if [ "$yes" = 0 ]; then
      printf 'Do you want to continue? [Y/n] '
      if ! read -r answer; then echo "Abort."; exit 1; fi
      case "$answer" in ''|y|Y|yes|Yes) ;; *) echo "Abort."; exit 1 ;; esac
    fi
    for nv in $new; do
      n=$(printf '%s' "$nv" | sed 's/=.*//'); v=$(printf '%s' "$nv" | sed 's/^[^=]*=//')
      install_pkg "$n" "$v"
      say "Setting up $n ($v) ..."
    done ;;
  remove|purge|autoremove)
    reading deps
    gone=0
    for p in $pkgs; do
      n=$(printf '%s' "$p" | sed 's/[=:].*//')
      if pkg_installed "$n"; then remove_pkg "$n"; gone=$((gone + 1)); say "Removing $n ($SIM_VERSION) ...";
      else say "Package '$n' is not installed, so not removed"; fi
    done
    say "0 upgraded, 0 newly installed, $gone to remove and 0 not upgraded." ;;
  clean|autoclean|check|source|download|build-dep|satisfy) reading ;;
  list)
    for f in "$DPKG_DB"/*; do
      [ -f "$f" ] || continue
      case "$f" in *.list) continue ;; esac
      n=$(basename "$f"); printf '%s/stable,now %s amd64 [installed]\n' "$n" "$(pkg_version "$n")"
    done ;;
  '') echo "E: No command given (try: apt-get install PKG)" >&2; exit 100 ;;
  *) echo "E: Invalid operation $cmd" >&2; exit 100 ;;
esac
exit 0
`;
