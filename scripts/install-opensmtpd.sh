#!/usr/bin/env bash
# Installs Debian's OpenSMTPD (6.8) for test/targets/opensmtpd/ without making it this
# machine's mail system. The package conflicts with postfix (both provide
# mail-transport-agent), and the tests need both, so it is downloaded with apt and unpacked
# into /opt/opensmtpd rather than installed: nothing is started and Postfix stays. Its
# libraries (libevent, libdb5.3, libssl3, …) are installed as ordinary packages; the two
# system users smtpd drops privileges to are created as the package's postinst would.
# For tests only: the unpacked smtpd runs its delivery helpers from /usr/libexec/opensmtpd,
# which this copy does not provide, so it can accept mail but not deliver it (the tests send
# none). Run as root. Idempotent.
set -euo pipefail

target=/opt/opensmtpd
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

apt-get install -y -qq --no-install-recommends libevent-2.1-7 libdb5.3 libssl3 zlib1g libcrypt1 libpam0g >/dev/null
# apt downloads as the _apt user: give it a directory it can write to
chown _apt "$work" 2>/dev/null || true
(cd "$work" && apt-get download -qq opensmtpd)
rm -rf "$target"
dpkg-deb -x "$work"/opensmtpd_*.deb "$target"

# groupadd/useradd (package passwd, always there) rather than the package's adduser, which a
# minimal machine may lack
for name in opensmtpd opensmtpq; do
  getent group "$name" >/dev/null || groupadd --system "$name"
  id "$name" >/dev/null 2>&1 || useradd --system --gid "$name" --home-dir /var/lib/opensmtpd/empty --no-create-home --shell /usr/sbin/nologin "$name"
done
# smtpd chroots its unprivileged processes into this empty directory
mkdir -p /var/lib/opensmtpd/empty
# smtpd -h prints its version (and usage) and exits 1
echo "unpacked into $target: $("$target/usr/sbin/smtpd" -h 2>&1 | head -1 || true)"
