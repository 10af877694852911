#!/bin/sh
# Compares our ipvsadm with the real one on the same kernel state, at (nearly)
# the same moment: usage  same-moment.sh IPVSADM-ARGS...
#
# Traffic makes listings differ between the two differential runs (counters,
# client ports, expiry timers), so a traffic scenario compares WITHIN one run:
# this script takes three snapshots, real-before, ours, real-after, where
# "ours" is `ipvsadm` on PATH (the side's program; on the real side it is the
# real one again, so that run is the control), and accepts ours when stderr
# and exit status equal the real ones and, line by line, every line of ours
# equals the same line of real-before or of real-after, or has the layout of
# one of them with every number between the two real values. Between
# snapshots counters move (the kernel folds them every 2 s), rates decay and
# expiry seconds tick, and ours may take more than a second.
#
# When real-before and real-after differ in length or stderr/status (an entry
# appeared or expired), or when ours does not match but the real snapshots
# differ at all, it tries again, a
# bounded number of times. It prints only the verdict: "same", or the side,
# the reason and unified diffs, so that the differential harness, which
# compares this output between the runs, shows what differed.
set -u
real=/usr/sbin/ipvsadm
side=${IPVS_DIFF_SIDE:-unknown}
attempts=4
dir=$(mktemp -d "${TMPDIR:-/tmp}/same-moment.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

snapshot() { # NAME PROGRAM
  name=$1
  shift
  "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  echo "exit $?" >>"$dir/$name.err"
}

lines_match() { # 0 when every line of ours is accepted (see above)
  awk -v before="$dir/b.out" -v after="$dir/a.out" -v ours="$dir/o.out" '
    # The line with every number replaced by "#" (kept: blanks, so alignment
    # still counts); the numbers go to num[1..]. An expiry "MM:SS" is one
    # number of seconds, so that 02:00 > 01:59 > 01:58.
    function shape(line, num,    skel, rest, n, v) {
      skel = ""; n = 0; rest = line
      while (match(rest, /[0-9]+/)) {
        skel = skel substr(rest, 1, RSTART - 1)
        v = substr(rest, RSTART, RLENGTH) + 0
        rest = substr(rest, RSTART + RLENGTH)
        if (match(rest, /^:[0-9][0-9]( |$)/)) {
          v = v * 60 + substr(rest, 2, 2)
          rest = substr(rest, 4)
          skel = skel "#:#"
        } else {
          skel = skel "#"
        }
        num[++n] = v
      }
      num[0] = n
      return skel rest
    }
    function between(x, p, q) { return (p <= x && x <= q) || (q <= x && x <= p) }
    # Ours is right when it equals before or after, or when it has the shape
    # of one of them and each of its numbers lies between the two real ones:
    # counters only grow, expiry only falls, and a rate changes at most once
    # per 2 s, while ours can take more than a second (name look-ups).
    # When a number changes width between before and after, ours may mix the
    # two layouts: then blank runs are compared as one blank, and the line
    # must be as long as one of the real ones (columns are right-aligned).
    function accepted(o, b, a,    so, sb, sa, no, nb, na, k) {
      if (o == b || o == a) return 1
      so = shape(o, no); sb = shape(b, nb); sa = shape(a, na)
      if (sb == sa) {
        if (so != sb) return 0
      } else {
        gsub(/ +/, " ", so); gsub(/ +/, " ", sb); gsub(/ +/, " ", sa)
        if (so != sb || sb != sa) return 0
        if (length(o) != length(b) && length(o) != length(a)) return 0
      }
      if (no[0] != nb[0] || nb[0] != na[0]) return 0
      for (k = 1; k <= no[0]; k++) if (!between(no[k], nb[k], na[k])) return 0
      return 1
    }
    BEGIN {
      nb = 0; while ((getline l < before) > 0) b[++nb] = l
      na = 0; while ((getline l < after) > 0) a[++na] = l
      no = 0; while ((getline l < ours) > 0) o[++no] = l
      if (no != nb || no != na) exit 1
      for (i = 1; i <= no; i++) if (!accepted(o[i], b[i], a[i])) exit 1
      exit 0
    }'
}

n=0
while :; do
  n=$((n + 1))
  snapshot b "$real" "$@"
  snapshot o ipvsadm "$@"
  snapshot a "$real" "$@"
  stable=yes
  if ! cmp -s "$dir/b.err" "$dir/a.err" ||
     [ "$(wc -l <"$dir/b.out")" -ne "$(wc -l <"$dir/a.out")" ]; then
    stable=no
  fi
  if [ $stable = yes ] && cmp -s "$dir/o.err" "$dir/b.err" &&
     [ "$(wc -l <"$dir/o.out")" -eq "$(wc -l <"$dir/b.out")" ] && lines_match; then
    echo same
    exit 0
  fi
  if [ $n -lt $attempts ] && { [ $stable = no ] || ! cmp -s "$dir/b.out" "$dir/a.out"; }; then
    sleep 0.3
    continue
  fi
  if [ $stable = no ]; then
    echo "ipvsadm $* on side $side: the real listing kept changing ($n attempts)"
  else
    echo "ipvsadm $* on side $side: ours differs from the real one at the same moment (attempt $n)"
  fi
  diff -u --label real-before --label ours "$dir/b.out" "$dir/o.out"
  cmp -s "$dir/b.out" "$dir/a.out" || diff -u --label real-after --label ours "$dir/a.out" "$dir/o.out"
  diff -u --label real-before-stderr --label ours-stderr "$dir/b.err" "$dir/o.err"
  exit 1
done
