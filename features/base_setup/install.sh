#!/bin/sh
# base_setup: what every Phoenix guest starts from: a few base packages, the time zone and the locale.
# Inputs (all optional):
#   timezone       e.g. "Europe/Berlin" (must exist under /usr/share/zoneinfo)
#   locale         e.g. "en_US.UTF-8" (generated and made the default)
#   base_packages  extra apt packages, e.g. ["htop", "jq"]
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

phx_require_apt

packages="ca-certificates curl gnupg sudo tzdata"
extra=$(phx_input_list base_packages)
for p in $extra; do
  case "$p" in
    *[!a-z0-9.+-]* | [!a-z0-9]*) phx_die "base_packages: '$p' is not a Debian package name" ;;
  esac
  packages="$packages $p"
done
locale=$(phx_input locale)
[ -z "$locale" ] || packages="$packages locales"
# shellcheck disable=SC2086 # validated package names
phx_apt_install $packages

tz=$(phx_input timezone)
if [ -n "$tz" ]; then
  case "$tz" in
    /* | *..* | *[!A-Za-z0-9_/+-]*) phx_die "timezone '$tz' is not a zone name" ;;
  esac
  [ -e "/usr/share/zoneinfo/$tz" ] || phx_die "unknown timezone '$tz' (no /usr/share/zoneinfo/$tz)"
  if [ "$(readlink /etc/localtime 2>/dev/null || true)" != "/usr/share/zoneinfo/$tz" ]; then
    ln -sfn "/usr/share/zoneinfo/$tz" /etc/localtime
    phx_log "time zone set to $tz"
  fi
  phx_write_file /etc/timezone 0644 "$tz"
fi

if [ -n "$locale" ]; then
  case "$locale" in
    *[!A-Za-z0-9_.@-]*) phx_die "locale '$locale' is not a locale name" ;;
  esac
  charset=${locale#*.}
  [ "$charset" != "$locale" ] || charset=UTF-8
  if ! grep -qx "$locale $charset" /etc/locale.gen 2>/dev/null; then
    printf '%s %s\n' "$locale" "$charset" >>/etc/locale.gen
    phx_log "added $locale to /etc/locale.gen"
    locale-gen
  fi
  phx_write_file /etc/default/locale 0644 "LANG=$locale"
fi

phx_log "base setup complete"
