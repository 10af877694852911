/**
 * Verbatim stdout of the real ipvsadm 1.31, from section 13 of the fact sheet
 * (extracted mechanically; trailing blanks are real). Keyed "<section> <command>".
 */
export const SAMPLES: Record<string, string> = {
  "13.2 ipvsadm": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  vip1.example.com:http rr
  -> 10.0.0.9:http                Masq    1      0          0         
  -> rs10.example.com:http        Route   1      0          0         
  -> rs11:http                    Masq    1      0          0         
  -> rs11:http-alt                Masq    2      0          0         
  -> 10.0.0.12:http               Tunnel  0      0          0         
TCP  10.0.0.2:0 wlc persistent 360
TCP  10.0.0.2:https wlc persistent 600 mask 255.255.255.0
TCP  localhost:telnet wlc
UDP  vip1.example.com:domain wrr persistent 360
  -> 10.0.0.20:domain             Masq    1      0          0         
UDP  10.0.0.4:sip wlc persistent 30 pe sip
UDP  10.0.0.4:sip-tls rr ops
SCTP 10.0.0.3:5000 wlc
  -> 10.0.0.31:5000               Masq    1      0          0         
TCP  [vip6.example.com]:http lc
  -> [rs6-10]:http-alt            Masq    1      0          0         
TCP  [2001:db8::2]:https wlc persistent 100 mask 64
FWM  1 sh (sh-fallback,sh-port)
  -> 10.0.0.30:0                  Masq    1      0          0         
FWM  2 IPv6 mh (mh-port)
FWM  3 rr (flag-1,flag-3)
`,
  "13.2 ipvsadm -Ln": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 10.0.0.9:80                  Masq    1      0          0         
  -> 10.0.0.10:80                 Route   1      0          0         
  -> 10.0.0.11:80                 Masq    1      0          0         
  -> 10.0.0.11:8080               Masq    2      0          0         
  -> 10.0.0.12:80                 Tunnel  0      0          0         
TCP  10.0.0.2:0 wlc persistent 360
TCP  10.0.0.2:443 wlc persistent 600 mask 255.255.255.0
TCP  127.0.0.1:23 wlc
UDP  10.0.0.1:53 wrr persistent 360
  -> 10.0.0.20:53                 Masq    1      0          0         
UDP  10.0.0.4:5060 wlc persistent 30 pe sip
UDP  10.0.0.4:5061 rr ops
SCTP 10.0.0.3:5000 wlc
  -> 10.0.0.31:5000               Masq    1      0          0         
TCP  [2001:db8::1]:80 lc
  -> [2001:db8::10]:8080          Masq    1      0          0         
TCP  [2001:db8::2]:443 wlc persistent 100 mask 64
FWM  1 sh (sh-fallback,sh-port)
  -> 10.0.0.30:0                  Masq    1      0          0         
FWM  2 IPv6 mh (mh-port)
FWM  3 rr (flag-1,flag-3)
`,
  "13.2 ipvsadm -L -n --nosort": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 10.0.0.11:80                 Masq    1      0          0         
  -> 10.0.0.9:80                  Masq    1      0          0         
  -> 10.0.0.12:80                 Tunnel  0      0          0         
  -> 10.0.0.10:80                 Route   1      0          0         
  -> 10.0.0.11:8080               Masq    2      0          0         
UDP  10.0.0.1:53 wrr persistent 360
  -> 10.0.0.20:53                 Masq    1      0          0         
TCP  10.0.0.2:0 wlc persistent 360
TCP  [2001:db8::2]:443 wlc persistent 100 mask 64
TCP  127.0.0.1:23 wlc
SCTP 10.0.0.3:5000 wlc
  -> 10.0.0.31:5000               Masq    1      0          0         
TCP  [2001:db8::1]:80 lc
  -> [2001:db8::10]:8080          Masq    1      0          0         
UDP  10.0.0.4:5060 wlc persistent 30 pe sip
UDP  10.0.0.4:5061 rr ops
TCP  10.0.0.2:443 wlc persistent 600 mask 255.255.255.0
FWM  1 sh (sh-fallback,sh-port)
  -> 10.0.0.30:0                  Masq    1      0          0         
FWM  2 IPv6 mh (mh-port)
FWM  3 rr (flag-1,flag-3)
`,
  "13.3 ipvsadm -L -n --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.0.0.1:80                         0        0        0        0        0
  -> 10.0.0.9:80                         0        0        0        0        0
  -> 10.0.0.10:80                        0        0        0        0        0
  -> 10.0.0.11:80                        0        0        0        0        0
  -> 10.0.0.11:8080                      0        0        0        0        0
  -> 10.0.0.12:80                        0        0        0        0        0
TCP  10.0.0.2:0                          0        0        0        0        0
TCP  10.0.0.2:443                        0        0        0        0        0
TCP  127.0.0.1:23                        0        0        0        0        0
UDP  10.0.0.1:53                         0        0        0        0        0
  -> 10.0.0.20:53                        0        0        0        0        0
UDP  10.0.0.4:5060                       0        0        0        0        0
UDP  10.0.0.4:5061                       0        0        0        0        0
SCTP 10.0.0.3:5000                       0        0        0        0        0
  -> 10.0.0.31:5000                      0        0        0        0        0
TCP  [2001:db8::1]:80                    0        0        0        0        0
  -> [2001:db8::10]:8080                 0        0        0        0        0
TCP  [2001:db8::2]:443                   0        0        0        0        0
FWM  1                                   0        0        0        0        0
  -> 10.0.0.30:0                         0        0        0        0        0
FWM  2 IPv6                              0        0        0        0        0
FWM  3                                   0        0        0        0        0
`,
  "13.3 ipvsadm -L -n --rate": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  10.0.0.1:80                         0        0        0        0        0
  -> 10.0.0.9:80                         0        0        0        0        0
  -> 10.0.0.10:80                        0        0        0        0        0
  -> 10.0.0.11:80                        0        0        0        0        0
  -> 10.0.0.11:8080                      0        0        0        0        0
  -> 10.0.0.12:80                        0        0        0        0        0
TCP  10.0.0.2:0                          0        0        0        0        0
TCP  10.0.0.2:443                        0        0        0        0        0
TCP  127.0.0.1:23                        0        0        0        0        0
UDP  10.0.0.1:53                         0        0        0        0        0
  -> 10.0.0.20:53                        0        0        0        0        0
UDP  10.0.0.4:5060                       0        0        0        0        0
UDP  10.0.0.4:5061                       0        0        0        0        0
SCTP 10.0.0.3:5000                       0        0        0        0        0
  -> 10.0.0.31:5000                      0        0        0        0        0
TCP  [2001:db8::1]:80                    0        0        0        0        0
  -> [2001:db8::10]:8080                 0        0        0        0        0
TCP  [2001:db8::2]:443                   0        0        0        0        0
FWM  1                                   0        0        0        0        0
  -> 10.0.0.30:0                         0        0        0        0        0
FWM  2 IPv6                              0        0        0        0        0
FWM  3                                   0        0        0        0        0
`,
  "13.3 ipvsadm -L -n --thresholds": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  10.0.0.1:80 rr
  -> 10.0.0.9:80                  100        50         0          0         
  -> 10.0.0.10:80                 0          0          0          0         
  -> 10.0.0.11:80                 0          0          0          0         
  -> 10.0.0.11:8080               0          0          0          0         
  -> 10.0.0.12:80                 0          0          0          0         
TCP  10.0.0.2:0 wlc persistent 360
TCP  10.0.0.2:443 wlc persistent 600 mask 255.255.255.0
TCP  127.0.0.1:23 wlc
UDP  10.0.0.1:53 wrr persistent 360
  -> 10.0.0.20:53                 0          0          0          0         
UDP  10.0.0.4:5060 wlc persistent 30 pe sip
UDP  10.0.0.4:5061 rr ops
SCTP 10.0.0.3:5000 wlc
  -> 10.0.0.31:5000               0          0          0          0         
TCP  [2001:db8::1]:80 lc
  -> [2001:db8::10]:8080          0          0          0          0         
TCP  [2001:db8::2]:443 wlc persistent 100 mask 64
FWM  1 sh (sh-fallback,sh-port)
  -> 10.0.0.30:0                  0          0          0          0         
FWM  2 IPv6 mh (mh-port)
FWM  3 rr (flag-1,flag-3)
`,
  "13.3 ipvsadm -L -n --persistent-conn": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  10.0.0.1:80 rr
  -> 10.0.0.9:80                  1         0           0          0         
  -> 10.0.0.10:80                 1         0           0          0         
  -> 10.0.0.11:80                 1         0           0          0         
  -> 10.0.0.11:8080               2         0           0          0         
  -> 10.0.0.12:80                 0         0           0          0         
TCP  10.0.0.2:0 wlc persistent 360
TCP  10.0.0.2:443 wlc persistent 600 mask 255.255.255.0
TCP  127.0.0.1:23 wlc
UDP  10.0.0.1:53 wrr persistent 360
  -> 10.0.0.20:53                 1         0           0          0         
UDP  10.0.0.4:5060 wlc persistent 30 pe sip
UDP  10.0.0.4:5061 rr ops
SCTP 10.0.0.3:5000 wlc
  -> 10.0.0.31:5000               1         0           0          0         
TCP  [2001:db8::1]:80 lc
  -> [2001:db8::10]:8080          1         0           0          0         
TCP  [2001:db8::2]:443 wlc persistent 100 mask 64
FWM  1 sh (sh-fallback,sh-port)
  -> 10.0.0.30:0                  1         0           0          0         
FWM  2 IPv6 mh (mh-port)
FWM  3 rr (flag-1,flag-3)
`,
  "13.3 ipvsadm -L -n --tun-info": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 10.0.0.9:80                  Masq    n/a           1      0          0         
  -> 10.0.0.10:80                 Route   n/a           1      0          0         
  -> 10.0.0.11:80                 Masq    n/a           1      0          0         
  -> 10.0.0.11:8080               Masq    n/a           2      0          0         
  -> 10.0.0.12:80                 Tunnel  ipip          0      0          0         
TCP  10.0.0.2:0 wlc persistent 360
TCP  10.0.0.2:443 wlc persistent 600 mask 255.255.255.0
TCP  127.0.0.1:23 wlc
UDP  10.0.0.1:53 wrr persistent 360
  -> 10.0.0.20:53                 Masq    n/a           1      0          0         
UDP  10.0.0.4:5060 wlc persistent 30 pe sip
UDP  10.0.0.4:5061 rr ops
SCTP 10.0.0.3:5000 wlc
  -> 10.0.0.31:5000               Masq    n/a           1      0          0         
TCP  [2001:db8::1]:80 lc
  -> [2001:db8::10]:8080          Masq    n/a           1      0          0         
TCP  [2001:db8::2]:443 wlc persistent 100 mask 64
FWM  1 sh (sh-fallback,sh-port)
  -> 10.0.0.30:0                  Masq    n/a           1      0          0         
FWM  2 IPv6 mh (mh-port)
FWM  3 rr (flag-1,flag-3)
`,
  "13.3 ipvsadm -L --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  vip1.example.com:http               0        0        0        0        0
  -> 10.0.0.9:http                       0        0        0        0        0
  -> rs10.example.com:http               0        0        0        0        0
  -> rs11:http                           0        0        0        0        0
  -> rs11:http-alt                       0        0        0        0        0
  -> 10.0.0.12:http                      0        0        0        0        0
TCP  10.0.0.2:0                          0        0        0        0        0
TCP  10.0.0.2:https                      0        0        0        0        0
TCP  localhost:telnet                    0        0        0        0        0
UDP  vip1.example.com:domain             0        0        0        0        0
  -> 10.0.0.20:domain                    0        0        0        0        0
UDP  10.0.0.4:sip                        0        0        0        0        0
UDP  10.0.0.4:sip-tls                    0        0        0        0        0
SCTP 10.0.0.3:5000                       0        0        0        0        0
  -> 10.0.0.31:5000                      0        0        0        0        0
TCP  [vip6.example.com]:http             0        0        0        0        0
  -> [rs6-10]:http-alt                   0        0        0        0        0
TCP  [2001:db8::2]:https                 0        0        0        0        0
FWM  1                                   0        0        0        0        0
  -> 10.0.0.30:0                         0        0        0        0        0
FWM  2 IPv6                              0        0        0        0        0
FWM  3                                   0        0        0        0        0
`,
  "13.4 ipvsadm -L -n -t 10.0.0.1:80": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 10.0.0.9:80                  Masq    1      0          0         
  -> 10.0.0.10:80                 Route   1      0          0         
  -> 10.0.0.11:80                 Masq    1      0          0         
  -> 10.0.0.11:8080               Masq    2      0          0         
  -> 10.0.0.12:80                 Tunnel  0      0          0         
`,
  "13.4 ipvsadm -L -t 10.0.0.1:80 --stats": `Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  vip1.example.com:http               0        0        0        0        0
  -> 10.0.0.9:http                       0        0        0        0        0
  -> rs10.example.com:http               0        0        0        0        0
  -> rs11:http                           0        0        0        0        0
  -> rs11:http-alt                       0        0        0        0        0
  -> 10.0.0.12:http                      0        0        0        0        0
`,
  "13.4 ipvsadm -L -n -f 2 -6": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  2 IPv6 mh (mh-port)
`,
  "13.4 ipvsadm -L -n -t [2001:db8::1]:80": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  [2001:db8::1]:80 lc
  -> [2001:db8::10]:8080          Masq    1      0          0         
`,
  "13.4 ipvsadm -L --timeout": `Timeout (tcp tcpfin udp): 900 120 300
`,
  "13.4 ipvsadm -L -c": `IPVS connection entries
pro expire state       source             virtual            destination
`,
  "13.4 ipvsadm -L -n -c --persistent-conn": `IPVS connection entries
pro expire state       source             virtual            destination        pe name          pe_data
`,
  "13.5 ipvsadm -S": `-A -t vip1.example.com:http -s rr
-a -t vip1.example.com:http -r 10.0.0.9:http -m -w 1
-a -t vip1.example.com:http -r rs10.example.com:http -g -w 1
-a -t vip1.example.com:http -r rs11:http -m -w 1
-a -t vip1.example.com:http -r rs11:http-alt -m -w 2
-a -t vip1.example.com:http -r 10.0.0.12:http -i -w 0 --tun-type ipip
-A -t 10.0.0.2:0 -s wlc -p 360
-A -t 10.0.0.2:https -s wlc -p 600 -M 255.255.255.0
-A -t localhost:telnet -s wlc
-A -u vip1.example.com:domain -s wrr -p 360
-a -u vip1.example.com:domain -r 10.0.0.20:domain -m -w 1
-A -u 10.0.0.4:sip -s wlc -p 30 --pe sip
-A -u 10.0.0.4:sip-tls -s rr -o
-A --sctp-service 10.0.0.3:5000 -s wlc
-a --sctp-service 10.0.0.3:5000 -r 10.0.0.31:5000 -m -w 1
-A -t [vip6.example.com]:http -s lc
-a -t [vip6.example.com]:http -r [rs6-10]:http-alt -m -w 1
-A -t [2001:db8::2]:https -s wlc -p 100 -M 64
-A -f 1 -s sh -b sh-fallback,sh-port
-a -f 1 -r 10.0.0.30:0 -m -w 1
-A -f 2 -6 -s mh -b mh-port
-A -f 3 -s rr -b flag-1,flag-3
`,
  "13.5 ipvsadm -S -n": `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.0.9:80 -m -w 1
-a -t 10.0.0.1:80 -r 10.0.0.10:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 1
-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 2
-a -t 10.0.0.1:80 -r 10.0.0.12:80 -i -w 0 --tun-type ipip
-A -t 10.0.0.2:0 -s wlc -p 360
-A -t 10.0.0.2:443 -s wlc -p 600 -M 255.255.255.0
-A -t 127.0.0.1:23 -s wlc
-A -u 10.0.0.1:53 -s wrr -p 360
-a -u 10.0.0.1:53 -r 10.0.0.20:53 -m -w 1
-A -u 10.0.0.4:5060 -s wlc -p 30 --pe sip
-A -u 10.0.0.4:5061 -s rr -o
-A --sctp-service 10.0.0.3:5000 -s wlc
-a --sctp-service 10.0.0.3:5000 -r 10.0.0.31:5000 -m -w 1
-A -t [2001:db8::1]:80 -s lc
-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m -w 1
-A -t [2001:db8::2]:443 -s wlc -p 100 -M 64
-A -f 1 -s sh -b sh-fallback,sh-port
-a -f 1 -r 10.0.0.30:0 -m -w 1
-A -f 2 -6 -s mh -b mh-port
-A -f 3 -s rr -b flag-1,flag-3
`,
  "13.6 ipvsadm -L -n --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.0.0.1:80                         3        3        0      180        0
  -> 10.0.0.11:8080                      1        1        0       60        0
  -> 10.0.0.12:80                        2        2        0      120        0
UDP  10.0.0.1:53                         0        0        0        0        0
  -> 10.0.0.20:53                        0        0        0        0        0
UDP  10.0.0.4:5060                       0        0        0        0        0
  -> 10.0.0.40:5060                      0        0        0        0        0
UDP  10.0.0.5:9999                       0        0        0        0        0
  -> 10.0.0.50:9999                      0        0        0        0        0
TCP  [2001:db8::1]:80                    2        2        0      160        0
  -> [2001:db8::10]:80                   2        2        0      160        0
`,
  "13.6 ipvsadm -L --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  vip1.example.com:http               3        3        0      180        0
  -> rs11:http-alt                       1        1        0       60        0
  -> 10.0.0.12:http                      2        2        0      120        0
UDP  vip1.example.com:domain             0        0        0        0        0
  -> 10.0.0.20:domain                    0        0        0        0        0
UDP  10.0.0.4:sip                        0        0        0        0        0
  -> 10.0.0.40:sip                       0        0        0        0        0
UDP  10.0.0.5:9999                       0        0        0        0        0
  -> 10.0.0.50:9999                      0        0        0        0        0
TCP  [vip6.example.com]:http             2        2        0      160        0
  -> [rs6-10]:http                       2        2        0      160        0
`,
  "13.6 ipvsadm -L -n": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 10.0.0.11:8080               Masq    1      1          0         
  -> 10.0.0.12:80                 Masq    1      2          0         
UDP  10.0.0.1:53 rr persistent 120
  -> 10.0.0.20:53                 Masq    1      0          2         
UDP  10.0.0.4:5060 wlc persistent 60 pe sip
  -> 10.0.0.40:5060               Masq    1      0          1         
UDP  10.0.0.5:9999 rr
  -> 10.0.0.50:9999               Masq    1      0          1         
TCP  [2001:db8::1]:80 rr
  -> [2001:db8::10]:80            Masq    1      2          0         
`,
  "13.6 ipvsadm -L -n --persistent-conn": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  10.0.0.1:80 rr
  -> 10.0.0.11:8080               1         0           1          0         
  -> 10.0.0.12:80                 1         0           2          0         
UDP  10.0.0.1:53 rr persistent 120
  -> 10.0.0.20:53                 1         1           0          2         
UDP  10.0.0.4:5060 wlc persistent 60 pe sip
  -> 10.0.0.40:5060               1         1           0          1         
UDP  10.0.0.5:9999 rr
  -> 10.0.0.50:9999               1         0           0          1         
TCP  [2001:db8::1]:80 rr
  -> [2001:db8::10]:80            1         0           2          0         
`,
  "13.6 cat /proc/net/ip_vs_conn": `Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
UDP 0A0000FE 83C3 0A000005 270F 0A000032 270F UDP             298
TCP 0A0000FE A0AC 0A000001 0050 0A00000C 0050 SYN_RECV         55
TCP 0A0000FE A0BE 0A000001 0050 0A00000C 0050 SYN_RECV         55
TCP 0A0000FE A0B0 0A000001 0050 0A00000B 1F90 SYN_RECV         55
UDP 0A0000FE 0000 0A000004 13C4 0A000028 13C4 NONE             57 sip abc123@host
UDP 0A0000FE EE14 0A000001 0035 0A000014 0035 UDP             297
UDP 0A0000FE 0000 0A000001 0035 0A000014 0035 NONE            117
UDP 0A0000FE 9CB5 0A000004 13C4 0A000028 13C4 UDP             297
TCP 2001:0db8:0000:0000:0000:0000:0000:00fe E2C2 2001:0db8:0000:0000:0000:0000:0000:0001 0050 2001:0db8:0000:0000:0000:0000:0000:0010 0050 SYN_RECV         56
TCP 2001:0db8:0000:0000:0000:0000:0000:00fe E2C0 2001:0db8:0000:0000:0000:0000:0000:0001 0050 2001:0db8:0000:0000:0000:0000:0000:0010 0050 SYN_RECV         56
UDP 0A0000FE DCB7 0A000001 0035 0A000014 0035 UDP             297
`,
  "13.6 ipvsadm -L -c -n": `IPVS connection entries
pro expire state       source             virtual            destination
UDP 04:58  UDP         10.0.0.254:33731   10.0.0.5:9999      10.0.0.50:9999
TCP 00:55  SYN_RECV    10.0.0.254:41132   10.0.0.1:80        10.0.0.12:80
TCP 00:55  SYN_RECV    10.0.0.254:41150   10.0.0.1:80        10.0.0.12:80
TCP 00:55  SYN_RECV    10.0.0.254:41136   10.0.0.1:80        10.0.0.11:8080
UDP 00:57  NONE        10.0.0.254:0       10.0.0.4:5060      10.0.0.40:5060
UDP 04:57  UDP         10.0.0.254:60948   10.0.0.1:53        10.0.0.20:53
UDP 01:57  NONE        10.0.0.254:0       10.0.0.1:53        10.0.0.20:53
UDP 04:57  UDP         10.0.0.254:40117   10.0.0.4:5060      10.0.0.40:5060
TCP 00:56  SYN_RECV    [2001:db8::fe]:58050 [2001:db8::1]:80   [2001:db8::10]:80
TCP 00:56  SYN_RECV    [2001:db8::fe]:58048 [2001:db8::1]:80   [2001:db8::10]:80
UDP 04:57  UDP         10.0.0.254:56503   10.0.0.1:53        10.0.0.20:53
`,
  "13.6 ipvsadm -L -c": `IPVS connection entries
pro expire state       source             virtual            destination
UDP 04:58  UDP         10.0.0.254:33731   10.0.0.5:9999      10.0.0.50:9999
TCP 00:55  SYN_RECV    10.0.0.254:41132   vip1.example.com:http 10.0.0.12:http
TCP 00:55  SYN_RECV    10.0.0.254:41150   vip1.example.com:http 10.0.0.12:http
TCP 00:55  SYN_RECV    10.0.0.254:41136   vip1.example.com:http rs11:http-alt
UDP 00:57  NONE        10.0.0.254:0       10.0.0.4:sip       10.0.0.40:sip
UDP 04:57  UDP         10.0.0.254:60948   vip1.example.com:domain 10.0.0.20:domain
UDP 01:57  NONE        10.0.0.254:0       vip1.example.com:domain 10.0.0.20:domain
UDP 04:57  UDP         10.0.0.254:40117   10.0.0.4:sip       10.0.0.40:sip
TCP 00:56  SYN_RECV    [2001:db8::fe]:58050 [vip6.example.com]:http [rs6-10]:http
TCP 00:56  SYN_RECV    [2001:db8::fe]:58048 [vip6.example.com]:http [rs6-10]:http
UDP 04:57  UDP         10.0.0.254:56503   vip1.example.com:domain 10.0.0.20:domain
`,
  "13.6 ipvsadm -L -c -n --persistent-conn": `IPVS connection entries
pro expire state       source             virtual            destination        pe name          pe_data
UDP 04:57  UDP         10.0.0.254:33731   10.0.0.5:9999      10.0.0.50:9999
TCP 00:55  SYN_RECV    10.0.0.254:41132   10.0.0.1:80        10.0.0.12:80
TCP 00:55  SYN_RECV    10.0.0.254:41150   10.0.0.1:80        10.0.0.12:80
TCP 00:55  SYN_RECV    10.0.0.254:41136   10.0.0.1:80        10.0.0.11:8080
UDP 00:57  NONE        10.0.0.254:0       10.0.0.4:5060      10.0.0.40:5060   sip                abc123@host
UDP 04:56  UDP         10.0.0.254:60948   10.0.0.1:53        10.0.0.20:53
UDP 01:56  NONE        10.0.0.254:0       10.0.0.1:53        10.0.0.20:53
UDP 04:57  UDP         10.0.0.254:40117   10.0.0.4:5060      10.0.0.40:5060
TCP 00:55  SYN_RECV    [2001:db8::fe]:58050 [2001:db8::1]:80   [2001:db8::10]:80
TCP 00:55  SYN_RECV    [2001:db8::fe]:58048 [2001:db8::1]:80   [2001:db8::10]:80
UDP 04:56  UDP         10.0.0.254:56503   10.0.0.1:53        10.0.0.20:53
`,
  "13.6 ipvsadm -L -n --rate": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  10.0.0.1:80                         0        0        0        9        0
  -> 10.0.0.11:8080                      0        0        0        3        0
  -> 10.0.0.12:80                        0        0        0        6        0
UDP  10.0.0.1:53                         0        0        0        5        0
  -> 10.0.0.20:53                        0        0        0        5        0
UDP  10.0.0.4:5060                       0        0        0       15        0
  -> 10.0.0.40:5060                      0        0        0       15        0
UDP  10.0.0.5:9999                       0      211        0   301219        0
  -> 10.0.0.50:9999                      0      211        0   301219        0
TCP  [2001:db8::1]:80                    0        0        0        8        0
  -> [2001:db8::10]:80                   0        0        0        8        0
`,
  "13.6 ipvsadm -L -n --stats #2": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.0.0.1:80                         0        0        0        0        0
  -> 10.0.0.11:8080                      0        0        0        0        0
  -> 10.0.0.12:80                        0        0        0        0        0
UDP  10.0.0.1:53                         0        0        0        0        0
  -> 10.0.0.20:53                        0        0        0        0        0
UDP  10.0.0.4:5060                       0        0        0        0        0
  -> 10.0.0.40:5060                      0        0        0        0        0
UDP  10.0.0.5:9999                       0        0        0        0        0
  -> 10.0.0.50:9999                      0        0        0        0        0
TCP  [2001:db8::1]:80                    0        0        0        0        0
  -> [2001:db8::10]:80                   0        0        0        0        0
`,
  "13.7 ipvsadm -L -n --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
UDP  10.0.0.5:9999                       1    17000        0    1105M        0
  -> 10.0.0.50:9999                      1    17000        0    1105M        0
UDP  10.0.0.6:9999                       1     1600        0  104044K        0
  -> 10.0.0.60:9999                      1     1600        0  104044K        0
`,
  "13.7 ipvsadm -L -n --stats --exact": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
UDP  10.0.0.5:9999                       1    17000        0 1105476000        0
  -> 10.0.0.50:9999                      1    17000        0 1105476000        0
UDP  10.0.0.6:9999                       1     1600        0 104044800        0
  -> 10.0.0.60:9999                      1     1600        0 104044800        0
`,
  "13.7 ipvsadm -L -n --rate": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
UDP  10.0.0.5:9999                       0     1594        0  103638K        0
  -> 10.0.0.50:9999                      0     1594        0  103638K        0
UDP  10.0.0.6:9999                       0      112        0  7315650        0
  -> 10.0.0.60:9999                      0      112        0  7315650        0
`,
  "13.7 ipvsadm -L -n --rate --exact": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
UDP  10.0.0.5:9999                       0     1594        0 103638375        0
  -> 10.0.0.50:9999                      0     1594        0 103638375        0
UDP  10.0.0.6:9999                       0      112        0  7315650        0
  -> 10.0.0.60:9999                      0      112        0  7315650        0
`,
  "13.8 ipvsadm -L -c -n": `IPVS connection entries
pro expire state       source             virtual            destination
TCP 00:58  SYN_RECV    10.0.0.254:39014   192.168.5.6:443    10.0.0.31:8080
UDP 04:57  UDP         10.0.0.254:56590   192.168.5.5:5353   10.0.0.30:5353
IP  09:57  NONE        10.0.0.254:0       0.0.0.1:0          10.0.0.30:0
TCP 00:58  SYN_RECV    [2001:db8::fe]:48452 [2001:db8::99]:80  [2001:db8:1234:5678:9abc:def0:1234:5678]:65535
UDP 04:57  UDP         10.0.0.254:44225   192.168.5.5:5353   10.0.0.30:5353
`,
  "13.8 ipvsadm -L -c": `IPVS connection entries
pro expire state       source             virtual            destination
TCP 00:58  SYN_RECV    10.0.0.254:39014   192.168.5.6:https  10.0.0.31:http-alt
UDP 04:57  UDP         10.0.0.254:56590   192.168.5.5:mdns   10.0.0.30:mdns
IP  09:57  NONE        10.0.0.254:0       0.0.0.1:0          10.0.0.30:0
TCP 00:58  SYN_RECV    [2001:db8::fe]:48452 [2001:db8::99]:http [2001:db8:1234:5678:9abc:def0:1234:5678]:65535
UDP 04:57  UDP         10.0.0.254:44225   192.168.5.5:mdns   10.0.0.30:mdns
`,
  "13.8 ipvsadm -L -n": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  [2001:db8:1234:5678:9abc:def0:1234:ffff]:65535 rr
  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:65535 Masq    1      0          0         
FWM  1 rr persistent 600
  -> 10.0.0.30:0                  Masq    1      0          2         
FWM  2 rr
  -> 10.0.0.31:8080               Masq    1      1          0         
FWM  3 IPv6 rr
  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:65535 Masq    1      1          0         
`,
  "13.8 ipvsadm -L -n --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  [2001:db8:1234:5678:9abc:def0:1234:ffff]:65535        0        0        0        0        0
  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:65535        0        0        0        0        0
FWM  1                                   2        2        0       66        0
  -> 10.0.0.30:0                         2        2        0       66        0
FWM  2                                   1        1        0       60        0
  -> 10.0.0.31:8080                      1        1        0       60        0
FWM  3 IPv6                              0        0        0        0        0
  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:65535        0        0        0        0        0
`,
  "13.8 ipvsadm -L -n --persistent-conn": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  [2001:db8:1234:5678:9abc:def0:1234:ffff]:65535 rr
  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:65535 1         0           0          0         
FWM  1 rr persistent 600
  -> 10.0.0.30:0                  1         1           0          2         
FWM  2 rr
  -> 10.0.0.31:8080               1         0           1          0         
FWM  3 IPv6 rr
  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:65535 1         0           1          0         
`,
  "13.9 ipvsadm -L -n --tun-info": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr
  -> 10.0.0.11:80                 Tunnel  gue:6080:-c   1      0          0         
  -> 10.0.0.12:80                 Tunnel  gue:6080:+c   1      0          0         
  -> 10.0.0.13:80                 Tunnel  gue:6080:r+c  1      0          0         
  -> 10.0.0.14:80                 Tunnel  gue:6078:-c   1      0          0         
  -> 10.0.0.15:80                 Tunnel  gre:+c        1      0          0         
  -> 10.0.0.16:80                 Tunnel  gre:-c        1      0          0         
  -> 10.0.0.17:80                 Tunnel  ipip          1      0          0         
  -> 10.0.0.18:80                 Tunnel  ipip          1      0          0         
  -> 10.0.0.19:80                 Tunnel  gue:65535:-c  1      0          0         
  -> [2001:db8::30]:80            Tunnel  ipip          1      0          0         
`,
  "13.9 ipvsadm -L --tun-info": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  vip1.example.com:http rr
  -> rs11:http                    Tunnel  gue:6080:-c   1      0          0         
  -> 10.0.0.12:http               Tunnel  gue:6080:+c   1      0          0         
  -> 10.0.0.13:http               Tunnel  gue:6080:r+c  1      0          0         
  -> 10.0.0.14:http               Tunnel  gue:6078:-c   1      0          0         
  -> 10.0.0.15:http               Tunnel  gre:+c        1      0          0         
  -> 10.0.0.16:http               Tunnel  gre:-c        1      0          0         
  -> 10.0.0.17:http               Tunnel  ipip          1      0          0         
  -> 10.0.0.18:http               Tunnel  ipip          1      0          0         
  -> 10.0.0.19:http               Tunnel  gue:65535:-c  1      0          0         
  -> [2001:db8::30]:http          Tunnel  ipip          1      0          0         
`,
  "13.9 ipvsadm -S -n": `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.0.11:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum
-a -t 10.0.0.1:80 -r 10.0.0.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
-a -t 10.0.0.1:80 -r 10.0.0.13:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum
-a -t 10.0.0.1:80 -r 10.0.0.14:80 -i -w 1 --tun-type gue --tun-port 6078 --tun-nocsum
-a -t 10.0.0.1:80 -r 10.0.0.15:80 -i -w 1 --tun-type gre --tun-csum
-a -t 10.0.0.1:80 -r 10.0.0.16:80 -i -w 1 --tun-type gre --tun-nocsum
-a -t 10.0.0.1:80 -r 10.0.0.17:80 -i -w 1 --tun-type ipip
-a -t 10.0.0.1:80 -r 10.0.0.18:80 -i -w 1 --tun-type ipip
-a -t 10.0.0.1:80 -r 10.0.0.19:80 -i -w 1 --tun-type gue --tun-port 65535 --tun-nocsum
-a -t 10.0.0.1:80 -r [2001:db8::30]:80 -i -w 1 --tun-type ipip
`,
  "13.9 ipvsadm -L -n --tun-info -t [2001:db8::1]:80": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  [2001:db8::1]:80 wlc
  -> 10.0.0.40:80                 Tunnel  ipip          1      0          0         
  -> [2001:db8::41]:80            Tunnel  gue:6080:-c   1      0          0         
`,
  "13.10 ipvsadm -L -n": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 rr persistent 100 mask 255.255.255.0
  -> 10.0.0.11:80                 Route   5      0          0         
  -> 10.0.0.12:0                  Masq    1      0          0         
  -> 10.0.0.13:8080               Masq    1      0          0         
  -> 10.0.0.14:80                 Tunnel  1      0          0         
  -> 10.0.0.254:80                Masq    1      0          0         
  -> 127.0.0.1:80                 Route   1      0          0         
`,
  "13.10 ipvsadm -L -n #2": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 wlc
  -> 10.0.0.11:80                 Route   5      0          0         
  -> 10.0.0.12:0                  Masq    1      0          0         
  -> 10.0.0.13:8080               Masq    1      0          0         
  -> 10.0.0.14:80                 Tunnel  1      0          0         
  -> 10.0.0.254:80                Masq    1      0          0         
  -> 127.0.0.1:80                 Route   1      0          0         
`,
  "13.10 ipvsadm -L -n -t 10.0.0.1:80": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:80 sh (sh-fallback) persistent 360
  -> 10.0.0.11:80                 Route   5      0          0         
  -> 10.0.0.12:0                  Masq    1      0          0         
  -> 10.0.0.13:8080               Masq    1      0          0         
  -> 10.0.0.14:80                 Tunnel  1      0          0         
  -> 10.0.0.254:80                Masq    1      0          0         
  -> 127.0.0.1:80                 Route   1      0          0         
`,
  "13.10 ipvsadm -L -n -f 5": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  5 wlc
  -> 10.0.0.21:0                  Route   1      0          0         
  -> 10.0.0.22:8080               Route   1      0          0         
  -> 10.0.0.23:8081               Masq    1      0          0         
`,
  "13.10 ipvsadm -L": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  vip1.example.com:http wrr persistent 50 pe sip
  -> rs11:http                    Route   8      0          0         
  -> 10.0.0.12:0                  Masq    1      0          0         
  -> 10.0.0.13:http-alt           Masq    1      0          0         
  -> 10.0.0.14:http               Tunnel  1      0          0         
  -> 10.0.0.254:http              Masq    1      0          0         
  -> localhost:http               Route   1      0          0         
TCP  vip1.example.com:65535 wlc
TCP  a-very-long-hostname-for-tes wlc
  -> a-very-long-hostname-for-tes Route   1      0          0         
  -> medium-length-name.example:h Route   1      0          0         
TCP  10.0.0.99:http wlc
TCP  10.0.0.100:81 wlc
TCP  localhost:tproxy wlc
UDP  vip1.example.com:tftp wlc
UDP  a-very-long-hostname-for-tes wlc
SCTP vip1.example.com:amqp wlc
SCTP vip1.example.com:5673 wlc
TCP  [::ffff:10.0.0.9]:http wlc
TCP  [a-very-long-ipv6-hostname-for-testing-truncation.example.c wlc
  -> [a-very-long-ipv6-hostname-for-testing-truncation.example.c Masq    1      0          0         
TCP  [2001:db8::99:80]:0 wlc persistent 360
FWM  5 wlc
  -> 10.0.0.21:0                  Route   1      0          0         
  -> 10.0.0.22:8080               Route   1      0          0         
  -> 10.0.0.23:8081               Masq    1      0          0         
`,
  "13.10 ipvsadm -L --stats": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  vip1.example.com:http               0        0        0        0        0
  -> rs11:http                           0        0        0        0        0
  -> 10.0.0.12:0                         0        0        0        0        0
  -> 10.0.0.13:http-alt                  0        0        0        0        0
  -> 10.0.0.14:http                      0        0        0        0        0
  -> 10.0.0.254:http                     0        0        0        0        0
  -> localhost:http                      0        0        0        0        0
TCP  vip1.example.com:65535              0        0        0        0        0
TCP  a-very-long-hostname-for-tes        0        0        0        0        0
  -> a-very-long-hostname-for-tes        0        0        0        0        0
  -> medium-length-name.example:h        0        0        0        0        0
TCP  10.0.0.99:http                      0        0        0        0        0
TCP  10.0.0.100:81                       0        0        0        0        0
TCP  localhost:tproxy                    0        0        0        0        0
UDP  vip1.example.com:tftp               0        0        0        0        0
UDP  a-very-long-hostname-for-tes        0        0        0        0        0
SCTP vip1.example.com:amqp               0        0        0        0        0
SCTP vip1.example.com:5673               0        0        0        0        0
TCP  [::ffff:10.0.0.9]:http              0        0        0        0        0
TCP  [a-very-long-ipv6-hostname-for-testing-truncation.example.c        0        0        0        0        0
  -> [a-very-long-ipv6-hostname-for-testing-truncation.example.c        0        0        0        0        0
TCP  [2001:db8::99:80]:0                 0        0        0        0        0
FWM  5                                   0        0        0        0        0
  -> 10.0.0.21:0                         0        0        0        0        0
  -> 10.0.0.22:8080                      0        0        0        0        0
  -> 10.0.0.23:8081                      0        0        0        0        0
`,
  "13.10 ipvsadm -S": `-A -t vip1.example.com:http -s wrr -p 50 --pe sip
-a -t vip1.example.com:http -r rs11:http -g -w 8
-a -t vip1.example.com:http -r 10.0.0.12:0 -m -w 1
-a -t vip1.example.com:http -r 10.0.0.13:http-alt -m -w 1
-a -t vip1.example.com:http -r 10.0.0.14:http -i -w 1 --tun-type ipip
-a -t vip1.example.com:http -r 10.0.0.254:http -m -w 1
-a -t vip1.example.com:http -r localhost:http -g -w 1
-A -t vip1.example.com:65535 -s wlc
-A -t a-very-long-hostname-for-testing-truncation.example.com:htt -s wlc
-a -t a-very-long-hostname-for-testing-truncation.example.com:htt -r a-very-long-hostname-for-testing-truncation.example.com:htt -g -w 1
-a -t a-very-long-hostname-for-testing-truncation.example.com:htt -r medium-length-name.example:http -g -w 1
-A -t 10.0.0.99:http -s wlc
-A -t 10.0.0.100:81 -s wlc
-A -t localhost:tproxy -s wlc
-A -u vip1.example.com:tftp -s wlc
-A -u a-very-long-hostname-for-testing-truncation.example.com:dom -s wlc
-A --sctp-service vip1.example.com:amqp -s wlc
-A --sctp-service vip1.example.com:5673 -s wlc
-A -t [::ffff:10.0.0.9]:http -s wlc
-A -t [a-very-long-ipv6-hostname-for-testing-truncation.example.c -s wlc
-a -t [a-very-long-ipv6-hostname-for-testing-truncation.example.c -r [a-very-long-ipv6-hostname-for-testing-truncation.example.c -m -w 1
-A -t [2001:db8::99:80]:0 -s wlc -p 360
-A -f 5 -s wlc
-a -f 5 -r 10.0.0.21:0 -g -w 1
-a -f 5 -r 10.0.0.22:8080 -g -w 1
-a -f 5 -r 10.0.0.23:8081 -m -w 1
`,
  "13.11 ipvsadm -L -n --thresholds": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  10.0.0.1:80 wlc
  -> 10.0.0.11:80                 0          0          0          0         
  -> 10.0.0.12:80                 0          0          0          0         
  -> 10.0.0.13:80                 0          0          0          0         
  -> 10.0.0.15:80                 0          0          0          0         
  -> 10.0.0.17:80                 2147483647 0          0          0         
`,
  "13.11 ipvsadm -L -n": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  -1 wlc
TCP  10.0.0.1:80 wlc
  -> 10.0.0.11:80                 Route   65535  0          0         
  -> 10.0.0.12:80                 Route   65536  0          0         
  -> 10.0.0.13:80                 Route   2147483647 0          0         
  -> 10.0.0.15:80                 Route   10     0          0         
  -> 10.0.0.17:80                 Route   1      0          0         
TCP  10.0.0.2:80 wlc persistent 2678400
TCP  10.0.0.2:82 wlc persistent 600
TCP  10.0.0.2:83 wlc persistent 700
TCP  10.0.0.2:84 wlc persistent 800
TCP  10.0.0.2:85 rr persistent 360
TCP  10.0.0.2:86 wlc
TCP  10.0.0.2:87 wlc persistent 360 mask 0.0.0.24
TCP  10.0.0.2:89 wlc persistent 360 mask 127.0.0.1
TCP  10.0.0.2:90 wlc persistent 360 mask 0.0.0.0
TCP  10.0.0.4:80 sh (sh-port)
TCP  10.0.0.4:81 mh (mh-fallback,mh-port)
TCP  10.0.0.4:82 sh (sh-port)
TCP  10.0.0.4:85 wlc
TCP  10.0.0.4:86 wlc (flag-1,flag-2)
TCP  10.0.0.4:87 wlc (flag-1,flag-2,flag-3)
TCP  10.0.0.4:88 sh ()
TCP  10.0.0.4:89 rr (flag-2) persistent 360
TCP  [2001:db8::5]:80 wlc persistent 360
TCP  [2001:db8::5]:83 wlc persistent 360 mask 64
TCP  [2001:db8::5]:85 wlc persistent 360
FWM  10 wlc
FWM  12 IPv6 wlc persistent 360 mask 64
FWM  13 wlc persistent 360 mask 255.255.255.0
FWM  14 IPv6 wlc persistent 360
FWM  -2147483648 wlc
`,
  "13.11 ipvsadm -S -n": `-A -f -1 -s wlc
-A -t 10.0.0.1:80 -s wlc
-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g -w 65535
-a -t 10.0.0.1:80 -r 10.0.0.12:80 -g -w 65536
-a -t 10.0.0.1:80 -r 10.0.0.13:80 -g -w 2147483647
-a -t 10.0.0.1:80 -r 10.0.0.15:80 -g -w 10
-a -t 10.0.0.1:80 -r 10.0.0.17:80 -g -w 1
-A -t 10.0.0.2:80 -s wlc -p 2678400
-A -t 10.0.0.2:82 -s wlc -p 600
-A -t 10.0.0.2:83 -s wlc -p 700
-A -t 10.0.0.2:84 -s wlc -p 800
-A -t 10.0.0.2:85 -s rr -p 360
-A -t 10.0.0.2:86 -s wlc
-A -t 10.0.0.2:87 -s wlc -p 360 -M 0.0.0.24
-A -t 10.0.0.2:89 -s wlc -p 360 -M 127.0.0.1
-A -t 10.0.0.2:90 -s wlc -p 360 -M 0.0.0.0
-A -t [2001:db8::5]:80 -s wlc -p 360
-A -t [2001:db8::5]:83 -s wlc -p 360 -M 64
-A -t [2001:db8::5]:85 -s wlc -p 360
-A -f 10 -s wlc
-A -f 12 -6 -s wlc -p 360 -M 64
-A -f 13 -s wlc -p 360 -M 255.255.255.0
-A -f 14 -6 -s wlc -p 360
-A -f -2147483648 -s wlc
`,
  "13.11 ipvsadm -L -n -f 20": `Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  20 wlc ops
`,
  "13.12 ipvsadm -L -n": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  -1 wlc
TCP  1.2.3.4:80 wlc
TCP  100.0.0.1:80 wlc
TCP  127.255.255.255:80 wlc
TCP  128.0.0.1:80 wlc
TCP  192.168.1.1:80 wlc
TCP  200.0.0.1:80 wlc
  -> 10.0.0.5:1                   Masq    1      0          0         
  -> 10.0.0.5:80                  Masq    1      0          0         
  -> 10.0.0.5:443                 Masq    1      0          0         
  -> 10.0.0.5:8080                Masq    1      0          0         
  -> 10.0.0.5:65535               Masq    1      0          0         
TCP  10.0.0.1:80 wlc
  -> 100.0.0.1:80                 Masq    1      0          0         
  -> 128.0.0.1:80                 Masq    1      0          0         
  -> 192.168.1.1:80               Masq    1      0          0         
  -> 200.0.0.1:80                 Masq    1      0          0         
  -> 1.2.3.4:80                   Masq    1      0          0         
  -> 10.0.0.1:80                  Masq    1      0          0         
UDP  10.0.0.1:80 wlc
SCTP 10.0.0.1:80 wlc
TCP  [2001:db8::1]:80 wlc
TCP  [7fff::1]:80 wlc
TCP  [8000::1]:80 wlc
TCP  [fe80::1]:80 wlc
TCP  [ffff::1]:80 wlc
TCP  [::1]:80 wlc
FWM  1 wlc
FWM  2 IPv6 wlc
FWM  3 wlc
FWM  2147483647 wlc
FWM  -2147483648 wlc
`,
  "13.12 ipvsadm -L -n --nosort": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
UDP  10.0.0.1:80 wlc
TCP  1.2.3.4:80 wlc
TCP  [7fff::1]:80 wlc
TCP  [8000::1]:80 wlc
TCP  [ffff::1]:80 wlc
TCP  [::1]:80 wlc
TCP  [fe80::1]:80 wlc
TCP  128.0.0.1:80 wlc
TCP  192.168.1.1:80 wlc
TCP  100.0.0.1:80 wlc
TCP  200.0.0.1:80 wlc
  -> 10.0.0.5:443                 Masq    1      0          0         
  -> 10.0.0.5:65535               Masq    1      0          0         
  -> 10.0.0.5:1                   Masq    1      0          0         
  -> 10.0.0.5:8080                Masq    1      0          0         
  -> 10.0.0.5:80                  Masq    1      0          0         
TCP  10.0.0.1:80 wlc
  -> 128.0.0.1:80                 Masq    1      0          0         
  -> 1.2.3.4:80                   Masq    1      0          0         
  -> 192.168.1.1:80               Masq    1      0          0         
  -> 100.0.0.1:80                 Masq    1      0          0         
  -> 200.0.0.1:80                 Masq    1      0          0         
  -> 10.0.0.1:80                  Masq    1      0          0         
SCTP 10.0.0.1:80 wlc
TCP  [2001:db8::1]:80 wlc
TCP  127.255.255.255:80 wlc
FWM  -2147483648 wlc
FWM  1 wlc
FWM  2 IPv6 wlc
FWM  3 wlc
FWM  -1 wlc
FWM  2147483647 wlc
`,
  "13.12 ipvsadm -S -n": `-A -f -1 -s wlc
-A -t 1.2.3.4:80 -s wlc
-A -t 100.0.0.1:80 -s wlc
-A -t 127.255.255.255:80 -s wlc
-A -t 128.0.0.1:80 -s wlc
-A -t 192.168.1.1:80 -s wlc
-A -t 200.0.0.1:80 -s wlc
-a -t 200.0.0.1:80 -r 10.0.0.5:1 -m -w 1
-a -t 200.0.0.1:80 -r 10.0.0.5:80 -m -w 1
-a -t 200.0.0.1:80 -r 10.0.0.5:443 -m -w 1
-a -t 200.0.0.1:80 -r 10.0.0.5:8080 -m -w 1
-a -t 200.0.0.1:80 -r 10.0.0.5:65535 -m -w 1
-A -t 10.0.0.1:80 -s wlc
-a -t 10.0.0.1:80 -r 100.0.0.1:80 -m -w 1
-a -t 10.0.0.1:80 -r 128.0.0.1:80 -m -w 1
-a -t 10.0.0.1:80 -r 192.168.1.1:80 -m -w 1
-a -t 10.0.0.1:80 -r 200.0.0.1:80 -m -w 1
-a -t 10.0.0.1:80 -r 1.2.3.4:80 -m -w 1
-a -t 10.0.0.1:80 -r 10.0.0.1:80 -m -w 1
-A -u 10.0.0.1:80 -s wlc
-A --sctp-service 10.0.0.1:80 -s wlc
-A -t [2001:db8::1]:80 -s wlc
-A -t [7fff::1]:80 -s wlc
-A -t [8000::1]:80 -s wlc
-A -t [fe80::1]:80 -s wlc
-A -t [ffff::1]:80 -s wlc
-A -t [::1]:80 -s wlc
-A -f 1 -s wlc
-A -f 2 -6 -s wlc
-A -f 3 -s wlc
-A -f 2147483647 -s wlc
-A -f -2147483648 -s wlc
`,
  "13.15 ipvsadm -L --timeout": `Timeout (tcp tcpfin udp): 100 20 30
`,
  "13.15 ipvsadm -L --daemon": `backup sync daemon (mcast=d0, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)
`,
  "13.15 ipvsadm -L --daemon #2": `master sync daemon (mcast=d0, syncid=7, maxlen=1000, group=239.1.2.3, port=9000, ttl=5)
backup sync daemon (mcast=lo, syncid=0, maxlen=65487, group=ff02::1234, port=8848, ttl=1)
`,
  "13.15 ipvsadm -L --daemon #3": `master sync daemon (mcast=lo, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)
`,
  "13.18 ipvsadm -L -n": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
?    10.9.0.1:7 rr
TCP  10.9.0.1:80 rr
  -> 10.9.0.20:80                 Local   1      0          0         
  -> 10.9.0.21:80                 (null)  1      0          0         
  -> 10.9.0.22:80                 (null)  1      0          0         
  -> 10.9.0.23:80                 (null)  1      0          0         
  -> 10.9.0.24:80                 (null)  1      0          0         
  -> 10.9.0.30:80                 Tunnel  1      0          0         
  -> 10.9.0.31:80                 Tunnel  1      0          0         
  -> 10.9.0.32:80                 Tunnel  1      0          0         
  -> 10.9.0.33:80                 Tunnel  1      0          0         
TCP  10.9.0.1:81 sh (sh-fallback,sh-port)
TCP  10.9.0.1:82 rr
TCP  10.9.0.1:83 rr persistent 0
TCP  10.9.0.1:84 rr persistent 10 mask 0.0.0.0
UDP  10.9.0.1:5060 rr persistent 10 pe sip ops
UDP  10.9.0.1:5061 rr
`,
  "13.18 ipvsadm -L -n --tun-info": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
?    10.9.0.1:7 rr
TCP  10.9.0.1:80 rr
  -> 10.9.0.20:80                 Local   n/a           1      0          0         
  -> 10.9.0.21:80                 (null)  n/a           1      0          0         
  -> 10.9.0.22:80                 (null)  n/a           1      0          0         
  -> 10.9.0.23:80                 (null)  n/a           1      0          0         
  -> 10.9.0.24:80                 (null)  n/a           1      0          0         
  -> 10.9.0.30:80                 Tunnel  n/a           1      0          0         
  -> 10.9.0.31:80                 Tunnel  gre:r+c       1      0          0         
  -> 10.9.0.32:80                 Tunnel  gue:6080:(null) 1      0          0         
  -> 10.9.0.33:80                 Tunnel  ipip          1      0          0         
TCP  10.9.0.1:81 sh (sh-fallback,sh-port)
TCP  10.9.0.1:82 rr
TCP  10.9.0.1:83 rr persistent 0
TCP  10.9.0.1:84 rr persistent 10 mask 0.0.0.0
UDP  10.9.0.1:5060 rr persistent 10 pe sip ops
UDP  10.9.0.1:5061 rr
`,
};

export function sample(key: string): string {
  const text = SAMPLES[key];
  if (text === undefined) throw new Error(`no sample ${key}`);
  return text;
}
