#!/bin/sh
# nvidia: the NVIDIA driver for a guest with a GPU passed through, and optionally the CUDA toolkit.
# In a container only the user-space part is installed: the kernel module belongs to the host, and
# its version must equal nvidia_driver_version. In a VM the full driver is built with DKMS.
# Inputs:
#   nvidia_driver_version  required, e.g. "580.76.05"
#   nvidia_runfile_url     optional; default: NVIDIA's download server for that version
#   nvidia_repo_url        CUDA apt repository (needed with cuda_version)
#   cuda_version           optional, e.g. "12.8": installs cuda-toolkit-12-8 from that repository
#   allow_missing_gpu      true: without a GPU (/dev/nvidia0 absent) install nothing and succeed,
#                          recording that in /var/lib/phoenix/nvidia/no-gpu (the health check says so)
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

state=/var/lib/phoenix/nvidia
version=$(phx_input nvidia_driver_version)
[ -n "$version" ] || phx_die "input nvidia_driver_version is required (for example 580.76.05)"
case "$version" in
  *[!0-9.]* | .* | *.) phx_die "nvidia_driver_version '$version' is not a version number" ;;
esac

if [ ! -e /dev/nvidia0 ]; then
  if phx_bool allow_missing_gpu; then
    mkdir -p "$state"
    phx_write_file "$state/no-gpu" 0644 "no GPU at install time; driver $version not installed (allow_missing_gpu)"
    phx_warn "no NVIDIA GPU in this guest (/dev/nvidia0 absent): driver not installed because allow_missing_gpu is set"
    exit 0
  fi
  phx_die "no NVIDIA GPU in this guest: /dev/nvidia0 is absent. Pass a GPU through (gpu_assignment) or set allow_missing_gpu to skip the driver"
fi
rm -f "$state/no-gpu"

installed=''
if phx_has_cmd nvidia-smi; then
  installed=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1 || true)
fi

if [ "$installed" = "$version" ]; then
  phx_log "NVIDIA driver $version already installed"
else
  container=''
  if phx_is_container; then
    container=1
    host=$(sed -n 's/.*Kernel Module *\([0-9.]*\).*/\1/p' /proc/driver/nvidia/version 2>/dev/null | head -n 1)
    [ -n "$host" ] || phx_die "cannot read the host's NVIDIA kernel module version (/proc/driver/nvidia/version)"
    [ "$host" = "$version" ] || phx_die "the host's NVIDIA kernel module is $host but nvidia_driver_version is $version; they must be equal in a container"
  fi
  machine=$(uname -m)
  url=$(phx_input nvidia_runfile_url "https://us.download.nvidia.com/XFree86/Linux-$machine/$version/NVIDIA-Linux-$machine-$version.run")
  if [ -n "$container" ]; then
    phx_apt_install ca-certificates curl kmod
  else
    phx_apt_install ca-certificates curl kmod build-essential dkms "linux-headers-$(uname -r)"
  fi
  runfile=/var/tmp/NVIDIA-Linux-$version.run
  phx_log "downloading $url"
  phx_download "$url" "$runfile"
  if [ -n "$container" ]; then
    sh "$runfile" --silent --no-questions --ui=none --no-kernel-module --no-nouveau-check
  else
    sh "$runfile" --silent --no-questions --ui=none --dkms
  fi
  rm -f "$runfile"
  nvidia-smi >/dev/null || phx_die "driver $version installed but nvidia-smi fails"
  phx_log "NVIDIA driver $version installed"
fi

cuda=$(phx_input cuda_version)
if [ -n "$cuda" ]; then
  case "$cuda" in
    *[!0-9.]* | .* | *.) phx_die "cuda_version '$cuda' is not a version number" ;;
  esac
  pkg="cuda-toolkit-$(printf '%s' "$cuda" | tr . -)"
  if phx_pkg_installed "$pkg"; then
    phx_log "$pkg already installed"
  else
    repo=$(phx_input nvidia_repo_url)
    [ -n "$repo" ] || phx_die "cuda_version needs nvidia_repo_url (the CUDA apt repository)"
    if ! phx_pkg_installed cuda-keyring; then
      phx_apt_install ca-certificates curl
      phx_download "${repo%/}/cuda-keyring_1.1-1_all.deb" /var/tmp/cuda-keyring.deb
      dpkg -i /var/tmp/cuda-keyring.deb
      rm -f /var/tmp/cuda-keyring.deb
      PHX_APT_UPDATED=''
    fi
    phx_apt_install "$pkg"
  fi
fi
