#!/usr/bin/env bash
# Prepares a fresh Debian machine for `npm test`: the kernel lab's packages
# (user-mode-linux gives a real IPVS when the host kernel has none), then the
# node dependencies and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
"${apt[@]}" update
# netbase: /etc/services, which ipvsadm's name output depends on; util-linux: unshare,
# nsenter, setpriv; python3: the small servers and clients of the traffic scenarios.
"${apt[@]}" install -y user-mode-linux kmod ipvsadm iproute2 netbase util-linux python3

if [ "${1:-}" = "--system-only" ]; then exit 0; fi
npm ci
npm run build
