// The connections that hold a server being removed by apply: read fast from
// /proc/net/ip_vs_conn, agreeing with the listing's exact parser.
import { parseConnections } from '../../src/commands/connections';
import { liveConnections, stillBusy } from '../../src/commands/apply/graceful';
import { sample } from '../render/samples';
import type { Destination, Service } from '../../src/ipvs/types';

const PROC = sample('13.6 cat /proc/net/ip_vs_conn');
const EXTRA = [
  'TCP 0A0000FE A0B2 0A000001 0050 0A00000C 0050 TIME_WAIT        55',
  'TCP 0A0000FE A0B4 0A000001 0050 0A00000C 0050 CLOSE            5',
  'TCP 0A0000FE A0B6 0A000001 0050 0A00000D 0050 ESTABLISHED     900',
  'SCTP 0A0000FE 1388 0A000006 1388 0A000042 1388 ESTABLISHED     900',
  'SCTP 0A0000FE 1389 0A000006 1388 0A000042 1388 CLOSED           9',
  'IP  0A0000FE 0000 0A000004 0000 0A000028 0000 NONE             57',
  '',
].join('\n');

describe('liveConnections', () => {
  test('the TCP and SCTP connections not in a closed state, as the exact parser reads them', () => {
    const text = PROC + EXTRA;
    const exact = parseConnections(text).entries
      .filter((e) => (e.protocol === 'TCP' && !['TIME_WAIT', 'CLOSE'].includes(e.state)) || (e.protocol === 'SCTP' && !['CLOSED', 'REJECTED'].includes(e.state)))
      .map((e) => ({ virtual: e.virtual, virtualPort: e.virtualPort, destination: e.destination, destinationPort: e.destinationPort }));
    expect(exact.length).toBe(7);
    expect(liveConnections(text)).toEqual(exact);
    // IPv6 in the kernel's full form comes out as the replies write it.
    expect(liveConnections(text).filter((c) => c.destination.includes(':')).map((c) => c.destination)).toEqual(['2001:db8::10', '2001:db8::10']);
  });

  test('a large table is read in well under a second', () => {
    const line = 'TCP 0A0000FE A0B2 0A000001 0050 0A00000C 0050 TIME_WAIT        55\n';
    const text = PROC.split('\n')[0] + '\n' + line.repeat(200_000) + EXTRA;
    const started = process.hrtime.bigint();
    expect(liveConnections(text)).toHaveLength(2);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });
});

describe('stillBusy', () => {
  const service = (address: string, port: number, fwmark = 0): Service =>
    ({ family: 2, protocol: fwmark ? 0 : 6, address: fwmark ? '' : address, port: fwmark ? 0 : port, fwmark, scheduler: 'rr', peName: '', flags: 0, timeout: 0, netmask: 0 });
  const server = (address: string, port: number): Destination =>
    ({ family: 2, address, port, fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 });

  test('a server is busy while a connection of its own service is in flight to it', () => {
    const live = liveConnections(PROC + EXTRA);
    const r = (s: Service, d: Destination) => ({ service: s, server: d });
    const busy = [r(service('10.0.0.1', 80), server('10.0.0.13', 80)), r(service('10.0.0.1', 80), server('10.0.0.12', 80))];
    const idle = [
      r(service('10.0.0.2', 80), server('10.0.0.13', 80)), // the same server under another service
      r(service('10.0.0.1', 80), server('10.0.0.14', 80)), // no connection at all
      r(service('10.0.0.5', 9999), server('10.0.0.50', 9999)), // UDP only
    ];
    expect(stillBusy(live, [...busy, ...idle])).toEqual(busy);
    // A firewall-mark service's connections name the packet's address: any connection to the server counts.
    expect(stillBusy(live, [r(service('', 0, 7), server('10.0.0.13', 80))])).toHaveLength(1);
  });
});
