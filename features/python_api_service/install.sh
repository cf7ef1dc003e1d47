#!/bin/sh
# python_api_service: a Python web API as the systemd service python-api.service, from a venv at
# /opt/python-api/venv. The application code itself comes from elsewhere (a mount, the
# application_script, or a package in `requirements`).
# Input `python_api_service` (object):
#   app_dir       working directory, default /opt/python-api/app (created when absent)
#   module        ASGI app for uvicorn, e.g. "app.main:app" (uvicorn must be in requirements), or
#   command       argv to run, e.g. ["python3", "-m", "http.server", "8080"]; a bare name is looked
#                 up in the venv first
#   port          port for `module` (default 8000)
#   requirements  pip requirement strings; installed only when the list changes (needs PyPI access)
#   user          system user to run as, default "pyapi" (created when absent)
#   environment   object of environment variables for the service
set -eu
. "$(dirname "$0")/phoenix-lib.sh"

spec=$(phx_input python_api_service)
case "$spec" in
  '{'*'}') ;;
  '') phx_die "input python_api_service is required" ;;
  *) phx_die "python_api_service must be a JSON object" ;;
esac

phx_apt_install python3 python3-venv

base=/opt/python-api
venv=$base/venv
mkdir -p "$base"
# pip is added to the venv only when there are requirements to install (ensurepip is slow).
[ -x "$venv/bin/python" ] || python3 -m venv --without-pip "$venv"

# One python pass validates the spec and renders the three things the rest of the script needs.
rendered=$(printf '%s' "$spec" | python3 -c '
import json, os, re, shutil, sys
venv = sys.argv[1]
spec = json.load(sys.stdin)
def fail(msg): sys.exit("python_api_service: " + msg)
allowed = {"app_dir", "module", "command", "port", "requirements", "user", "environment"}
extra = sorted(set(spec) - allowed)
if extra: fail("unknown keys: " + ", ".join(extra))
user = spec.get("user", "pyapi")
if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", user): fail("user %r is not a user name" % user)
app_dir = spec.get("app_dir", "/opt/python-api/app")
if not app_dir.startswith("/") or "\n" in app_dir: fail("app_dir must be an absolute path")
port = spec.get("port", 8000)
if not isinstance(port, int) or not 0 < port < 65536: fail("port must be a number 1-65535")
if ("module" in spec) == ("command" in spec): fail("give exactly one of module and command")
if "module" in spec:
    if not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", spec["module"]): fail("module must look like pkg.mod:app")
    argv = [venv + "/bin/uvicorn", spec["module"], "--host", "0.0.0.0", "--port", str(port)]
else:
    argv = spec["command"]
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv): fail("command must be a non-empty list of strings")
    if "/" not in argv[0]:
        local = os.path.join(venv, "bin", argv[0])
        found = local if os.path.exists(local) else shutil.which(argv[0])
        if not found: fail("command %r not found" % argv[0])
        argv = [found] + argv[1:]
def q(a):
    if "\n" in a: fail("arguments cannot contain newlines")
    return "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("$", "$$") + "\""
env = spec.get("environment", {})
if not isinstance(env, dict): fail("environment must be an object")
lines = []
for k in sorted(env):
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k): fail("environment key %r is not a variable name" % k)
    lines.append("Environment=" + q("%s=%s" % (k, env[k])))
reqs = spec.get("requirements", [])
if not isinstance(reqs, list) or not all(isinstance(r, str) and "\n" not in r for r in reqs): fail("requirements must be a list of strings")
print(user); print(app_dir)
print("ExecStart=" + " ".join(q(a) for a in argv))
for l in lines: print(l)
print("--requirements--")
for r in reqs: print(r)
' "$venv") || phx_die "python_api_service is not usable"

user=$(printf '%s\n' "$rendered" | sed -n 1p)
app_dir=$(printf '%s\n' "$rendered" | sed -n 2p)
service_lines=$(printf '%s\n' "$rendered" | sed -n '3,/^--requirements--$/p' | sed '$d')
requirements=$(printf '%s\n' "$rendered" | sed -n '/^--requirements--$/,$p' | sed 1d)

getent passwd "$user" >/dev/null || useradd -r -s /usr/sbin/nologin -U -d "$base" "$user"
[ -d "$app_dir" ] || install -d -o "$user" -g "$(id -gn "$user")" "$app_dir"

phx_write_file "$base/requirements.txt" 0644 "$requirements"
# The stamp is dropped before installing, so a failed pip run is retried next time.
[ "$PHX_CHANGED" = 0 ] || rm -f "$base/.requirements-installed"
if [ -n "$requirements" ] && [ ! -f "$base/.requirements-installed" ]; then
  phx_log "installing requirements"
  "$venv/bin/python" -m pip --version >/dev/null 2>&1 || "$venv/bin/python" -m ensurepip --upgrade
  "$venv/bin/python" -m pip install -r "$base/requirements.txt"
  : >"$base/.requirements-installed"
fi

phx_write_file /etc/systemd/system/python-api.service 0644 <<UNIT
[Unit]
Description=Python API service (Phoenix)
After=network-online.target
Wants=network-online.target

[Service]
User=$user
WorkingDirectory=$app_dir
$service_lines
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
if [ "$PHX_CHANGED" = 1 ]; then
  systemctl daemon-reload
  phx_service_up python-api restart
else
  phx_service_up python-api
fi
phx_log "python-api service running as $user"
