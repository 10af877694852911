// `npm run lab -- COMMAND...` (issue 11): one command in the lab's client,
// against the real IPVS of a UML guest, its output and status passed back.
// Two boots in all: the README's command through npm, and one command that
// looks at everything else.
import { LAB_JS, BOOT_MS, LabRun, runLab } from './run-lab';

describe('npm run lab -- ipvsadm -L -n', () => {
  let run: LabRun;
  beforeAll(() => {
    run = runLab('npm', ['run', 'lab', '--', 'ipvsadm', '-L', '-n']);
  }, BOOT_MS);

  test('lists the NAT and the DR service with their three servers each, nothing on stderr, status 0', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // npm's own two lines (`> ipvsadm-ts@0.1.0 lab`...; `npm run -s` drops them), then the listing.
    expect(run.stdout).toMatch(/^\n> ipvsadm-ts@[^\n]* lab\n> node scripts\/lab\.js ipvsadm -L -n\n\nIP Virtual Server version \d+\.\d+\.\d+ /);
    expect(run.stdout).toMatch(/^TCP {2}10\.0\.0\.100:80 rr$/m);
    expect(run.stdout).toMatch(/^TCP {2}10\.0\.0\.100:8080 rr$/m);
    for (const n of [1, 2, 3]) {
      expect(run.stdout).toMatch(new RegExp(`-> 10\\.2\\.0\\.1${n}:80 +Masq +1 `));
      expect(run.stdout).toMatch(new RegExp(`-> 10\\.0\\.0\\.1${n}:8080 +Route +1 `));
    }
  });

  test('leaves nothing behind', () => {
    expect(run.leftovers).toEqual([]);
  });
});

describe('a command with input, output on both streams and a status', () => {
  // A rules file on stdin goes to the real kernel; requests to both services; then both streams and a status.
  const rules = '-A -u 10.0.0.100:53 -s rr\n-a -u 10.0.0.100:53 -r 10.2.0.12:53 -m -w 2\n';
  const script = [
    'for i in 1 2 3 4 5 6; do curl -s -m 10 http://10.0.0.100/; done',
    'echo DR',
    'for i in 1 2 3; do curl -s -m 10 http://10.0.0.100:8080/; done',
    'ipvsadm -R && ipvsadm-save -n | grep -e "-u 10.0.0.100:53"',
    'echo "to stderr" >&2',
    'printf "last, no newline"',
    'exit 7',
  ].join('\n');
  let run: LabRun;
  beforeAll(() => {
    run = runLab(process.execPath, [LAB_JS, 'sh', '-c', script], rules);
  }, BOOT_MS);

  test('curl to the VIP: NAT answers s1, s2, s3 in turn, twice; DR answers all three', () => {
    const [nat, dr] = run.stdout.split('DR\n');
    const natNames = nat.trim().split('\n');
    expect(natNames).toHaveLength(6);
    expect(natNames.slice(0, 3).sort()).toEqual(['s1', 's2', 's3']);
    expect(natNames.slice(3)).toEqual(natNames.slice(0, 3));
    expect(dr.split('\n').slice(0, 3).sort()).toEqual(['s1', 's2', 's3']);
  });

  test('the rules on stdin reached the kernel through ipvsadm -R', () => {
    expect(run.stdout).toContain('-A -u 10.0.0.100:53 -s rr\n-a -u 10.0.0.100:53 -r 10.2.0.12:53 -m -w 2\n');
  });

  test('stdout and stderr kept apart, byte for byte; the exit status passed back', () => {
    expect(run.stdout.endsWith('-w 2\nlast, no newline')).toBe(true);
    expect(run.stderr).toBe('to stderr\n');
    expect(run.status).toBe(7);
  });

  test('leaves nothing behind', () => {
    expect(run.leftovers).toEqual([]);
  });
});

test('a lab that cannot start: one line on stderr, status 125, nothing on stdout', () => {
  const run = runLab(process.execPath, [LAB_JS, 'true'], '', { IPVS_LAB_UML: '/nonexistent/linux.uml' });
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe('lab: cannot run /nonexistent/linux.uml: spawn /nonexistent/linux.uml ENOENT\n');
  expect(run.status).toBe(125);
  expect(run.leftovers).toEqual([]);
});
