# Shared by scripts/test and scripts/demo (sourced, not run): bring a fresh Debian 12
# machine with Node and apt to the point where the project builds and its tests run.

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js >= 20 is needed (Debian 12's nodejs package is 18: install Node 20 or newer)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js >= 20 is needed, this is $(node --version) (Debian 12's nodejs package is 18)"
}

# Package names from scripts/system-packages.txt, comments and blank lines dropped.
system_packages() {
  sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/system-packages.txt
}

missing_system_packages() {
  local pkg
  for pkg in $(system_packages); do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || printf '%s\n' "$pkg"
  done
}

apt_lists_present() {
  compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# etcd-server's postinst starts a system etcd where systemd runs: the tests start their
# own, so one we just installed is stopped and disabled again.
stop_fresh_etcd() {
  if [ -d /run/systemd/system ] && systemctl is-enabled --quiet etcd.service 2>/dev/null; then
    systemctl disable --now etcd.service >/dev/null 2>&1 || true
  fi
}

install_system_packages() {
  local missing
  missing=$(missing_system_packages)
  [ -z "$missing" ] && return 0
  # shellcheck disable=SC2086
  [ "$(id -u)" -eq 0 ] || die "missing system packages (run as root to install them): $(echo $missing)"
  say "Installing system packages: $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  local updated=0
  if ! apt_lists_present; then apt-get update -q; updated=1; fi
  # shellcheck disable=SC2086
  if ! apt-get install -y -q --no-install-recommends $missing </dev/null; then
    [ "$updated" -eq 0 ] || die "apt-get install failed"
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing </dev/null || die "apt-get install failed"
  fi
  case " $(echo $missing) " in *' etcd-server '*) stop_fresh_etcd ;; esac
}

# npm ci when node_modules is missing or older than package-lock.json (npm keeps its own
# copy of the lock in node_modules/.package-lock.json).
install_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing Node modules (npm ci)"
    npm ci --no-audit --no-fund </dev/null
  fi
}

build_project() {
  say "Building (npm run build)"
  npm run --silent build </dev/null
}

# The Debian package of the built tool: image create installs it into every trixie system.
package_project() {
  say "Building the Debian package (npm run package)"
  npm run --silent package </dev/null
}

prepare_machine() {
  require_node
  install_system_packages
  install_node_modules
  build_project
  package_project
}
