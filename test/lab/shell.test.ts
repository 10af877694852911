// Unit tests of `npm run lab`'s pure parts; the lab itself is booted by test/lab-shell/.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandOf, planRun } from '../../scripts/lab/shell';
import { SHELL_FILES, labBanner, labRules, shellLabScript, writeShellLabFiles } from '../../scripts/lab/shell-script';
import { FileFollower } from '../../scripts/lab/tail';

const made: string[] = [];
function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-shell-unit-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('what to run', () => {
  test('npm\'s -- and one of our own are dropped, the rest is the command', () => {
    expect(commandOf(['--', 'ipvsadm', '-L', '-n'])).toEqual(['ipvsadm', '-L', '-n']);
    expect(commandOf(['sh', '-c', '--'])).toEqual(['sh', '-c', '--']);
    expect(commandOf([])).toEqual([]);
  });

  test('a shell on a terminal; a command reads our stdin only when that is not a terminal', () => {
    expect(planRun([], true)).toEqual({ kind: 'interactive' });
    expect(planRun(['ipvsadm', '-R'], false)).toEqual({ kind: 'command', argv: ['ipvsadm', '-R'], stdin: 'file' });
    expect(planRun(['ipvsadm', '-L'], true)).toEqual({ kind: 'command', argv: ['ipvsadm', '-L'], stdin: 'null' });
    // `npm run lab < script.sh`: bash runs the script.
    expect(planRun([], false)).toEqual({ kind: 'command', argv: ['bash'], stdin: 'file' });
  });
});

describe('the lab', () => {
  test('rules: a NAT service over the NAT side and a DR service over the LAN, rr, three servers each', () => {
    expect(labRules()).toBe([
      '-A -t 10.0.0.100:80 -s rr',
      '-a -t 10.0.0.100:80 -r 10.2.0.11:80 -m',
      '-a -t 10.0.0.100:80 -r 10.2.0.12:80 -m',
      '-a -t 10.0.0.100:80 -r 10.2.0.13:80 -m',
      '-A -t 10.0.0.100:8080 -s rr',
      '-a -t 10.0.0.100:8080 -r 10.0.0.11:8080 -g',
      '-a -t 10.0.0.100:8080 -r 10.0.0.12:8080 -g',
      '-a -t 10.0.0.100:8080 -r 10.0.0.13:8080 -g',
      '',
    ].join('\n'));
  });

  test('the banner names the VIP, both services and the way out', () => {
    const b = labBanner();
    expect(b).toContain('TCP 10.0.0.100:80    NAT (-m)');
    expect(b).toContain('TCP 10.0.0.100:8080  DR  (-g)');
    expect(b).toContain('on NODE [COMMAND...]');
    expect(b).toContain('exit: power the lab off');
  });

  test('DR real servers are prepared by ipvsadm-realserver, each node keeping its own state', () => {
    const script = shellLabScript({ dir: '/tmp/ipvs-lab-x', repo: '/r', cwd: '/', node: '/usr/bin/node', run: { kind: 'interactive' } });
    expect(script).toContain('on s$n ipvsadm-realserver dr 10.0.0.100 >/dev/null || return 1');
  });
});

describe('guest script', () => {
  const base = { dir: '/tmp/ipvs-lab-x', repo: '/work/my repo', cwd: '/home/a b', node: '/usr/bin/node' };

  test('is valid sh in both modes', () => {
    for (const run of [{ kind: 'interactive' as const }, { kind: 'command' as const, argv: ['true'], stdin: 'null' as const }]) {
      const r = spawnSync('sh', ['-n'], { input: shellLabScript({ ...base, run }) });
      expect(r.status).toBe(0);
    }
  });

  test('loads every module, builds the cluster, programs d1 with our ipvsadm, powers off', () => {
    const s = shellLabScript({ ...base, run: { kind: 'interactive' } });
    expect(s).toMatch(/for m in ip_vs .* bridge ipip fou ip_gre ip6_tunnel ip_tables iptable_mangle xt_mark xt_tcpudp; do/);
    expect(s).toContain("sh '/work/my repo/cluster/net.sh' up '' \"$T/cluster\" 1 86400 || return 1");
    expect(s).toContain("nsenter --net=/run/netns/d1 -- '/work/my repo/bin/ipvsadm' -R < \"$T/rules\" || return 1");
    expect(s).toContain('mount -t tmpfs tmpfs /run');
    expect(s.trimEnd().endsWith('poweroff -f > /dev/null 2>&1')).toBe(true);
  });

  test('interactive: a shell on the client, on the console, following the host\'s window size', () => {
    const s = shellLabScript({ ...base, run: { kind: 'interactive' } });
    expect(s).toContain('setsid -c nsenter --net=/run/netns/c -- bash --rcfile "$T/bashrc" -i < /dev/tty0 > /dev/tty0 2>&1');
    expect(s).toContain('stty -F /dev/tty0 rows "$1" cols "$2"');
    expect(s).toContain("cd '/home/a b' 2>/dev/null || cd /");
  });

  test('command: the words quoted one by one, stdout and stderr to their own files', () => {
    const run = { kind: 'command' as const, argv: ['sh', '-c', "echo 'x' $HOME"], stdin: 'file' as const };
    const s = shellLabScript({ ...base, run });
    expect(s).toContain(`nsenter --net=/run/netns/c -- sh -c 'echo '\\''x'\\'' $HOME' < "$T/stdin" > "$T/out" 2> "$T/err"`);
    expect(s).toContain('while [ ! -e "$T/stdin.done" ]; do sleep 0.1; done');
    const closed = shellLabScript({ ...base, run: { ...run, stdin: 'null' } });
    expect(closed).toContain('< /dev/null >');
    expect(closed).not.toContain('stdin.done');
  });

  test('the files: ipvsadm wrappers into d1, on, rules, and nothing outside the directory', () => {
    const dir = tmpdir();
    const script = writeShellLabFiles({ ...base, dir, run: { kind: 'interactive' } });
    expect(script).toBe(path.join(dir, 'lab.sh'));
    const bin = path.join(dir, SHELL_FILES.bin);
    expect(fs.readdirSync(bin).sort()).toEqual(['ipvsadm', 'ipvsadm-restore', 'ipvsadm-save', 'on']);
    expect(fs.readFileSync(path.join(bin, 'ipvsadm-save'), 'utf8')).toContain(
      "exec nsenter --net=/run/netns/d1 -- '/work/my repo/bin/ipvsadm-save' \"$@\"",
    );
    expect(fs.statSync(path.join(bin, 'on')).mode & 0o111).toBe(0o111);
    expect(fs.readFileSync(path.join(dir, SHELL_FILES.rules), 'utf8')).toBe(labRules());
    expect(fs.readFileSync(path.join(dir, SHELL_FILES.hosts), 'utf8')).toContain('10.0.0.100 vip\n');
  });

  test('on: refuses an unknown node, and needs one', () => {
    const dir = tmpdir();
    writeShellLabFiles({ ...base, dir, run: { kind: 'interactive' } });
    const on = path.join(dir, SHELL_FILES.bin, 'on');
    const r = spawnSync('sh', [on, 'x9', 'true'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("on: no node 'x9' (c r d1 s1 s2 s3 lan)\n");
    expect(spawnSync('sh', [on], { encoding: 'utf8' }).status).toBe(2);
  });
});

describe('FileFollower', () => {
  test('hands over the bytes as they are, including broken UTF-8 and no final newline', () => {
    const file = path.join(tmpdir(), 'out');
    const got: Buffer[] = [];
    const f = new FileFollower(file, (b) => got.push(Buffer.from(b)));
    f.poll();
    fs.writeFileSync(file, Buffer.from([0xc3]));
    f.poll();
    fs.appendFileSync(file, Buffer.from([0xa9, 0x00, 0xff]));
    f.stop();
    expect(Buffer.concat(got)).toEqual(Buffer.from([0xc3, 0xa9, 0x00, 0xff]));
    expect(got.length).toBe(2);
  });
});
