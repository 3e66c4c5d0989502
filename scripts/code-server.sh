#!/usr/bin/env bash
# Runs code-server (VS Code in a browser, from the npm registry), installing it first if this
# machine has not yet:
#   scripts/code-server.sh --version
#   scripts/code-server.sh --install-extension editors/vscode/smtppolicy-0.1.0.vsix …
# test/editors/vscode/host/ drives it with headless chromium: a real VS Code host for the
# packed extension.
#
# How it installs with only the npm registry on the network (code-server's own postinstall
# would do more than that):
# - code-server's npm package needs Node 24 (`npm view code-server engines`), so every step
#   runs under the pinned Node 24 from scripts/with-node.sh.
# - `npm install --ignore-scripts code-server@VERSION`: its postinstall would run
#   `npm install` in lib/vscode *with* install scripts, which compile native modules
#   (node-pty, spdlog, sqlite3, kerberos, watchdog…) against headers node-gyp downloads from
#   nodejs.org. Instead, lib/vscode's dependencies are installed from its shrinkwrap with
#   `--omit=dev --ignore-scripts`, and no native module is built: opening a file, showing
#   diagnostics and applying a quick fix need none of them (without spdlog and the watchdog
#   VS Code logs "Could not locate the bindings file" and logs to the console instead; the
#   terminal (node-pty) and the file watcher (@parcel/watcher) are unavailable).
# - lib/vscode/extensions' own dependency (typescript, for the built-in TypeScript support)
#   is not installed: nothing here edits TypeScript.
#
# Why the install lives outside the repository (/var/tmp, like the Node builds): a fresh clone
# (CI) reuses it, and `npm ci` cannot remove it. Override with SMTPPOLICY_CODE_SERVER_CACHE.
set -euo pipefail

# Pinned for reproducibility: code-server's package carries npm-shrinkwrap.json files, so
# this version fixes every dependency too. Update: `npm view code-server version`, then run
# test/editors/vscode/host/ (it checks the VS Code version this prints).
version=4.139.1
node_major=24

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SMTPPOLICY_CODE_SERVER_CACHE:-/var/tmp/smtppolicy-code-server}"
home="$cache/$version"
with_node=("$root/scripts/with-node.sh" "$node_major")

if [[ ! -f "$home/.complete" ]]; then
  mkdir -p "$cache"
  staging="$(mktemp -d "$cache/.install-$version-XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  echo "code-server: installing code-server@$version into $home (once per machine)" >&2
  started=$SECONDS
  echo '{ "name": "smtppolicy-code-server", "private": true }' > "$staging/package.json"
  (cd "$staging" && "${with_node[@]}" npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$version" >&2)
  (cd "$staging/node_modules/code-server/lib/vscode" && "${with_node[@]}" npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  touch "$staging/.complete"
  # A rename is atomic: a concurrent run sees either nothing or a whole install.
  mv -T "$staging" "$home" 2>/dev/null || [[ -f "$home/.complete" ]] || { echo "code-server: could not place the install at $home" >&2; exit 2; }
  rm -rf "$staging"
  trap - EXIT
  echo "code-server: installed in $((SECONDS - started)) s" >&2
fi

exec "${with_node[@]}" node "$home/node_modules/code-server/out/node/entry.js" "$@"
