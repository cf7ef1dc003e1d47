#!/bin/sh
# ollama: the Ollama server as the systemd service ollama.service, listening on all addresses.
# Downloads Ollama's release archive (network access needed on first install). Uses the GPU when the
# nvidia feature ran before it; runs on CPU otherwise.
# Inputs (all optional):
#   ollama_version  e.g. "0.12.6"; default: the latest release at install time (not upgraded later)
#   ports           the guest's port list, e.g. ["11434:11434"]; the first entry's guest-side port
#                   (after the last ':') is where Ollama listens, default 11434
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

version=$(phx_input ollama_version)
case "$version" in
  *[!0-9A-Za-z.-]*) phx_die "ollama_version '$version' is not a version" ;;
esac
ports=$(phx_input_list ports)
port=$(printf '%s\n' "$ports" | head -n 1)
port=${port##*:}
[ -n "$port" ] || port=11434
case "$port" in
  *[!0-9]*) phx_die "ports: '$port' is not a port number" ;;
esac

have=''
if [ -x /usr/bin/ollama ]; then
  have=$(/usr/bin/ollama --version 2>/dev/null | sed -n 's/.*version is \([0-9A-Za-z.-]*\).*/\1/p' | head -n 1 || true)
fi
if [ -n "$have" ] && { [ -z "$version" ] || [ "$have" = "$version" ]; }; then
  phx_log "ollama $have already installed"
else
  phx_apt_install ca-certificates curl zstd
  case "$(phx_arch)" in
    amd64 | x86_64) arch=amd64 ;;
    arm64 | aarch64) arch=arm64 ;;
    *) phx_die "unsupported architecture $(phx_arch)" ;;
  esac
  url="https://ollama.com/download/ollama-linux-$arch.tar.zst${version:+?version=$version}"
  archive=/var/tmp/ollama-linux-$arch.tar.zst
  phx_log "downloading $url"
  phx_download "$url" "$archive"
  rm -rf /usr/lib/ollama # old libraries must not mix with the new release
  tar --zstd -xf "$archive" -C /usr
  rm -f "$archive"
  phx_log "ollama installed: $(/usr/bin/ollama --version 2>&1 | tail -n 1)"
fi

getent passwd ollama >/dev/null || useradd -r -s /bin/false -U -m -d /usr/share/ollama ollama

phx_write_file /etc/systemd/system/ollama.service 0644 <<UNIT
[Unit]
Description=Ollama (Phoenix)
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/bin/ollama serve
User=ollama
Group=ollama
Environment=OLLAMA_HOST=0.0.0.0:$port
Restart=always
RestartSec=3

[Install]
WantedBy=multi-user.target
UNIT
if [ "$PHX_CHANGED" = 1 ]; then
  systemctl daemon-reload
  phx_service_up ollama restart
else
  phx_service_up ollama
fi
phx_log "ollama listening on port $port"
