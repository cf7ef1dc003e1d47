// Stand-in: guest software the simulator provides (no Proxmox rule; see ../README.md).
// Shared shell library of the simulated guest tools (installed as /usr/local/lib/phoenix-sim/lib.sh).
// POSIX sh using only host /usr tools. Scripts are String.raw so backslashes reach the guest as
// written; they never use ${...} (it would be a TypeScript interpolation).
export const LIB_SH = String.raw`# phoenix-sim: shared helpers of the simulated guest tools (not a real Debian file)
SIM=/var/lib/phoenix-sim
DPKG_DB=$SIM/dpkg
SYSD=$SIM/systemd
PKG_UNIT_DIR=/usr/local/lib/systemd/system
STUB=/usr/local/lib/phoenix-sim/stub
SIM_VERSION=0.0.0-phoenix-sim

# pkg_info NAME: sets BINS (executables the package provides) and UNITS (its systemd units).
pkg_info() {
  BINS=; UNITS=
  case "$1" in
    docker.io) BINS="docker dockerd containerd"; UNITS="docker.service docker.socket containerd.service" ;;
    docker-ce) BINS="docker dockerd"; UNITS="docker.service docker.socket" ;;
    docker-ce-cli) BINS="docker" ;;
    containerd|containerd.io) BINS="containerd"; UNITS="containerd.service" ;;
    docker-compose) BINS="docker-compose" ;;
    curl) BINS="curl" ;;
    wget) BINS="wget" ;;
    jq) BINS="jq" ;;
    git) BINS="git" ;;
    gnupg|gpg) BINS="gpg" ;;
    python3) BINS="python3" ;;
    python3-pip) BINS="pip3" ;;
    nginx|nginx-*) BINS="nginx"; UNITS="nginx.service" ;;
    apache2) BINS="apache2ctl"; UNITS="apache2.service" ;;
    openssh-server) BINS="sshd"; UNITS="ssh.service" ;;
    cron) BINS="cron"; UNITS="cron.service" ;;
    qemu-guest-agent) BINS="qemu-ga"; UNITS="qemu-guest-agent.service" ;;
    cloud-init) BINS="cloud-init"; UNITS="cloud-init.service" ;;
    step-cli) BINS="step" ;;
    nvidia-driver|nvidia-driver-*|nvidia-utils-*) BINS="nvidia-smi" ;;
    nvidia-container-toolkit) BINS="nvidia-ctk nvidia-container-cli" ;;
    postgresql|postgresql-[0-9]*) BINS="psql"; UNITS="postgresql.service" ;;
    redis-server) BINS="redis-server redis-cli"; UNITS="redis-server.service" ;;
    ca-certificates) BINS="update-ca-certificates" ;;
  esac
}

pkg_installed() { [ -f "$DPKG_DB/$1" ]; }

pkg_version() { sed -n 's/^Version: //p' "$DPKG_DB/$1"; }

# pkg_record NAME VERSION: write the dpkg status record of an installed package.
pkg_record() {
  mkdir -p "$DPKG_DB"
  printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: %s\nDescription: %s (simulated by phoenix)\n' \
    "$1" "$2" "$1" >"$DPKG_DB/$1"
}

# unit_name NAME: "docker" -> "docker.service"
unit_name() {
  case "$1" in
    *.service|*.socket|*.timer|*.target|*.mount|*.path|*.slice|*.scope) printf '%s\n' "$1" ;;
    *) printf '%s.service\n' "$1" ;;
  esac
}

# unit_file UNIT: print the unit's file if it exists (admin units, then package units).
unit_file() {
  for d in /etc/systemd/system /run/systemd/system "$PKG_UNIT_DIR"; do
    if [ -f "$d/$1" ]; then printf '%s\n' "$d/$1"; return 0; fi
  done
  case "$1" in
    *@*.*)
      t=$(printf '%s\n' "$1" | sed 's/@[^.]*\./@./')
      for d in /etc/systemd/system /run/systemd/system "$PKG_UNIT_DIR"; do
        if [ -f "$d/$t" ]; then printf '%s\n' "$d/$t"; return 0; fi
      done ;;
  esac
  return 1
}

unit_active() { [ -f "$SYSD/active/$1" ] && unit_file "$1" >/dev/null; }
unit_enabled() { [ -f "$SYSD/enabled/$1" ]; }
unit_set() { mkdir -p "$SYSD/$1"; : >"$SYSD/$1/$2"; }
unit_clear() { rm -f "$SYSD/$1/$2"; }
`;
