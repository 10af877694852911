import { RIP_SECOND_OCTET, VIP_SECOND_OCTET, hostAddress, restoreFile, serviceLines } from '../../bench/tablefile';

describe('bench restore file', () => {
  test('host addresses skip .0 and .251-.255 and carry into the next octets', () => {
    expect(hostAddress(1, 0)).toBe('10.1.0.1');
    expect(hostAddress(1, 249)).toBe('10.1.0.250');
    expect(hostAddress(1, 250)).toBe('10.1.1.1');
    expect(hostAddress(1, 250 * 256)).toBe('10.2.0.1');
    expect(() => hostAddress(255, 250 * 256)).toThrow(/does not fit/);
    expect(() => hostAddress(1, -1)).toThrow(/bad host index/);
  });

  test('a service and its destinations, as ipvsadm-save -n writes them', () => {
    expect(serviceLines(0, 2)).toEqual([
      '-A -t 10.1.0.1:80 -s wlc',
      '-a -t 10.1.0.1:80 -r 10.64.0.1:8080 -m -w 1',
      '-a -t 10.1.0.1:80 -r 10.64.0.2:8080 -m -w 2',
    ]);
    expect(serviceLines(3, 1)).toEqual([
      '-A -t 10.1.0.4:443 -s lc -p 300',
      '-a -t 10.1.0.4:443 -r 10.64.0.4:8443 -m -w 4',
    ]);
  });

  test('the whole file: counts, uniqueness, newline at the end', () => {
    const text = restoreFile({ services: 300, dests: 7 });
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(300 * 8);
    const services = lines.filter((l) => l.startsWith('-A '));
    expect(services).toHaveLength(300);
    expect(new Set(services.map((l) => l.split(' ')[2])).size).toBe(300);
    const rips = lines.filter((l) => l.startsWith('-a ')).map((l) => l.split(' ')[4]);
    expect(new Set(rips).size).toBe(300 * 7);
    for (const l of lines) expect(l).toMatch(new RegExp(`^-[Aa] -t 10\\.(${VIP_SECOND_OCTET})\\.`));
    for (const r of rips) expect(r.startsWith(`10.${RIP_SECOND_OCTET}.`)).toBe(true);
  });

  test('edge cases', () => {
    expect(restoreFile({ services: 0, dests: 5 })).toBe('');
    expect(restoreFile({ services: 2, dests: 0 })).toBe('-A -t 10.1.0.1:80 -s wlc\n-A -t 10.1.0.2:80 -s rr\n');
    expect(() => restoreFile({ services: 1.5, dests: 1 })).toThrow(/service count/);
    expect(() => restoreFile({ services: 1, dests: -1 })).toThrow(/destination count/);
  });
});
