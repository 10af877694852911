#!/usr/bin/env bash
# Prepares a fresh Debian machine for `npm test`: the kernel lab's packages
# (user-mode-linux gives a real IPVS when the host kernel has none), then the
# node dependencies and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
"${apt[@]}" update
# The list is shared with .ci/run. user-mode-linux: a kernel with IPVS; ipvsadm: the
# real 1.31 for differential tests; netbase: /etc/services; util-linux: unshare,
# nsenter, setpriv; python3: the servers and clients of the traffic scenarios.
mapfile -t packages < scripts/lab-packages.txt
"${apt[@]}" install -y "${packages[@]}"

if [ "${1:-}" = "--system-only" ]; then exit 0; fi
npm ci
npm run build
