// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// Small simulated guest tools: the generic package stub, cloud-init and qemu-ga (VMs), and
// update-ca-certificates (so a trusted-CA feature can run offline).
export const STUB_SH = String.raw`#!/bin/sh
# phoenix-sim: stub for a binary of a package installed by the simulated apt-get
. /usr/local/lib/phoenix-sim/lib.sh
name=$(basename "$0")
[ "$name" != stub ] || { name=$1; shift; }
case "$1" in
  --version|-v|version|-V)
    case "$name" in
      docker) echo "Docker version 24.0.7, build phoenix-sim" ;;
      *) echo "$name $SIM_VERSION" ;;
    esac
    exit 0 ;;
esac
case "$name" in
  docker)
    case "$1" in
      help|--help|-h) echo "Usage:  docker [OPTIONS] COMMAND (simulated by phoenix)"; exit 0 ;;
    esac
    if ! unit_active docker.service; then
      echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1
    fi
    case "$1" in
      ps) echo "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES" ;;
      images) echo "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE" ;;
      info) echo "Server Version: 24.0.7 (simulated by phoenix)" ;;
      pull|run|create|build|compose)
        echo "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: Temporary failure in name resolution" >&2
        exit 1 ;;
    esac ;;
  nvidia-smi)
    echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running." >&2
    exit 9 ;;
esac
exit 0
`;

export const CLOUD_INIT_SH = String.raw`#!/bin/sh
# phoenix-sim: cloud-init of a simulated VM (the first boot has always finished)
case "$1" in
  --version|-v) echo "/usr/bin/cloud-init 23.1.2 (phoenix-sim)" ;;
  status)
    case " $* " in
      *" --format json "*|*" --format=json "*) echo '{"status": "done", "errors": []}' ;;
      *" --long "*) printf 'status: done\nboot_status_code: enabled-by-generator\ndetail:\nDataSourceNoCloud [seed=/dev/sr0]\n' ;;
      *) echo "status: done" ;;
    esac ;;
esac
exit 0
`;

export const QEMU_GA_SH = String.raw`#!/bin/sh
# phoenix-sim: qemu-guest-agent of a simulated VM (the simulator answers agent calls itself)
case "$1" in
  -V|--version) echo "QEMU Guest Agent 7.2.15 (phoenix-sim)" ;;
esac
exit 0
`;

export const UPDATE_CA_SH = String.raw`#!/bin/sh
# phoenix-sim: update-ca-certificates building /etc/ssl/certs from /usr/local/share/ca-certificates
mkdir -p /etc/ssl/certs /var/lib/phoenix-sim
bundle=/etc/ssl/certs/ca-certificates.crt; known=/var/lib/phoenix-sim/ca-certificates.list
touch "$known"
: >"$bundle.new"; : >"$known.new"
for f in $(find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort); do
  cat "$f" >>"$bundle.new"
  n=$(basename "$f" .crt); ln -sf "$f" "/etc/ssl/certs/$n.pem"; printf '%s\n' "$n" >>"$known.new"
done
added=$(grep -vxF -f "$known" "$known.new" | grep -c .)
removed=$(grep -vxF -f "$known.new" "$known" | grep -c .)
for n in $(grep -vxF -f "$known.new" "$known"); do rm -f "/etc/ssl/certs/$n.pem"; done
mv "$bundle.new" "$bundle"; mv "$known.new" "$known"
echo "Updating certificates in /etc/ssl/certs..."
echo "$added added, $removed removed; done."
echo "Running hooks in /etc/ca-certificates/update.d..."
echo "done."
`;
