#!/usr/bin/env bash
# Step 1 of the GitHub Action: install smtppolicy and tell the next steps where its
# command is (step output `command`).
#   INPUT_VERSION=0.1.0 (any npm version or spec): npm install smtppolicy@<version> into
#     $RUNNER_TEMP, so the project's own package.json and node_modules stay untouched;
#   INPUT_VERSION=checkout: the action's own checkout ($GITHUB_ACTION_PATH), built with
#     `npm ci` (whose prepare script builds dist/) unless it already holds a build, e.g.
#     a fork that pins the action to a commit before the package is published.
set -euo pipefail

version="${INPUT_VERSION:-}"
if [ -z "$version" ]; then
  echo "::error title=smtppolicy::the input 'version' is empty (a version such as 0.1.0, or 'checkout')"
  exit 2
fi

if [ "$version" = checkout ]; then
  if [ ! -f "$GITHUB_ACTION_PATH/dist/bin/smtppolicy.js" ]; then
    echo "Building smtppolicy from the action's checkout ($GITHUB_ACTION_PATH)"
    (cd "$GITHUB_ACTION_PATH" && npm ci --no-audit --no-fund)
  fi
  command="$GITHUB_ACTION_PATH/dist/bin/smtppolicy.js"
else
  prefix="$RUNNER_TEMP/smtppolicy-install"
  mkdir -p "$prefix"
  echo "Installing smtppolicy@$version"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund "smtppolicy@$version"
  command="$prefix/node_modules/smtppolicy/dist/bin/smtppolicy.js"
fi

echo "smtppolicy $(node "$command" --version) at $command"
echo "command=$command" >>"$GITHUB_OUTPUT"
