#!/bin/sh
# step_cli: Smallstep's `step` CLI, optionally bootstrapped to trust a step-ca server.
# Installs from the distribution when it has a step-cli package, otherwise from Smallstep's .deb
# (network access needed).
# Inputs (all optional):
#   step_cli_version     required version; an installed step of another version is replaced
#   step_cli_deb_url     .deb to install; default: Smallstep's latest release for this architecture
#   bootstrap_ca_url          https URL of the CA; with bootstrap_ca_fingerprint, runs `step ca bootstrap --install`
#   bootstrap_ca_fingerprint  SHA-256 fingerprint of the CA's root certificate (64 hex digits)
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

version=$(phx_input step_cli_version)
case "$version" in
  *[!0-9.]*) phx_die "step_cli_version '$version' is not a version number" ;;
esac
ca_url=$(phx_input bootstrap_ca_url)
fingerprint=$(phx_input bootstrap_ca_fingerprint | tr 'A-F' 'a-f' | tr -d ':')
if [ -n "$ca_url$fingerprint" ]; then
  case "$ca_url" in
    https://*) ;;
    '') phx_die "bootstrap_ca_fingerprint is given without bootstrap_ca_url" ;;
    *) phx_die "bootstrap_ca_url must be an https:// URL" ;;
  esac
  [ -n "$fingerprint" ] || phx_die "bootstrap_ca_url needs bootstrap_ca_fingerprint (on the CA: step certificate fingerprint root_ca.crt)"
  case "$fingerprint" in
    *[!0-9a-f]*) phx_die "bootstrap_ca_fingerprint must be 64 hex digits" ;;
  esac
  [ ${#fingerprint} -eq 64 ] || phx_die "bootstrap_ca_fingerprint must be 64 hex digits"
fi

installed_version() {
  step version 2>/dev/null | sed -n 's|^Smallstep CLI/\([0-9.]*\).*|\1|p' | head -n 1
}

have=''
phx_has_cmd step && have=$(installed_version || true)
if [ -n "$have" ] && { [ -z "$version" ] || [ "$have" = "$version" ]; }; then
  phx_log "step $have already installed"
else
  phx_require_apt
  if [ -z "$version" ] && apt-cache policy step-cli 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    phx_apt_install step-cli
  else
    phx_apt_install ca-certificates curl
    url=$(phx_input step_cli_deb_url "https://dl.smallstep.com/cli/docs-cli-install/latest/step-cli_$(phx_arch).deb")
    phx_log "downloading $url"
    phx_download "$url" /var/tmp/step-cli.deb
    dpkg -i /var/tmp/step-cli.deb
    rm -f /var/tmp/step-cli.deb
  fi
  have=$(installed_version || true)
  [ -n "$have" ] || phx_die "step was installed but 'step version' does not work"
  if [ -n "$version" ] && [ "$have" != "$version" ]; then
    phx_die "installed step $have but step_cli_version is $version; set step_cli_deb_url to that release's .deb"
  fi
  phx_log "step $have installed"
fi

if [ -n "$ca_url" ]; then
  defaults="$(step path)/config/defaults.json"
  if [ -f "$defaults" ] && grep -qF "\"$ca_url\"" "$defaults" && grep -qiF "\"$fingerprint\"" "$defaults"; then
    phx_log "already bootstrapped to $ca_url"
  else
    step ca bootstrap --ca-url "$ca_url" --fingerprint "$fingerprint" --install --force
    phx_log "bootstrapped to $ca_url"
  fi
fi
