#!/usr/bin/env bash
# Builds once, then runs the test suite (whole, or a scope: see the file) on every Node.js
# build pinned in scripts/node-builds.txt (or only on the versions given as arguments), each run under a
# banner naming its Node, then prints the time each took. Any failing version fails the
# matrix, after every version has run, so one run shows all version-specific failures.
#
# Expects `npm ci` to have run once. Why once and not per version: node_modules holds only
# JavaScript and per-platform executables (esbuild), no Node-ABI addons (*.node), so the
# install is the same under every Node; what differs per Node is the tests, which run here
# under each version (the build's output does not differ: it runs once, below). The check below fails if an ABI addon
# ever appears, because then a shared node_modules would test the wrong binary.
set -euo pipefail
cd "$(dirname "$0")/.."

addons="$(find node_modules -name '*.node' -type f -print -quit)"
if [[ -n "$addons" ]]; then
  echo "node-matrix: node_modules holds a native addon ($addons), built for one Node ABI only:" >&2
  echo "node-matrix: run 'npm ci' under each version instead of sharing one install" >&2
  exit 2
fi

if [[ $# -gt 0 ]]; then
  versions=("$@")
else
  mapfile -t versions < <(awk '$1 !~ /^#/ && NF >= 2 { print $1 }' scripts/node-builds.txt)
fi

# The README's test command, given by .ci/run; core adds the exclusions after it.
test_command="${SMTPPOLICY_TEST_COMMAND:-npm test}"
summary=()
failed=0
# Each build's output is kept so that what failed can be repeated after the last build:
# CI logs are read from their tail, where a failure of the first build would be hundreds of
# lines up.
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed_logs=()
for wanted in "${versions[@]}"; do
  # Resolves a major to its pinned version (and fetches the build) before the banner.
  version="$(scripts/with-node.sh "$wanted" node -p 'process.versions.node')"
  # The build's scope (node-builds.txt, third column): full, core, quick or floor (below).
  scope="$(awk -v v="$version" '$1 == v { print ($3 == "" ? "full" : $3) }' scripts/node-builds.txt)"
  # The full build runs the README's test command as it stands (schema validator, type
  # check, every test). The core builds run the tests alone: what tsc and the validator
  # generator produce does not depend on the Node that runs them, so checking types again
  # on every build would spend CI's minutes proving the same thing (about 50 s a build).
  # What the server does on the wire: quick and floor both run it.
  wire="test/runtime/ test/verify/ test/net/ test/hardening/protocol/ test/hardening/faults/ test/quickstart"
  case "$scope" in
    full) tests="$test_command" ;;
    # test/editors/ is the VS Code extension: it runs in VS Code's own Node (Electron's, which
    # the extension is built for; the host test runs code-server on Node 24), never on the
    # Node the project is tested on, so the full build proves it once.
    # test/targets/postfix/ and test/targets/opensmtpd/ run a real Postfix and OpenSMTPD for
    # many seconds: what they prove (the files `compile --target` writes) does not depend on
    # the Node that writes them, so the full build proves it once; the in-process translation
    # tests run on every build. test/playground/browser/ is the playground page in headless
    # chromium: it runs in the browser, whatever Node built the page (its bundle and analysis
    # tests run everywhere). test/deployment/ runs a real HAProxy in front of two serve
    # processes and systemd-analyze on the unit: what it proves (the documented deployment,
    # the unit file) is proven once on the full build, and the servers' PROXY protocol
    # handling is tested in-process on every build (test/runtime/). test/runtime/state/redis-hosts/
    # starts two `serve --workers 2` process trees and a redis-server (tens of seconds): what it
    # proves (the limits held in Redis across hosts) rests on Lua scripts that run in Redis, not
    # in Node; the in-process Redis tests (test/runtime/state/redis/) run on every build.
    # Five fuzzers of pure computation (the formatter's stability, the CIDR trie, CRAM-MD5's
    # state, diff against the policy, the compile pipeline) find logic errors, which do not
    # depend on the Node: the full build runs them (about a minute of CI). The fuzzers that
    # reach Node's own limits or its sockets (grammar robustness: stack depth and string
    # sizes; every CLI command on generated policies; the server against the policy) stay.
    core) tests="node scripts/run-tests.mjs --exclude test/ci/ --exclude test/action/ --exclude test/editors/ --exclude test/targets/postfix/ --exclude test/targets/opensmtpd/ --exclude test/playground/browser/ --exclude test/deployment/ --exclude test/runtime/state/redis-hosts/ \
--exclude test/format/stability.test.ts --exclude test/net/cidr-trie.property --exclude test/runtime/auth/md5-state.property --exclude test/review/diff-agrees-with-policy.property --exclude test/hardening/compiler/pipeline.property" ;;
    # quick: a build between the full one and the floor. It runs what the server does on the
    # wire and the commands that run it (runtime/, verify/, net/, the protocol and fault
    # hardening, the quickstart, serve, queue and passwd), and leaves out what is pure
    # computation (grammar, compiler, formatter, language server, packaging, property
    # fuzzing), which the full build proves (see floor, below, for why that is enough), and
    # the TLS scan (testssl.sh probes OpenSSL, whose 3.0 line the floor, Node 20, shares).
    quick) tests="node scripts/run-tests.mjs $wire test/cli/serve- test/cli/queue test/cli/passwd \
--exclude .property.test.ts --exclude test/hardening/protocol/testssl --exclude test/runtime/state/redis-hosts/" ;;
    # floor: the oldest Node users may run (engines). It runs what depends on the Node that
    # runs it: quick's wire and commands, every CLI command (in-process and as processes,
    # with the fuzzers that reach V8's stack depth and string sizes: test/cli/, the grammar's
    # robustness fuzzer), the server against the policy over real sockets
    # (test/hardening/properties/), the language server's process and stdio, prettier
    # loading the plugin, the TLS scan (Node 20's OpenSSL 3.0, not 24's) and the checks of
    # the pinned builds. It leaves out the pure computation of the grammar, compiler, rules,
    # formatter, language features, review and packaging, which the full build runs: the
    # type check there uses lib ES2023 and @types/node 20, so a built-in or Node API newer
    # than the floor fails it, and what is left to differ is V8's semantics of the same
    # ECMAScript, which the CLI fuzzers here exercise end to end. (Against core on Node 20:
    # 305 against about 450 s in CI.) The two fuzzers of pure computation among the wire's
    # folders (the CIDR trie, CRAM-MD5's state) are left to the full build, as core leaves them.
    floor) tests="node scripts/run-tests.mjs $wire test/hardening/properties/ test/cli/ test/grammar/robustness \
test/lsp/lifecycle test/lsp/stdio test/format/prettier-cli test/node-support \
--exclude test/net/cidr-trie.property --exclude test/runtime/auth/md5-state.property --exclude test/runtime/state/redis-hosts/" ;;
    *) echo "node-matrix: unknown scope '$scope' for Node $version in scripts/node-builds.txt" >&2; exit 2 ;;
  esac
  # The build runs once, under the first Node: tsc, esbuild and the validator generator emit
  # the same files under every Node, so each later build tests that one dist/.
  if [[ ${#summary[@]} -eq 0 ]]; then run="npm run build && $tests"; else run="$tests"; fi
  echo
  echo "== Node v$version ($scope): $run =="
  started=$SECONDS
  log="$logs/$version.log"
  if scripts/with-node.sh "$version" bash -c "$run" 2>&1 | tee "$log"; then
    outcome=passed
  else
    outcome=FAILED
    failed=1
    failed_logs+=("$version")
  fi
  summary+=("$(printf 'Node v%-9s %-6s in %4d s' "$version" "$outcome" $((SECONDS - started)))")
  echo "== Node v$version: $outcome in $((SECONDS - started)) s =="
done

echo
echo "== Node matrix (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)) =="
printf '%s\n' "${summary[@]}"
for version in "${failed_logs[@]}"; do
  echo
  echo "== Node v$version: what failed =="
  # scripts/run-tests.mjs ends a failed run with this marker and the spec reporter's list of
  # failing tests; a build that failed before the tests (the type check, the validator) has
  # no marker, and its log's tail says why.
  if grep -q '^# ==== failing tests ====$' "$logs/$version.log"; then
    sed -n '/^# ==== failing tests ====$/,$p' "$logs/$version.log" | head -n 150
  else
    tail -n 40 "$logs/$version.log"
  fi
done
exit "$failed"
