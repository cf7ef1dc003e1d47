// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// Simulated systemctl/service: unit state is two marker directories under
// /var/lib/phoenix-sim/systemd (enabled/, active/). A unit exists when a package installed it
// (/usr/local/lib/systemd/system) or an admin wrote it (/etc/systemd/system); nothing is executed.
export const SYSTEMCTL_SH = String.raw`#!/bin/sh
# phoenix-sim: simulated systemctl (state under /var/lib/phoenix-sim/systemd; units are not executed)
. /usr/local/lib/phoenix-sim/lib.sh
quiet=0; now=0; cmd=; units=
while [ $# -gt 0 ]; do
  case "$1" in
    -q|--quiet) quiet=1 ;;
    --now) now=1 ;;
    -p|--property|-t|--type|--state|-n|--lines|-o|--output) shift ;;
    -*) ;;
    *) if [ -z "$cmd" ]; then cmd=$1; else units="$units $(unit_name "$1")"; fi ;;
  esac
  shift
done

need_units() { [ -n "$units" ] || { echo "Too few arguments." >&2; exit 1; }; }

do_start() {
  for u in $units; do
    if ! unit_file "$u" >/dev/null; then
      echo "Failed to $1 $u: Unit $u not found." >&2; return 5
    fi
  done
  for u in $units; do unit_set active "$u"; done
}

case "$cmd" in
  start|restart|reload|try-restart|reload-or-restart|try-reload-or-restart)
    need_units; do_start "$cmd" || exit $? ;;
  stop|kill)
    need_units
    for u in $units; do
      unit_file "$u" >/dev/null || { echo "Failed to stop $u: Unit $u not loaded." >&2; exit 5; }
      unit_clear active "$u"
    done ;;
  enable|reenable)
    need_units
    for u in $units; do
      f=$(unit_file "$u") || { echo "Failed to enable unit: Unit file $u does not exist." >&2; exit 1; }
      if ! unit_enabled "$u"; then
        unit_set enabled "$u"
        [ $quiet = 1 ] || echo "Created symlink /etc/systemd/system/multi-user.target.wants/$u → $f." >&2
      fi
    done
    [ $now = 0 ] || do_start start || exit $? ;;
  disable)
    need_units
    for u in $units; do
      unit_file "$u" >/dev/null || { echo "Failed to disable unit: Unit file $u does not exist." >&2; exit 1; }
      if unit_enabled "$u"; then
        unit_clear enabled "$u"
        [ $quiet = 1 ] || echo "Removed \"/etc/systemd/system/multi-user.target.wants/$u\"." >&2
      fi
      [ $now = 0 ] || unit_clear active "$u"
    done ;;
  mask|unmask|preset|daemon-reload|daemon-reexec|reset-failed) exit 0 ;;
  is-active)
    need_units; rc=3
    for u in $units; do
      if unit_active "$u"; then rc=0; [ $quiet = 1 ] || echo active; else [ $quiet = 1 ] || echo inactive; fi
    done
    exit $rc ;;
  is-failed)
    need_units
    for u in $units; do [ $quiet = 1 ] || { unit_active "$u" && echo active || echo inactive; }; done
    exit 1 ;;
  is-enabled)
    need_units; rc=1
    for u in $units; do
      if ! unit_file "$u" >/dev/null; then
        [ $quiet = 1 ] || echo "Failed to get unit file state for $u: No such file or directory" >&2
      elif unit_enabled "$u"; then rc=0; [ $quiet = 1 ] || echo enabled
      else [ $quiet = 1 ] || echo disabled; fi
    done
    exit $rc ;;
  status)
    [ -n "$units" ] || units=$(ls "$SYSD/active" 2>/dev/null)
    rc=0
    for u in $units; do
      if ! f=$(unit_file "$u"); then echo "Unit $u could not be found." >&2; rc=4; continue; fi
      en=disabled; unit_enabled "$u" && en=enabled
      if unit_active "$u"; then st="active (running)"; else st="inactive (dead)"; [ $rc != 0 ] || rc=3; fi
      printf '● %s - %s\n     Loaded: loaded (%s; %s; preset: enabled)\n     Active: %s\n' \
        "$u" "$(sed -n 's/^Description=//p' "$f" | head -n 1)" "$f" "$en" "$st"
    done
    exit $rc ;;
  list-units)
    for f in "$SYSD"/active/*; do [ -f "$f" ] || continue; u=$(basename "$f"); unit_active "$u" && printf '%s loaded active running %s\n' "$u" "$u"; done ;;
  list-unit-files)
    for d in /etc/systemd/system "$PKG_UNIT_DIR"; do
      for f in "$d"/*; do [ -f "$f" ] || continue; u=$(basename "$f"); en=disabled; unit_enabled "$u" && en=enabled; printf '%s %s enabled\n' "$u" "$en"; done
    done ;;
  show)
    for u in $units; do
      a=inactive; unit_active "$u" && a=active
      l=not-found; unit_file "$u" >/dev/null && l=loaded
      printf 'Id=%s\nLoadState=%s\nActiveState=%s\nUnitFileState=%s\n' "$u" "$l" "$a" "$(unit_enabled "$u" && echo enabled || echo disabled)"
    done ;;
  ''|list-timers|list-sockets) exit 0 ;;
  *) echo "Unknown command verb $cmd." >&2; exit 1 ;;
esac
exit 0
`;

export const SERVICE_SH = String.raw`#!/bin/sh
# phoenix-sim: simulated service(8), delegating to the simulated systemctl
[ $# -ge 2 ] || { echo "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]" >&2; exit 1; }
name=$1; action=$2
case "$action" in
  start|stop|restart|reload|status) exec /usr/local/sbin/systemctl "$action" "$name" ;;
  force-reload) exec /usr/local/sbin/systemctl restart "$name" ;;
  *) echo "Usage: /etc/init.d/$name {start|stop|restart|reload|force-reload|status}" >&2; exit 1 ;;
esac
`;
