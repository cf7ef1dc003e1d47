#!/bin/sh
# docker: Docker Engine from the distribution's packages (docker.io), enabled and running.
# Inputs (all optional):
#   docker_daemon_config  object written to /etc/docker/daemon.json (docker restarted when it changes)
#   docker_users          users added to the docker group (users that do not exist are an error)
#   docker_compose        true to also install the compose plugin/package
# In an LXC container, Docker needs the container features nesting=1 (and keyctl=1 when unprivileged).
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

phx_require_apt
phx_apt_install docker.io

if phx_bool docker_compose; then
  # Ubuntu ships the v2 plugin as docker-compose-v2; Debian 12 only has docker-compose.
  if apt-cache show docker-compose-v2 >/dev/null 2>&1; then
    phx_apt_install docker-compose-v2
  else
    phx_apt_install docker-compose
  fi
fi

restart=''
daemon_config=$(phx_input docker_daemon_config)
if [ -n "$daemon_config" ]; then
  case "$daemon_config" in
    '{'*'}') ;;
    *) phx_die "docker_daemon_config must be a JSON object" ;;
  esac
  phx_write_file /etc/docker/daemon.json 0644 "$daemon_config"
  [ "$PHX_CHANGED" = 0 ] || restart=restart
fi

phx_service_up docker $restart

users=$(phx_input_list docker_users)
for u in $users; do
  id "$u" >/dev/null 2>&1 || phx_die "docker_users: user '$u' does not exist in the guest"
  case " $(id -nG "$u") " in
    *' docker '*) ;;
    *) usermod -aG docker "$u" && phx_log "added $u to the docker group" ;;
  esac
done

if phx_is_container && phx_has_cmd docker && ! docker info >/dev/null 2>&1; then
  phx_warn "docker is installed but 'docker info' fails; containers need nesting=1 (and keyctl=1 when unprivileged)"
fi
phx_log "docker ready"
