# Sourced by the scripts that need Node.js: check it is there, and install a tool's npm
# packages exactly as its lock file pins them.

require_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "$(basename "$0"): needs Node.js 20 or later with npm (https://nodejs.org/en/download);" \
      "install them, then run this again" >&2
    exit 2
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "$(basename "$0"): needs Node.js 20 or later, found $(node --version); upgrade it," \
      "then run this again" >&2
    exit 2
  fi
}

# npm_install_pinned DIR: npm ci in DIR, again only when its lock file changed since.
npm_install_pinned() {
  local dir=$1 stamp=$1/node_modules/.pmsync-installed
  require_node
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
}
