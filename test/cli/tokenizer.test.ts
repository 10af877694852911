/**
 * popt's visible behaviour (fact sheet 2.2), at the token level and through
 * the parser.
 */
import { tokenize, Token } from '../../src/cli/tokenizer';
import { expectError, ok, tryHelp } from './helpers';

/** Tokens as compact strings: "--long=value" for options, "!error@word" for errors. */
function show(argv: string[]): { tokens: string[]; leftovers: string[] } {
  const { tokens, leftovers } = tokenize(argv);
  const render = (t: Token) =>
    t.kind === 'error' ? `!${t.error}@${t.word}` : t.value === undefined ? `--${t.spec.long}` : `--${t.spec.long}=${t.value}`;
  return { tokens: tokens.map(render), leftovers };
}

describe('short options', () => {
  test.each([
    [['-Ln'], ['--list', '--numeric']],
    [['-lnc'], ['--list', '--numeric', '--connection']],
    [['-Lcn'], ['--list', '--connection', '--numeric']],
    [['-Ln', '-t', '10.0.0.1:80'], ['--list', '--numeric', '--tcp-service=10.0.0.1:80']],
  ])('cluster %j', (argv, tokens) => {
    expect(show(argv).tokens).toEqual(tokens);
  });

  test.each([
    [['-srr'], ['--scheduler=rr']],
    [['-t10.0.0.4:80'], ['--tcp-service=10.0.0.4:80']],
    [['-Atu', '10.0.0.3:80'], ['--add-service', '--tcp-service=u']],
    [['-Lnt10.0.0.1:80'], ['--list', '--numeric', '--tcp-service=10.0.0.1:80']],
    [['-sL'], ['--scheduler=L']],
  ])('an argument option swallows the rest of its cluster: %j', (argv, tokens) => {
    expect(show(argv).tokens).toEqual(tokens);
  });

  test('the swallowed word leaves the next word as a leftover', () => {
    expect(show(['-Atu', '10.0.0.3:80']).leftovers).toEqual(['10.0.0.3:80']);
  });

  test.each([
    [['-t=10.0.0.1:80'], ['--tcp-service=10.0.0.1:80']],
    [['-s=rr'], ['--scheduler=rr']],
    [['-p=30'], ['--persistent=30']],
    [['-As=rr'], ['--add-service', '--scheduler=rr']],
  ])('one = after a short option is dropped: %j', (argv, tokens) => {
    expect(show(argv).tokens).toEqual(tokens);
  });

  test('popt drops one = before a value, so -t==x is =x (1.31: -s==rr is scheduler =rr)', () => {
    expect(show(['-t==x']).tokens).toEqual(['--tcp-service==x']);
    expect(show(['-t=x']).tokens).toEqual(['--tcp-service=x']);
  });

  test('-t= gives an empty argument, not the next word', () => {
    expect(show(['-t=', 'next'])).toEqual({ tokens: ['--tcp-service='], leftovers: ['next'] });
  });

  test('a flag followed by = is an unwanted argument, whatever follows (1.31: -n=, -n=x, -n=n, -Ln=x)', () => {
    expect(show(['-L=n']).tokens).toEqual(['!option does not take an argument@-L=n']);
    expect(show(['-L=']).tokens).toEqual(['!option does not take an argument@-L=']);
    expect(show(['-L==n']).tokens).toEqual(['!option does not take an argument@-L==n']);
    expect(show(['-L', '-n=x']).tokens).toEqual(['--list', '!option does not take an argument@-n=x']);
    expect(show(['-Ln=']).tokens).toEqual(['--list', '!option does not take an argument@-Ln=']);
  });

  test('a long flag of ours with a value is an unknown option, as 1.31 (which knows no --json) says (fuzz seed 356091408)', () => {
    expect(show(['-L', '--json==']).tokens).toEqual(['--list', '!unknown option@--json==']);
    expect(show(['-L', '--json=yes']).tokens).toEqual(['--list', '!unknown option@--json=yes']);
    expect(show(['-L', '--json']).tokens).toEqual(['--list', '--json']);
    // 1.31's own flags keep popt's answer.
    expect(show(['-L', '--numeric=x']).tokens).toEqual(['--list', '!option does not take an argument@--numeric=x']);
  });

  test('an unknown letter stops tokenizing and names the whole word', () => {
    expect(show(['-Lq', '-n']).tokens).toEqual(['--list', '!unknown option@-Lq']);
  });

  test('a single-dash long name is a cluster of letters', () => {
    expect(show(['-list']).tokens).toEqual(['--list', '--ipip', '--scheduler=t']);
    expect(show(['-numeric']).tokens).toEqual(['--numeric', '--udp-service=meric']);
    expect(show(['-nq']).tokens).toEqual(['--numeric', '!unknown option@-nq']);
  });
});

describe('long options', () => {
  test.each([
    [['--scheduler', 'rr'], ['--scheduler=rr']],
    [['--scheduler=rr'], ['--scheduler=rr']],
    [['--scheduler='], ['--scheduler=']],
    [['--scheduler=a=b'], ['--scheduler=a=b']],
    [['--list'], ['--list']],
  ])('%j', (argv, tokens) => {
    expect(show(argv).tokens).toEqual(tokens);
  });

  test.each([['--lis'], ['--num'], ['--add-serv'], ['--LIST'], ['---list'], ['--=x']])('%s is not an abbreviation, it is unknown', (word) => {
    expect(show([word]).tokens).toEqual([`!unknown option@${word}`]);
  });

  test('--flag=value is an unwanted argument, even when empty', () => {
    expect(show(['--numeric=foo']).tokens).toEqual(['!option does not take an argument@--numeric=foo']);
    expect(show(['--numeric=']).tokens).toEqual(['!option does not take an argument@--numeric=']);
  });
});

describe('required and optional arguments', () => {
  test('a required argument is the next word even if it starts with -', () => {
    expect(show(['-w', '-1']).tokens).toEqual(['--weight=-1']);
    expect(show(['--scheduler', '--list']).tokens).toEqual(['--scheduler=--list']);
    expect(show(['-t', '--']).tokens).toEqual(['--tcp-service=--']);
  });

  test('a missing required argument names the option word', () => {
    expect(show(['-A', '-t']).tokens).toEqual(['--add-service', '!missing argument@-t']);
    expect(show(['-A', '--scheduler']).tokens).toEqual(['--add-service', '!missing argument@--scheduler']);
    expect(show(['-At']).tokens).toEqual(['--add-service', '!missing argument@-At']);
  });

  test('the word reported for an option is the last one it consumed', () => {
    const { tokens } = tokenize(['--start-daemon', 'master']);
    expect(tokens[0]).toMatchObject({ kind: 'option', value: 'master', word: 'master' });
  });

  test.each([
    [['-p'], ['--persistent']],
    [['-p', '30'], ['--persistent=30']],
    [['-p', '-s', 'rr'], ['--persistent', '--scheduler=rr']],
    [['-p', '-1'], ['--persistent', '!unknown option@-1']],
    [['-p', '10.0.0.6'], ['--persistent=10.0.0.6']],
    [['-p30'], ['--persistent=30']],
    [['-pn'], ['--persistent=n']],
    [['--persistent', '30'], ['--persistent=30']],
    [['--persistent', '-n'], ['--persistent', '--numeric']],
    [['--persistent='], ['--persistent=']],
    [['-p', ''], ['--persistent=']],
  ])('-p takes the next word only if it does not start with -: %j', (argv, tokens) => {
    expect(show(argv).tokens).toEqual(tokens);
  });
});

describe('leftovers and --', () => {
  test('non-option words are leftovers, wherever they are', () => {
    expect(show(['a', '-L', 'b', '-', ''])).toEqual({ tokens: ['--list'], leftovers: ['a', 'b', '-', ''] });
  });
  test('-- ends option parsing', () => {
    expect(show(['-L', '--', '-n', '--', 'x'])).toEqual({ tokens: ['--list'], leftovers: ['-n', '--', 'x'] });
  });
  test('POSIXLY_CORRECT: the first leftover ends option parsing', () => {
    expect(tokenize(['-L', 'x', '-n'], { posixlyCorrect: true }).leftovers).toEqual(['x', '-n']);
    expect(tokenize(['x', '-L'], { posixlyCorrect: true }).tokens).toEqual([]);
    expect(tokenize(['-p', '30', '-n'], { posixlyCorrect: true }).tokens).toHaveLength(2);
  });
  test('leftovers after a popt error are not collected', () => {
    expect(show(['a', '--foo', 'b']).leftovers).toEqual(['a']);
  });
});

describe('popt behaviour through the parser', () => {
  test('ipvsadm -Ln', async () => {
    const inv = await ok('-Ln');
    expect(inv.command).toBe('list');
    expect(inv.numeric).toBe(true);
  });
  test('ipvsadm -A -t10.0.0.4:80 -srr', async () => {
    const inv = await ok('-A -t10.0.0.4:80 -srr');
    expect(inv.service).toMatchObject({ address: '10.0.0.4', port: 80, scheduler: 'rr' });
  });
  test('ipvsadm -A -t=10.0.0.1:80 -s=rr -p=30', async () => {
    const inv = await ok('-A -t=10.0.0.1:80 -s=rr -p=30');
    expect(inv.service).toMatchObject({ address: '10.0.0.1', port: 80, scheduler: 'rr', timeout: 30, flags: 1 });
  });
  test('ipvsadm -Atu 10.0.0.3:80: -t gets "u"', async () => {
    await expectError('-Atu 10.0.0.3:80', 'illegal virtual server address[:port] specified');
  });
  test('ipvsadm --lis / --num / --add-serv as first option', async () => {
    for (const w of ['--lis', '--num', '--add-serv']) await expectError(w, tryHelp(), 255);
  });
  test('ipvsadm -L --num', async () => {
    await expectError('-L --num', '--num: unknown option', 255);
  });
  test('ipvsadm -L --numeric=foo', async () => {
    await expectError('-L --numeric=foo', '--numeric=foo: option does not take an argument', 255);
  });
  test('ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -w -1', async () => {
    await expectError('-a -t 10.0.0.1:80 -r 10.0.0.2 -w -1', 'illegal weight specified');
  });
  test('ipvsadm -A -t 10.0.0.1:80 -p -s rr: default timeout', async () => {
    const inv = await ok('-A -t 10.0.0.1:80 -p -s rr');
    expect(inv.service).toMatchObject({ timeout: 360, scheduler: 'rr', flags: 1 });
  });
  test('ipvsadm -A -t 10.0.0.5:0 -p 10.0.0.6', async () => {
    await expectError('-A -t 10.0.0.5:0 -p 10.0.0.6', "invalid timeout value `10.0.0.6' specified");
  });
  test('ipvsadm -L -- lists normally', async () => {
    expect((await ok('-L --')).command).toBe('list');
  });
  test('ipvsadm -- -L: the first item is not a command', async () => {
    await expectError('-- -L', tryHelp(), 255);
  });
  test('ipvsadm -L -- -n: -n is a leftover', async () => {
    await expectError('-L -- -n', 'unexpected argument -n');
  });
  test('ipvsadm -A -t 10.0.0.1:80 -p= : empty timeout', async () => {
    await expectError('-A -t 10.0.0.1:80 -p=', "invalid timeout value `' specified");
  });
  test('with POSIXLY_CORRECT, a word before the command leaves no command', async () => {
    const { parseCommandLine } = await import('../../src/cli/parse');
    const { fakeResolver } = await import('../support/fake-resolver');
    const ctx = { argv0: 'ipvsadm', resolver: fakeResolver(), posixlyCorrect: true };
    expect(await parseCommandLine(['foo', '-L'], ctx)).toMatchObject({ message: `${tryHelp()}\n`, exitCode: 255 });
    expect(await parseCommandLine(['-L', 'foo', '-n'], ctx)).toMatchObject({ message: 'unexpected argument foo\n' });
    expect(await parseCommandLine(['--set', '1', '2', '3', '-n'], ctx)).toMatchObject({ message: 'unexpected argument -n\n' });
  });
  test('ipvsadm -L=n fails where the command is read: the hint, status 255 (as 1.31)', async () => {
    await expectError('-L=n', "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255);
  });
  test('ipvsadm -L -n=n is popt\'s unwanted argument, status 255 (as 1.31)', async () => {
    await expectError('-L -n=n', '-n=n: option does not take an argument', 255);
  });
});
