import { renderDaemons, renderTimeouts } from '../../src/render/misc';
import { sample } from './samples';

describe('timeouts', () => {
  it('13.4 kernel defaults and 13.15 after --set', () => {
    expect(renderTimeouts({ tcp: 900, tcpFin: 120, udp: 300 })).toBe(sample('13.4 ipvsadm -L --timeout'));
    expect(renderTimeouts({ tcp: 100, tcpFin: 20, udp: 30 })).toBe(sample('13.15 ipvsadm -L --timeout'));
  });
});

describe('daemons (13.15)', () => {
  it('nothing when no daemon runs', () => {
    expect(renderDaemons([])).toBe('');
  });
  it('one backup with kernel defaults', () => {
    expect(
      renderDaemons([
        { state: 2, mcastIfn: 'd0', syncId: 5, syncMaxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
      ]),
    ).toBe(sample('13.15 ipvsadm -L --daemon'));
  });
  it('master and backup, IPv6 group', () => {
    expect(
      renderDaemons([
        { state: 1, mcastIfn: 'd0', syncId: 7, syncMaxlen: 1000, mcastGroup: '239.1.2.3', mcastPort: 9000, mcastTtl: 5 },
        { state: 2, mcastIfn: 'lo', syncId: 0, syncMaxlen: 65487, mcastGroup: 'ff02::1234', mcastPort: 8848, mcastTtl: 1 },
      ]),
    ).toBe(sample('13.15 ipvsadm -L --daemon #2'));
    expect(
      renderDaemons([
        { state: 1, mcastIfn: 'lo', syncId: 0, syncMaxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
      ]),
    ).toBe(sample('13.15 ipvsadm -L --daemon #3'));
  });
  it('old kernels send only interface and syncid; zero values are left out', () => {
    expect(renderDaemons([{ state: 1, mcastIfn: 'eth0', syncId: 0 }])).toBe('master sync daemon (mcast=eth0, syncid=0)\n');
    expect(renderDaemons([{ state: 2, mcastIfn: 'eth0', syncId: 3, syncMaxlen: 0, mcastPort: 0, mcastTtl: 0, mcastGroup: '0.0.0.0' }])).toBe(
      'backup sync daemon (mcast=eth0, syncid=3, group=0.0.0.0)\n',
    );
  });
});
