#!/bin/sh
# Side-independent facts about the kernel state, read with the REAL ipvsadm
# (they check the traffic and our -Z, not our listings): the output depends
# only on what happened, not on when, so the differential harness can compare
# it between the two runs. Problems are reported with the side's name.
#
# usage: facts.sh settle       wait (bounded) until the counters stop moving
#        facts.sh conns        per service/server: connections, whether packets went in/out,
#                              and whether the bytes in reached the abbreviated range
#        facts.sh zero         per service/server: are the counters (and then the rates) zero?
#        facts.sh conn-table   connection entries counted by protocol, virtual, server, state, PE
set -u
real=/usr/sbin/ipvsadm
side=${IPVS_DIFF_SIDE:-unknown}

# Lines of an -L -n listing with stats/rates: "<entry> <n1> ... <n5>", where a
# server's entry is prefixed by its service, so it is unique.
entries() {
  "$real" -L -n "$@" --exact | awk '
    NR <= 3 { next }
    $1 == "->" { print svc " -> " $2, $3, $4, $5, $6, $7; next }
    $1 == "FWM" { svc = $1 " " $2; print svc, $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF; next }
    { svc = $1 " " $2; print svc, $3, $4, $5, $6, $7 }'
}

case ${1:-} in
settle)
  # The kernel folds counters every 2 s: stable over a fold means settled.
  i=0
  prev=$(entries --stats)
  while :; do
    sleep 2.2
    now=$(entries --stats)
    [ "$now" = "$prev" ] && break
    i=$((i + 1))
    if [ $i -ge 5 ]; then
      echo "counters still moving after $i folds (side $side)"
      exit 1
    fi
    prev=$now
  done
  echo "counters settled"
  ;;
conns)
  entries --stats | awk '{
    n = NF; entry = $1; for (i = 2; i <= n - 5; i++) entry = entry " " $i
    printf "%s: conns %s, packets in %s, out %s%s\n", entry, $(n-4), ($(n-3) > 0 ? "yes" : "no"), ($(n-2) > 0 ? "yes" : "no"),
      ($(n-1) >= 100000000 ? ", bytes in >= 10^8" : "")
  }'
  ;;
zero)
  # Counters zero or not; rates only for entries whose counters are zero
  # (other entries' rates decay with time, so "zero" there would depend on when).
  { entries --stats | sed 's/^/stats /'; entries --rate | sed 's/^/rates /'; } | awk '
    { n = NF; entry = $2; for (i = 3; i <= n - 5; i++) entry = entry " " $i
      z = ($(n-4) == 0 && $(n-3) == 0 && $(n-2) == 0 && $(n-1) == 0 && $n == 0)
      if ($1 == "stats") { order[++count] = entry; zeroed[entry] = z }
      else ratezero[entry] = z }
    END {
      for (i = 1; i <= count; i++) {
        e = order[i]
        if (!zeroed[e]) print e ": counters not zero"
        else print e ": counters zero, rates " (ratezero[e] ? "zero" : "NOT zero")
      } }'
  ;;
conn-table)
  # Client ports and expiry vary between runs; count entries by the rest.
  # Templates (client port 0) are marked as such.
  "$real" -L -c -n --persistent-conn | awk '
    NR <= 2 { next }
    { src = $4; sub(/:[0-9]+$/, "", src); tpl = ($4 ~ /:0$/) ? " template" : ""
      key = $1 " " $3 tpl " " src " -> " $5 " -> " $6 (NF > 6 ? " pe " $7 " " $8 : "")
      count[key]++ }
    END { for (k in count) print count[k] " x " k }' | sort
  ;;
*)
  echo "usage: facts.sh settle|conns|zero|conn-table" >&2
  exit 2
  ;;
esac
