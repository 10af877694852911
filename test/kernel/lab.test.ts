// Smoke test of the kernel lab itself: if this fails, no other kernel test means anything.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import {
  LAB_INTERFACE, LAB_IPV4, LAB_IPV6, currentLab,
} from '../../scripts/lab/environment';

const IPVSADM = '/usr/sbin/ipvsadm';

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

describe('kernel lab', () => {
  test('runs inside a lab (IPVS_LAB is uml or netns)', () => {
    expect(['uml', 'netns']).toContain(currentLab());
  });

  test('IPVS is there: /proc/net/ip_vs and ipvsadm -L -n', () => {
    expect(fs.readFileSync('/proc/net/ip_vs', 'utf8')).toMatch(/^IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)\n/);
    const r = run(IPVSADM, ['-L', '-n']);
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)$/);
  });

  test(`${LAB_INTERFACE} is up with ${LAB_IPV4} and ${LAB_IPV6}`, () => {
    const r = run('ip', ['-o', 'addr', 'show', 'dev', LAB_INTERFACE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`inet ${LAB_IPV4} `);
    expect(r.stdout).toContain(`inet6 ${LAB_IPV6} `);
    const link = run('ip', ['-o', 'link', 'show', 'dev', LAB_INTERFACE]);
    expect(link.stdout).toMatch(/[<,]UP[,>]/);
  });

  test('the private hosts file resolves vip1.example.com both ways', () => {
    expect(run('getent', ['hosts', 'vip1.example.com']).stdout).toBe('10.0.0.1        vip1.example.com vip1\n');
    expect(run('getent', ['hosts', '10.0.0.10']).stdout).toBe('10.0.0.10       rs10.example.com\n');
    // Not in the hosts file: must fail fast, not wait for DNS.
    const started = Date.now();
    expect(run('getent', ['hosts', '10.9.9.9']).status).toBe(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('a service can be added with a scheduler module (mh) and flushed again', () => {
    expect(run(IPVSADM, ['-C']).status).toBe(0);
    const add = run(IPVSADM, ['-A', '-t', '10.0.0.1:80', '-s', 'mh']);
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(run(IPVSADM, ['-S', '-n']).stdout).toBe('-A -t 10.0.0.1:80 -s mh\n');
    expect(run(IPVSADM, ['-C']).status).toBe(0);
    expect(run(IPVSADM, ['-S', '-n']).stdout).toBe('');
  });
});
