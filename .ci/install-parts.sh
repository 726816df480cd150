#!/usr/bin/env bash
# Installs the Debian packages listed in .ci/apt-packages that are missing, without starting their
# system services (tests start their own instances on loopback ports).
set -euo pipefail
cd "$(dirname "$0")"
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' apt-packages | awk '{print $1}')
missing=()
for p in $wanted; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-parts: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# Keep package scripts from starting system daemons (port 25, port 53) on a CI machine.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
