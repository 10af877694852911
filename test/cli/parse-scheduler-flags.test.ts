/**
 * Scheduler flags (-b): names, bits, and the scheduler they must match. The
 * list is read after the leftovers and before the matrix, against the final
 * scheduler (pass 6 of docs/popt-grammar.md; names and bits in
 * docs/option-values.md).
 */
import { expectError, ok } from './helpers';

describe('flags and the scheduler they are stored with', () => {
  test.each([
    ['-A -t 10.0.0.4:80 -s sh -b sh-port', 'sh', 0x10],
    ['-A -t 10.0.0.4:81 -s mh -b mh-fallback,mh-port', 'mh', 0x18],
    ['-A -t 10.0.0.4:82 -s sh -b flag-2', 'sh', 0x10],
    ['-A -t 10.0.0.4:86 -b flag-1,flag-2', 'wlc', 0x18],
    ['-A -t 10.0.0.4:87 -b flag-1,,flag-2,flag-3', 'wlc', 0x38],
    ['-A -t 10.0.0.4:88 -s sh -b flag-3', 'sh', 0x20],
    ['-A -t 10.0.0.4:89 -s rr -b flag-2 -p', 'rr', 0x11],
    ['-A -f 3 -6 -b flag-1', 'wlc', 0x08],
  ])('ipvsadm %s', async (args, scheduler, flags) => {
    expect((await ok(args)).service).toMatchObject({ scheduler, flags });
  });
  test("-b '' is ignored", async () => {
    const inv = await ok(['-A', '-t', '10.0.0.4:85', '-b', '']);
    expect(inv.service!.flags).toBe(0);
    expect(inv.present.has('sched-flags')).toBe(true);
  });
});

describe('unknown flags, and flags of another scheduler', () => {
  test.each([
    ['-A -t 10.0.0.4:80 -b flag-4', "invalid scheduler flag `flag-4'"],
    ['-A -t 10.0.0.4:80 -b sh-port', "incompatible scheduler flag `sh-port'"],
    ['-A -t 10.0.0.4:80 -s mh -b sh-fallback', "incompatible scheduler flag `sh-fallback'"],
    ['-A -t 10.0.0.4:80 -s sh -b mh-fallback', "incompatible scheduler flag `mh-fallback'"],
    ['-A -t 10.0.0.4:80 -s shx -b sh-port', "incompatible scheduler flag `sh-port'"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('intentional fix: -b with separators only (ipvsadm 1.31 crashes) is an invalid flag', async () => {
    await expectError('-A -t 10.0.0.4:84 -b ,', "invalid scheduler flag `,'");
    await expectError('-A -t 10.0.0.4:84 -b ,,', "invalid scheduler flag `,,'");
  });
  test('-b keeps only 127 bytes, as ipvsadm’s buffer does', async () => {
    // 18 x "flag-1," is 126 bytes; byte 127 is the next character.
    const intact = `${'flag-1,'.repeat(17)}flag-2`; // 125 bytes
    expect((await ok(['-A', '-t', '10.0.0.4:80', '-b', intact])).service!.flags).toBe(0x18);
    const cutAtSeparator = `${'flag-1,'.repeat(18)},flag-2`; // flag-2 is beyond byte 127
    expect((await ok(['-A', '-t', '10.0.0.4:80', '-b', cutAtSeparator])).service!.flags).toBe(0x08);
    const cutInName = `${'flag-1,'.repeat(18)}flag-2`; // flag-2 cut to "f"
    await expectError(['-A', '-t', '10.0.0.4:80', '-b', cutInName], "invalid scheduler flag `f'");
  });
});

describe('when -b is read', () => {
  test('-b is interpreted after the leftovers and before the matrix', async () => {
    await expectError('-D -t 10.0.0.1:80 -b foo', "invalid scheduler flag `foo'");
    await expectError('-L -b sh-port', "incompatible scheduler flag `sh-port'");
    await expectError('-L -b flag-1', "Illegal 'sched-flags' option with the 'list' command");
    await expectError(['-D', '-t', '10.0.0.1:80', '-b', ''], "Illegal 'sched-flags' option with the 'delete-service' command");
  });
  test('-b uses the final scheduler, wherever -s is', async () => {
    expect((await ok('-A -t 10.0.0.4:80 -b sh-port -s sh')).service!.flags).toBe(0x10);
    expect((await ok('-A -t 10.0.0.4:80 -s sh -b sh-port')).service!.flags).toBe(0x10);
    await expectError('-A -t 10.0.0.4:80 -s sh -b mh-port', "incompatible scheduler flag `mh-port'");
    await expectError('-A -t 10.0.0.4:80 -b sh-port', "incompatible scheduler flag `sh-port'");
    await expectError(['-A', '-t', '10.0.0.4:80', '-s', '', '-b', 'sh-port'], "incompatible scheduler flag `sh-port'");
  });
});
