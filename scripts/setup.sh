#!/usr/bin/env bash
# Prepares a fresh Debian machine for `npm test`: the kernel lab's packages
# (user-mode-linux gives a real IPVS when the host kernel has none), Node.js
# when Debian's own is new enough, then the node dependencies and the build.
# Run it as root, or as a user who may sudo.
#
# bash scripts/setup.sh [--system-only]
set -euo pipefail
cd "$(dirname "$0")/.."

readonly NODE_MAJOR_NEEDED=20

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "scripts/setup.sh: installing packages needs root: run it as root, or install sudo" >&2
  exit 1
fi
apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
"${apt[@]}" update
# The list is shared with .ci/run. user-mode-linux: a kernel with IPVS; ipvsadm: the
# real 1.31 for differential tests; netbase: /etc/services; util-linux: unshare,
# nsenter, setpriv; python3: the servers and clients of the traffic scenarios;
# gcc, libc6-dev: the lab's xstate preload (scripts/lab/xstate-preload.c); systemd:
# systemd-analyze for the check of the shipped unit.
mapfile -t packages < scripts/lab-packages.txt
"${apt[@]}" install -y "${packages[@]}"

if [ "${1:-}" = "--system-only" ]; then exit 0; fi

major_of() { printf '%s\n' "${1#v}" | sed -E 's/^([0-9]+).*/\1/;t;s/.*/0/'; }
if ! command -v node >/dev/null 2>&1; then
  # Debian 13's nodejs is 20; Debian 12's is 18, too old.
  candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ { print $2 }')
  if [ "$(major_of "${candidate:-0}")" -ge "$NODE_MAJOR_NEEDED" ]; then
    "${apt[@]}" install -y nodejs npm
  fi
fi
have=$(command -v node >/dev/null 2>&1 && node --version || echo none)
if [ "$have" = none ] || [ "$(major_of "$have")" -lt "$NODE_MAJOR_NEEDED" ]; then
  echo "scripts/setup.sh: Node.js $NODE_MAJOR_NEEDED or later is needed (found: $have)." >&2
  echo "  On Debian 12, whose nodejs is 18, install Node.js $NODE_MAJOR_NEEDED from NodeSource's" >&2
  echo "  Debian packages or with nvm, then run this script again. Debian 13's nodejs is 20." >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  "${apt[@]}" install -y npm
fi
npm ci
npm run build
