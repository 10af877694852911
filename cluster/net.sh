#!/bin/sh
# The LVS cluster in a box: the network the cluster scenarios, their tests
# and `npm run lab` run on, made of network namespaces on one Linux host.
#
#   client  c   eth0 172.16.0.10/24 (+ .20-.35 as extra sources), default via .1
#     |
#   router  r   eth-c 172.16.0.1/24 | eth0 10.0.0.1/24, forwards
#     |
#   lan         bridge br0: one port for r, each director and each real server
#     |-- d1  director  eth0 10.0.0.2/24 + 10.2.0.2/24
#     |-- d2  director  eth0 10.0.0.3/24 + 10.2.0.3/24   (with 2 directors)
#     |-- s1  real server  eth0 10.0.0.11/24 + 10.2.0.11/24
#     |-- s2  real server  eth0 10.0.0.12/24 + 10.2.0.12/24
#     `-- s3  real server  eth0 10.0.0.13/24 + 10.2.0.13/24
#
# The virtual IP 10.0.0.100 and the NAT gateway 10.2.0.1 belong to the
# active director: with one director net.sh puts them on d1; with two it
# leaves them to whoever elects the master (keepalived's VRRP).
#
# Routes make all three forwarding methods work at once, without
# re-plumbing between scenarios:
#   - VS/NAT: real servers are addressed on 10.2.0.0/24 (-r 10.2.0.1N -m);
#     their answers from there go back through the gateway 10.2.0.1 (a
#     policy route: `ip rule from 10.2.0.0/24 lookup 100`), where IPVS
#     rewrites them;
#   - VS/DR and VS/TUN: real servers are addressed on 10.0.0.0/24 (-g, -i)
#     and answer the client from the VIP straight through the router.
#
# Every real server runs test/differential/traffic/server.py, which answers
# HTTP on TCP 80 and 8080 and echoes on UDP 53 with the server's name
# (s1, s2, s3), and stops by itself after LIFETIME seconds.
#
# usage: net.sh up PREFIX STATE_DIR [DIRECTORS [LIFETIME]]
#          namespaces are PREFIX + role (PREFIX may be empty); STATE_DIR
#          receives the servers' ready files; prints "cluster up"
#        net.sh down PREFIX
#          stops everything running in the namespaces, deletes them; prints "cluster down"
set -u
here=$(cd "$(dirname "$0")" && pwd)
server=$here/../test/differential/traffic/server.py

fail() {
  echo "cluster: $*" >&2
  exit 1
}

# on NS PROGRAM ARG...: a program inside namespace NS (nsenter, not `ip netns
# exec`, which would also give it a mount namespace of its own).
on() {
  ns=$1
  shift
  nsenter --net="/run/netns/$ns" -- "$@"
}

# Each `ip` run costs tens of milliseconds in the lab: one batch per namespace.
batch() {
  ip -n "$1" -batch - || fail "configuring $1 failed"
}

up() {
  p=$1 state=$2 directors=${3:-1} lifetime=${4:-3600}
  case $directors in 1) ds=d1 ;; 2) ds='d1 d2' ;; *) fail "DIRECTORS must be 1 or 2" ;; esac
  mkdir -p "$state" || fail "cannot make $state"
  for role in lan c r $ds s1 s2 s3; do
    ip netns add "$p$role" || fail "cannot add namespace $p$role"
  done

  # The bridge, and a veth from it to every node on the LAN (eth0 there).
  {
    echo 'link set lo up'
    echo 'link add br0 type bridge'
    echo 'link set br0 up'
    for role in r $ds s1 s2 s3; do
      echo "link add to-$role type veth peer name eth0 netns $p$role"
      echo "link set to-$role master br0 up"
    done
  } | batch "${p}lan"

  # The client and its link to the router.
  {
    echo 'link set lo up'
    echo "link add eth0 type veth peer name eth-c netns ${p}r"
    echo 'link set eth0 up'
    echo 'addr add 172.16.0.10/24 dev eth0'
    i=20
    while [ $i -le 35 ]; do
      echo "addr add 172.16.0.$i/24 dev eth0"
      i=$((i + 1))
    done
    echo 'route add default via 172.16.0.1'
  } | batch "${p}c"

  printf '%s\n' 'link set lo up' 'link set eth-c up' 'addr add 172.16.0.1/24 dev eth-c' \
    'link set eth0 up' 'addr add 10.0.0.1/24 dev eth0' | batch "${p}r"
  on "${p}r" sysctl -qw net.ipv4.ip_forward=1 || fail "cannot make ${p}r forward"

  for d in $ds; do
    n=${d#d}
    {
      echo 'link set lo up'
      echo 'link set eth0 up'
      echo "addr add 10.0.0.$((n + 1))/24 dev eth0"
      echo "addr add 10.2.0.$((n + 1))/24 dev eth0"
      echo 'route add default via 10.0.0.1'
      if [ "$directors" = 1 ]; then
        echo 'addr add 10.0.0.100/24 dev eth0'
        echo 'addr add 10.2.0.1/24 dev eth0'
      fi
    } | batch "$p$d"
    on "$p$d" sysctl -qw net.ipv4.ip_forward=1 || fail "cannot make $p$d forward"
  done

  for n in 1 2 3; do
    s=s$n
    printf '%s\n' 'link set lo up' 'link set eth0 up' "addr add 10.0.0.1$n/24 dev eth0" \
      "addr add 10.2.0.1$n/24 dev eth0" 'route add default via 10.0.0.1' \
      'rule add from 10.2.0.0/24 lookup 100' 'route add default via 10.2.0.1 table 100' | batch "$p$s"
    rm -f "$state/ready.$s"
    # Not through on(): dash would leave a backgrounded function our stdout.
    nsenter --net="/run/netns/$p$s" -- python3 "$server" "$s" "$state/ready.$s" "$lifetime" \
      tcp:80 tcp:8080 udp:53 </dev/null >/dev/null 2>&1 &
  done

  # Bounded wait until every server has bound its ports.
  for s in s1 s2 s3; do
    i=0
    while [ ! -e "$state/ready.$s" ]; do
      i=$((i + 1))
      [ $i -le 200 ] || fail "server $s did not start within 20 s"
      sleep 0.1
    done
  done
  echo "cluster up"
}

down() {
  p=$1
  for role in c r d1 d2 s1 s2 s3 lan; do
    [ -e "/run/netns/$p$role" ] || continue
    pids=$(ip netns pids "$p$role" 2>/dev/null)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null
    ip netns del "$p$role" || echo "cluster: cannot delete namespace $p$role" >&2
  done
  echo "cluster down"
}

case ${1:-} in
up) [ $# -ge 3 ] || fail "usage: net.sh up PREFIX STATE_DIR [DIRECTORS [LIFETIME]]"; shift; up "$@" ;;
down) [ $# -eq 2 ] || fail "usage: net.sh down PREFIX"; down "$2" ;;
*) fail "usage: net.sh up|down ..." ;;
esac
