#!/bin/sh
# The network of the traffic scenarios, built around the scenario's network
# namespace (the director):
#
#   client ns  eth0 192.168.10.1/24 fd00:10::1234:5678:9abc:def1/64 ---- vc  192.168.10.254 fd00:10::fe  director
#     (a long client IPv6 address, wider than the connection listing's source column)
#   server ns sN eth0 192.168.2N.1/24 fd00:2N::1/64 -- vsN 192.168.2N.254 fd00:2N::fe  (N = 1 2 3)
#   virtual addresses on the director's d0: 192.168.100.1-3/32, fd00:100::1/128
#
# Clients and real servers route everything through the director, so IPVS NAT
# (-m) sees both directions. The links have an MTU of 65535, so that a few
# thousand big datagrams pass the 100 000 000 bytes where listings abbreviate. Every real server runs server.py with HTTP on TCP
# 8080, echo on UDP 5353 and 5060, and a sink on UDP 9999.
#
# usage (working directory: the scenario's; it keeps the namespace names):
#   net.sh up               build it all and start the servers; prints "network up"
#   net.sh client OP...     run client.py OP... in the client namespace
#   net.sh down             stop the servers, delete the namespaces; prints "network down"
#
# Failures are reported with the side's name, so that a broken setup can never
# look the same on both sides of a differential run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
side=${IPVS_DIFF_SIDE:-unknown}
state=$PWD/net.base
servers='1 2 3'
# The servers stop by themselves after this many seconds.
lifetime=240

fail() {
  echo "traffic network: $* (side $side)"
  exit 1
}

in_ns() { # NS COMMAND: one shell in NS (each namespace switch costs ~0.3 s in the guest)
  ip netns exec "$1" sh -c "$2"
}

up() {
  base=$(ip netns identify) && [ -n "$base" ] || fail "the director namespace has no name"
  echo "$base" > "$state"
  sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || fail "sysctl failed"
  ip addr add 192.168.100.1/32 dev d0 && ip addr add 192.168.100.2/32 dev d0 &&
    ip addr add 192.168.100.3/32 dev d0 && ip -6 addr add fd00:100::1/128 dev d0 nodad ||
    fail "cannot add the virtual addresses"

  ip netns add "$base-c" &&
    ip link add vc type veth peer name eth0 netns "$base-c" &&
    ip link set vc mtu 65535 up && ip addr add 192.168.10.254/24 dev vc && ip -6 addr add fd00:10::fe/64 dev vc nodad ||
    fail "cannot build the client link"
  in_ns "$base-c" '
    ip link set lo up && ip link set eth0 mtu 65535 up &&
    ip addr add 192.168.10.1/24 dev eth0 && ip -6 addr add fd00:10::1234:5678:9abc:def1/64 dev eth0 nodad &&
    ip route add default via 192.168.10.254 && ip -6 route add default via fd00:10::fe' ||
    fail "cannot configure the client namespace"

  for n in $servers; do
    ns=$base-s$n
    rm -f "$PWD/ready.s$n"
    ip netns add "$ns" &&
      ip link add "vs$n" type veth peer name eth0 netns "$ns" &&
      ip link set "vs$n" mtu 65535 up && ip addr add "192.168.2$n.254/24" dev "vs$n" &&
      ip -6 addr add "fd00:2$n::fe/64" dev "vs$n" nodad ||
      fail "cannot build the link to s$n"
    in_ns "$ns" "
      ip link set lo up && ip link set eth0 mtu 65535 up &&
      ip addr add 192.168.2$n.1/24 dev eth0 && ip -6 addr add fd00:2$n::1/64 dev eth0 nodad &&
      ip route add default via 192.168.2$n.254 && ip -6 route add default via fd00:2$n::fe &&
      { python3 '$here/server.py' s$n '$PWD/ready.s$n' $lifetime tcp:8080 udp:5353 udp:5060 sink:9999 \
          </dev/null >/dev/null 2>&1 & }" ||
      fail "cannot configure s$n"
  done

  # Wait (bounded) until every server has bound its ports.
  for n in $servers; do
    i=0
    while [ ! -e "$PWD/ready.s$n" ]; do
      i=$((i + 1))
      [ $i -le 100 ] || fail "server s$n did not start within 10 s"
      sleep 0.1
    done
  done
  echo "network up"
}

client() {
  [ -r "$state" ] || fail "no network (net.sh up first)"
  ip netns exec "$(cat "$state")-c" python3 "$here/client.py" "$@"
}

down() {
  [ -r "$state" ] || fail "no network to take down"
  base=$(cat "$state")
  for ns in "$base-c" $(for n in $servers; do echo "$base-s$n"; done); do
    # The processes in these namespaces are the servers this script started.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null || fail "cannot delete $ns"
  done
  rm -f "$state"
  echo "network down"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
  up) up ;;
  client) client "$@" ;;
  down) down ;;
  *) echo "usage: net.sh up|client OP...|down" >&2; exit 2 ;;
esac
