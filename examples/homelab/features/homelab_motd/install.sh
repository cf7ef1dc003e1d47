#!/bin/sh
# homelab_motd: a user feature (it lives beside the config, in features/). Writes /etc/motd naming
# the guest. Idempotent: phx_write_file replaces the file only when its content differs.
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

host=$(cat /etc/hostname 2>/dev/null || echo unknown)
phx_write_file /etc/motd 0644 "Welcome to the homelab: ${host}
Managed by Phoenix; local changes to this file are overwritten."
phx_log "motd ready"
