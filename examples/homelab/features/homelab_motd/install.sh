#!/bin/sh
# homelab_motd: a user feature. Writes /etc/motd with the guest's hostname.
# Idempotent: rewriting the same content is harmless, and the file is only replaced when it differs.
set -eu
host=$(cat /etc/hostname 2>/dev/null || echo unknown)
want="Welcome to the homelab: ${host}
Managed by Phoenix; local changes to this file are overwritten."
if [ "$(cat /etc/motd 2>/dev/null || true)" != "$want" ]; then
    printf '%s\n' "$want" > /etc/motd.phoenix-tmp
    mv /etc/motd.phoenix-tmp /etc/motd
fi
