#!/bin/sh
# vllm: a vLLM OpenAI-compatible server as the systemd service vllm.service, in a venv at /opt/vllm.
# Needs a working NVIDIA GPU (feature nvidia first) and network access to PyPI and Hugging Face.
# Inputs:
#   vllm_engine_config  required: {"ModelConfig": {"model": ...}, "CacheConfig": {...},
#                       "ParallelConfig": {...}, "ServerConfig": {"host": ..., "port": ...}}; every
#                       group's keys become `vllm serve` options in /etc/vllm/config.yaml
#   vllm_version        optional pip version pin, e.g. "0.11.0"
#   hf_token            optional Hugging Face token (use a secret reference); kept in a 0600 env file
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

engine=$(phx_input vllm_engine_config)
case "$engine" in
  '{'*'}') ;;
  '') phx_die "input vllm_engine_config is required" ;;
  *) phx_die "vllm_engine_config must be a JSON object" ;;
esac
version=$(phx_input vllm_version)
case "$version" in
  *[!0-9A-Za-z.+-]*) phx_die "vllm_version '$version' is not a version" ;;
esac

# Checked before installing anything: vLLM's CUDA build is useless without a GPU.
phx_has_cmd nvidia-smi || phx_die "vllm needs the NVIDIA driver (nvidia-smi not found); list the nvidia feature before vllm"
nvidia-smi -L >/dev/null 2>&1 || phx_die "vllm needs a working NVIDIA GPU, but nvidia-smi fails: $(nvidia-smi -L 2>&1 | head -n 1)"

phx_apt_install ca-certificates python3 python3-venv python3-pip

venv=/opt/vllm
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
want="vllm${version:+==$version}"
have=$("$venv/bin/python" -m pip show vllm 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ -z "$have" ] || { [ -n "$version" ] && [ "$have" != "$version" ]; }; then
  phx_log "installing $want (this downloads several GB)"
  "$venv/bin/python" -m pip install --upgrade pip
  "$venv/bin/python" -m pip install "$want"
else
  phx_log "vllm $have already installed"
fi

# vLLM reads long-form option names from a YAML file; JSON values are valid YAML flow scalars.
config=$(printf '%s' "$engine" | python3 -c '
import json, sys
groups = json.load(sys.stdin)
flat = {}
for name, group in groups.items():
    if not isinstance(group, dict):
        sys.exit("vllm_engine_config.%s must be an object" % name)
    for key, value in group.items():
        flat[key.replace("_", "-")] = value
if "model" not in flat:
    sys.exit("vllm_engine_config needs ModelConfig.model")
for key in sorted(flat):
    print("%s: %s" % (key, json.dumps(flat[key])))
') || phx_die "vllm_engine_config is not usable"
phx_write_file /etc/vllm/config.yaml 0644 "$config"
changed=$PHX_CHANGED

token=$(phx_input hf_token)
if [ -n "$token" ]; then
  case "$token" in *[!A-Za-z0-9_-]*) phx_die "hf_token has characters a token cannot have" ;; esac
  phx_write_file /etc/vllm/env 0600 "HF_TOKEN=$token"
else
  phx_write_file /etc/vllm/env 0600 ''
fi
[ "$PHX_CHANGED" = 0 ] || changed=1

phx_write_file /etc/systemd/system/vllm.service 0644 <<UNIT
[Unit]
Description=vLLM OpenAI-compatible server (Phoenix)
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile=/etc/vllm/env
ExecStart=$venv/bin/vllm serve --config /etc/vllm/config.yaml
Restart=on-failure
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
if [ "$PHX_CHANGED" = 1 ]; then
  systemctl daemon-reload
  changed=1
fi
if [ "$changed" = 1 ]; then phx_service_up vllm restart; else phx_service_up vllm; fi
phx_log "vllm service configured"
