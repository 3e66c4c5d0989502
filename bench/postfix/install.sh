#!/bin/sh
# Installs Debian's postfix package for bench/postfix-comparison.bench.ts, without letting it
# configure itself as this machine's mail system, and makes sure the system's own Postfix is
# neither running nor started at boot (the benchmark starts its own, on a loopback port, from
# a temp dir). Run as root.
set -eu

echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y postfix

# Whatever the package did, the system service stays off: nothing may listen on port 25.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now postfix >/dev/null 2>&1 || true; fi
if command -v update-rc.d >/dev/null 2>&1; then update-rc.d postfix disable >/dev/null 2>&1 || true; fi
postfix stop >/dev/null 2>&1 || true

if ss -ltn 2>/dev/null | grep -q ':25 '; then
  echo 'something still listens on port 25: stop it before benchmarking' >&2
  exit 1
fi
echo "postfix $(postconf -d -h mail_version) installed; smtp-source at $(command -v smtp-source); system service disabled"
