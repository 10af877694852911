#!/bin/sh
# Builds the bundle of an older commit, outside the repository tree, for the
# start-up comparison of the bench (node scripts/bench.js --baseline-bundle).
# Default: the commit before issue 8's work (df54d62^), into
# /tmp/ipvsadm-bench-baseline/dist/ipvsadm.js. Needs no network: the tree
# comes from git archive, esbuild and the externals from this checkout's
# node_modules, and the bundle command is that commit's own `npm run bundle`.
#
#   sh bench/baseline.sh [REV [DIR]]
#   node scripts/bench.js --only startup --baseline-bundle DIR/dist/ipvsadm.js
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-df54d62^}
out=${2:-/tmp/ipvsadm-bench-baseline}
sha=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
modules=$(readlink -f "$repo/node_modules")
[ -d "$modules" ] || { echo "bench/baseline.sh: $repo/node_modules is missing (npm ci)" >&2; exit 2; }
case $out in /|"$repo"|"$repo"/*) echo "bench/baseline.sh: refusing to build into $out" >&2; exit 2 ;; esac
rm -rf "$out"
mkdir -p "$out"
git -C "$repo" archive --format=tar "$sha" | tar -x -C "$out"
ln -s "$modules" "$out/node_modules"
(cd "$out" && npm run --silent bundle)
[ -f "$out/dist/ipvsadm.js" ] || { echo "bench/baseline.sh: $out/dist/ipvsadm.js was not built" >&2; exit 1; }
echo "$rev = $(git -C "$repo" log -1 --format='%h %s' "$sha" | cut -c1-100)" > "$out/dist/BASELINE"
echo "$out/dist/ipvsadm.js ($(cat "$out/dist/BASELINE"))"
