#!/bin/sh
# trusted_ca: adds a root CA certificate to the guest's system trust store.
# The certificate comes from trusted_ca_pem, or is fetched from a step-ca's /roots.pem and accepted
# only when its SHA-256 fingerprint equals bootstrap_ca_fingerprint (the fetch itself cannot be trusted
# before the root is). Nothing is world-writable; update-ca-certificates runs only on a change.
# Inputs:
#   trusted_ca_pem       PEM text of the root certificate (a {"file": ...} reference works well)
#   bootstrap_ca_url          https URL of a step-ca (used when trusted_ca_pem is absent)
#   bootstrap_ca_fingerprint  SHA-256 fingerprint (hex, colons allowed); required with bootstrap_ca_url,
#                        checked against trusted_ca_pem too when given
#   trusted_ca_name      file name in /usr/local/share/ca-certificates, default phoenix-root-ca
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

name=$(phx_input trusted_ca_name phoenix-root-ca)
case "$name" in
  *[!A-Za-z0-9_.-]* | .*) phx_die "trusted_ca_name '$name' is not a file name" ;;
esac
pem=$(phx_input trusted_ca_pem)
ca_url=$(phx_input bootstrap_ca_url)
fingerprint=$(phx_input bootstrap_ca_fingerprint | tr 'A-F' 'a-f' | tr -d ':')

packages="ca-certificates openssl"
[ -n "$pem" ] || packages="$packages curl"
# shellcheck disable=SC2086
phx_apt_install $packages

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$pem" ]; then
  printf '%s\n' "$pem" >"$work/ca.pem"
else
  [ -n "$ca_url" ] || phx_die "give trusted_ca_pem, or bootstrap_ca_url with bootstrap_ca_fingerprint"
  case "$ca_url" in https://*) ;; *) phx_die "bootstrap_ca_url must be an https:// URL" ;; esac
  [ -n "$fingerprint" ] || phx_die "bootstrap_ca_url needs bootstrap_ca_fingerprint to verify what it fetches (on the CA: step certificate fingerprint root_ca.crt)"
  curl -fsSk --retry 3 --connect-timeout 20 -o "$work/ca.pem" "${ca_url%/}/roots.pem" ||
    phx_die "cannot fetch ${ca_url%/}/roots.pem"
fi

grep -q -- '-----BEGIN CERTIFICATE-----' "$work/ca.pem" || phx_die "the CA certificate is not PEM (no BEGIN CERTIFICATE line)"
openssl x509 -in "$work/ca.pem" -noout >/dev/null 2>&1 || phx_die "the CA certificate cannot be parsed by openssl"
if [ -n "$fingerprint" ]; then
  got=$(openssl x509 -in "$work/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//' | tr -d ':' | tr 'A-F' 'a-f')
  [ "$got" = "$fingerprint" ] || phx_die "CA certificate fingerprint $got does not match bootstrap_ca_fingerprint $fingerprint"
fi
# The trust store wants one certificate per file: keep the first (the root).
openssl x509 -in "$work/ca.pem" -out "$work/root.crt"

phx_write_file "/usr/local/share/ca-certificates/$name.crt" 0644 <"$work/root.crt"
if [ "$PHX_CHANGED" = 1 ]; then
  update-ca-certificates
  phx_log "trusted $(openssl x509 -in "$work/root.crt" -noout -subject)"
else
  phx_log "CA certificate already trusted"
fi
