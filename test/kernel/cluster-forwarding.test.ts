// Issue 11: the three forwarding methods carry real traffic through the
// cluster in a box (cluster/net.sh), with every IPVS rule written by this
// project's ipvsadm in the director d1 and the real servers prepared as the
// LVS guides prepare them:
//   - VS/NAT (-m), TCP and UDP: real servers on 10.2.0.0/24 answer through
//     the director, which rewrites the answers;
//   - VS/DR (-g): the VIP on the real servers' lo, not answering ARP;
//   - VS/TUN (-i), with ipip, GUE and GRE: the VIP on the tunnel device,
//     reverse-path filtering off.
// The client asks the VIP; each real server answers with its name, so the
// split says which server each request reached.
import { requireLab } from './client-lab';
import { answeredBy, Cluster, clusterForFile, lanAddress, natAddress, SERVERS, VIP } from './cluster-lab';
import { prepareRealServers, undoRealServers, type RealServerMode } from './cluster-realservers';

requireLab();

const cluster = clusterForFile('fw', 180_000);
const SCENARIO_MS = 120_000;

afterEach(() => {
  cluster().ipvsadmOk(['-C']);
});

function serviceLines(c: Cluster, proto: '-t' | '-u', port: number, scheduler: string, servers: string[]): void {
  c.rules([`-A ${proto} ${VIP}:${port} -s ${scheduler}`, ...servers]);
}

test('VS/NAT over TCP: rr spreads 9 requests 3 to each real server, answers rewritten by the director', () => {
  const c = cluster();
  serviceLines(c, '-t', 80, 'rr', SERVERS.map((n) => `-a -t ${VIP}:80 -r ${natAddress(n)}:80 -m`));
  const [line] = c.client(`http ${VIP} 80 9`);
  expect(answeredBy(line)).toEqual({ s1: 3, s2: 3, s3: 3 });
  // The director saw every connection, each on its real server.
  const conns = c.ipvsadmOk(['-L', '-n', '-c']);
  for (const n of SERVERS) expect(conns).toContain(`${natAddress(n)}:80`);
}, SCENARIO_MS);

test('VS/NAT over UDP: rr spreads 9 datagrams from new sockets 3 to each', () => {
  const c = cluster();
  serviceLines(c, '-u', 53, 'rr', SERVERS.map((n) => `-a -u ${VIP}:53 -r ${natAddress(n)}:53 -m`));
  const [line] = c.client(`udp ${VIP} 53 9`);
  expect(answeredBy(line)).toEqual({ s1: 3, s2: 3, s3: 3 });
}, SCENARIO_MS);

const tunnelled: [RealServerMode, string, string][] = [
  ['dr', '-g', 'Route'],
  ['tun-ipip', '-i', 'Tunnel'],
  ['tun-gue', '-i --tun-type gue --tun-port 6080', 'Tunnel'],
  ['tun-gre', '-i --tun-type gre', 'Tunnel'],
];

test.each(tunnelled)('%s: wrr 1:2:3 sends 12 requests 2, 4 and 6, answered straight to the client', (mode, flags, forward) => {
  const c = cluster();
  prepareRealServers(c, mode);
  try {
    serviceLines(c, '-t', 80, 'wrr', SERVERS.map((n) => `-a -t ${VIP}:80 -r ${lanAddress(n)}:80 ${flags} -w ${n}`));
    const listing = c.ipvsadmOk(['-L', '-n']);
    for (const n of SERVERS) expect(listing).toMatch(new RegExp(`-> ${lanAddress(n)}:80 +${forward} +${n} `));
    const [line] = c.client(`http ${VIP} 80 12`);
    expect(answeredBy(line)).toEqual({ s1: 2, s2: 4, s3: 6 });
    if (mode === 'tun-gue') expect(c.ipvsadmOk(['-L', '-n', '--tun-info'])).toContain('gue:6080:-c');
  } finally {
    undoRealServers(c);
  }
}, SCENARIO_MS);
