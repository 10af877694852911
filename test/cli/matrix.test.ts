/**
 * The command/option matrix (fact sheet 4.1) and the tunnel-type table (4.2).
 * The sheet's tables are pasted verbatim below and parsed here, independently
 * of src/cli/matrix.ts: first the data is compared, then every cell is run
 * through the real parser and must give exactly the sheet's outcome.
 */
import { COMMAND_OPTION_MATRIX, MATRIX_COMMANDS, TUNNEL_TYPE_MATRIX, checkCommandOptions } from '../../src/cli/matrix';
import { EXTENSION_FLAGS } from '../../src/cli/options';
import { expectError, ok } from './helpers';

const SHEET_MATRIX = `
| option \ command | add-service -A | edit-service -E | delete-service -D | flush -C | list -L | add-server -a | delete-server -d | edit-server -e | set | start-daemon | stop-daemon | restore -R | save -S | zero -Z |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| numeric (-n) | x | x | x | x | . | x | x | x | x | x | x | x | . | x |
| connection (-c) | x | x | x | x | 1 | x | x | x | x | x | x | x | x | x |
| service-address | + | + | + | x | 1 | + | + | + | x | x | x | x | x | . |
| scheduler (-s) | . | . | x | x | x | x | x | x | x | x | x | x | x | x |
| persistent (-p) | . | . | x | x | x | x | x | x | x | x | x | x | x | x |
| netmask (-M) | . | . | x | x | x | x | x | x | x | x | x | x | x | x |
| real-server (-r) | x | x | x | x | x | + | + | + | x | x | x | x | x | x |
| forwarding-method | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| weight (-w) | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| u-threshold (-x) | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| l-threshold (-y) | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| mcast-interface | x | x | x | x | x | x | x | x | x | . | x | x | x | x |
| timeout | x | x | x | x | 1 | x | x | x | x | x | x | x | x | x |
| daemon | x | x | x | x | 1 | x | x | x | x | x | x | x | x | x |
| stats | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| rate | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| thresholds | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| persistent-conn | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| nosort | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| syncid | x | x | x | x | . | x | x | x | x | . | . | x | x | x |
| exact | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| ops (-o) | . | . | x | x | x | x | x | x | x | x | x | x | x | x |
| pe | . | . | x | x | x | x | x | x | x | x | x | x | x | x |
| sched-flags (-b) | . | . | x | x | x | x | x | x | x | x | x | x | x | x |
| mcast-group | x | x | x | x | x | x | x | x | x | . | x | x | x | x |
| mcast-port | x | x | x | x | x | x | x | x | x | . | x | x | x | x |
| mcast-ttl | x | x | x | x | x | x | x | x | x | . | x | x | x | x |
| sync-maxlen | x | x | x | x | x | x | x | x | x | . | x | x | x | x |
| tun-info | x | x | x | x | . | x | x | x | x | x | x | x | x | x |
| tun-type | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| tun-port | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| tun-nocsum | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| tun-csum | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
| tun-remcsum | x | x | x | x | x | . | x | . | x | x | x | x | x | x |
`;

const SHEET_TUNNEL_TABLE = `
| tunnel type | tun-port | tun-nocsum | tun-csum | tun-remcsum |
|---|---|---|---|---|
| ipip (default) | x | x | x | x |
| gue | + | 1 | 1 | 1 |
| gre | x | 1 | 1 | x |
`;

type Cell = '+' | 'x' | '1' | '.';

function parseTable(text: string): { header: string[]; rows: Array<{ label: string; cells: Cell[] }> } {
  const lines = text.trim().split('\n').map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const [header, , ...body] = lines;
  return { header: header.slice(1), rows: body.map(([label, ...cells]) => ({ label, cells: cells as Cell[] })) };
}

const sheet = parseTable(SHEET_MATRIX);
/** "add-service -A" -> "add-service"; "numeric (-n)" -> "numeric". */
const sheetCommands = sheet.header.map((h) => h.split(' ')[0]);
const sheetRows = sheet.rows.map((r) => ({ option: r.label.split(' ')[0], cells: r.cells }));

describe('the matrix data matches the sheet', () => {
  test('same commands in the same column order', () => {
    expect([...MATRIX_COMMANDS]).toEqual(sheetCommands);
  });
  test('same options in the same row (check) order, then ours', () => {
    const ours = new Set(EXTENSION_FLAGS.map((o) => o.name));
    expect(COMMAND_OPTION_MATRIX.filter((r) => !ours.has(r.option)).map((r) => r.option)).toEqual(sheetRows.map((r) => r.option));
    // Our options come after all of 1.31's, so a classic option's problem is always the one reported.
    expect(COMMAND_OPTION_MATRIX.slice(sheetRows.length).map((r) => r.option)).toEqual([...ours]);
  });
  test('--json is for the listings and the save only', () => {
    const row = COMMAND_OPTION_MATRIX.find((r) => r.option === 'json')!;
    expect(MATRIX_COMMANDS.filter((c) => row.cells[c] !== 'x')).toEqual(['list', 'save']);
  });
  test.each(sheetRows.map((r) => [r.option, r.cells.join('')]))('row %s is %s', (option, cells) => {
    const row = COMMAND_OPTION_MATRIX.find((r) => r.option === option)!;
    expect(MATRIX_COMMANDS.map((c) => row.cells[c]).join('')).toBe(cells);
  });
});

const COMMAND_ARGS: Record<string, string[]> = {
  'add-service': ['-A'],
  'edit-service': ['-E'],
  'delete-service': ['-D'],
  flush: ['-C'],
  list: ['-L'],
  'add-server': ['-a'],
  'delete-server': ['-d'],
  'edit-server': ['-e'],
  set: ['--set', '1', '2', '3'],
  'start-daemon': ['--start-daemon', 'master'],
  'stop-daemon': ['--stop-daemon', 'backup'],
  restore: ['-R'],
  save: ['-S'],
  zero: ['-Z'],
};

/** The option alone. */
const OPTION_ARGS: Record<string, string[]> = {
  numeric: ['-n'],
  connection: ['-c'],
  'service-address': ['-u', '10.0.0.1:53'],
  scheduler: ['-s', 'rr'],
  persistent: ['-p'],
  netmask: ['-M', '255.255.255.0'],
  'real-server': ['-r', '10.0.0.2'],
  'forwarding-method': ['-m'],
  weight: ['-w', '5'],
  'u-threshold': ['-x', '50'],
  'l-threshold': ['-y', '5'],
  'mcast-interface': ['--mcast-interface', 'd0'],
  timeout: ['--timeout'],
  daemon: ['--daemon'],
  stats: ['--stats'],
  rate: ['--rate'],
  thresholds: ['--thresholds'],
  'persistent-conn': ['--persistent-conn'],
  nosort: ['--nosort'],
  syncid: ['--syncid', '3'],
  exact: ['--exact'],
  ops: ['-o'],
  pe: ['--pe', 'sip'],
  'sched-flags': ['-b', 'flag-1'],
  'mcast-group': ['--mcast-group', '239.1.1.1'],
  'mcast-port': ['--mcast-port', '9000'],
  'mcast-ttl': ['--mcast-ttl', '2'],
  'sync-maxlen': ['--sync-maxlen', '1000'],
  'tun-info': ['--tun-info'],
  'tun-type': ['--tun-type', 'gre'],
  'tun-port': ['--tun-port', '6080'],
  'tun-nocsum': ['--tun-nocsum'],
  'tun-csum': ['--tun-csum'],
  'tun-remcsum': ['--tun-remcsum'],
};

/** For acceptance: the option plus what the later semantic checks need (tunnel options want -i and a fitting type). */
const ACCEPTED_ARGS: Record<string, string[]> = {
  ...OPTION_ARGS,
  'tun-type': ['-i', '--tun-type', 'ipip'],
  'tun-port': ['-i', '--tun-type', 'gue', '--tun-port', '6080'],
  'tun-nocsum': ['-i', '--tun-type', 'gre', '--tun-nocsum'],
  'tun-csum': ['-i', '--tun-type', 'gre', '--tun-csum'],
  'tun-remcsum': ['-i', '--tun-type', 'gue', '--tun-port', '1', '--tun-remcsum'],
};

/** The '+' options of a command, as arguments, leaving one out. */
function requiredArgs(command: string, except?: string): string[] {
  const column = sheetCommands.indexOf(command);
  return sheetRows
    .filter((r) => r.cells[column] === '+' && r.option !== except)
    .flatMap((r) => OPTION_ARGS[r.option]);
}

const cells = sheetRows.flatMap((row) =>
  sheetCommands.map((command, i) => ({ option: row.option, command, cell: row.cells[i] })),
);

describe('every matrix cell, through the parser', () => {
  test('there are 34 x 14 cells', () => {
    expect(cells).toHaveLength(34 * 14);
  });

  test.each(cells.map((c) => [c.option, c.command, c.cell]))('%s with %s (%s)', async (option, command, cell) => {
    const base = [...COMMAND_ARGS[command], ...requiredArgs(command, option)];
    switch (cell) {
      case 'x':
        await expectError([...base, ...OPTION_ARGS[option]], `Illegal '${option}' option with the '${command}' command`);
        break;
      case '+':
        await expectError(base, `You need to supply the '${option}' option for the '${command}' command`);
        await ok([...base, ...ACCEPTED_ARGS[option]]);
        break;
      case '.':
      case '1': {
        const inv = await ok([...base, ...ACCEPTED_ARGS[option]]);
        expect(inv.command).toBe(command);
        expect(inv.present.has(option)).toBe(true);
        break;
      }
    }
  });
});

describe("the '1' group of list: every pair conflicts, named in table order", () => {
  const group = sheetRows.filter((r) => r.cells[sheetCommands.indexOf('list')] === '1').map((r) => r.option);
  test('the group', () => {
    expect(group).toEqual(['connection', 'service-address', 'timeout', 'daemon']);
  });
  const pairs = group.flatMap((a, i) => group.slice(i + 1).map((b) => [a, b]));
  test.each(pairs)('%s then %s, in both argv orders', async (earlier, later) => {
    const message = `The option '${later}' conflicts with the '${earlier}' option in the 'list' command`;
    await expectError(['-L', ...OPTION_ARGS[earlier], ...OPTION_ARGS[later]], message);
    await expectError(['-L', ...OPTION_ARGS[later], ...OPTION_ARGS[earlier]], message);
  });
  test('three of them: the second in table order is reported against the first', async () => {
    await expectError(
      ['-L', '--daemon', '--timeout', '-c'],
      "The option 'timeout' conflicts with the 'connection' option in the 'list' command",
    );
  });
});

describe('row order decides between several problems', () => {
  test('a missing + row before an illegal later row', () => {
    expect(checkCommandOptions('add-server', new Set(['weight']))).toBe(
      "You need to supply the 'service-address' option for the 'add-server' command",
    );
  });
  test('an illegal row before a missing later row', () => {
    expect(checkCommandOptions('add-server', new Set(['numeric']))).toBe(
      "Illegal 'numeric' option with the 'add-server' command",
    );
  });
  test('-A -t X -w 5 -r Y reports real-server (row 7) before weight (row 9)', async () => {
    await expectError('-A -t 10.0.0.1:80 -w 5 -r 10.0.0.2', "Illegal 'real-server' option with the 'add-service' command");
  });
  test('nothing wrong', () => {
    expect(checkCommandOptions('list', new Set(['numeric', 'stats', 'exact']))).toBeUndefined();
  });
});

const tunnelSheet = parseTable(SHEET_TUNNEL_TABLE);
const tunnelOptions = tunnelSheet.header;
const tunnelRows = tunnelSheet.rows.map((r) => ({ type: r.label.split(' ')[0] as 'ipip' | 'gue' | 'gre', cells: r.cells }));

describe('the tunnel-type table (4.2)', () => {
  test('data matches the sheet', () => {
    expect(tunnelOptions).toEqual(['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum']);
    for (const { type, cells: row } of tunnelRows) {
      expect(tunnelOptions.map((o) => TUNNEL_TYPE_MATRIX[type][o as 'tun-port'])).toEqual(row);
    }
  });

  const TUN_ARGS: Record<string, string[]> = {
    'tun-port': ['--tun-port', '6080'],
    'tun-nocsum': ['--tun-nocsum'],
    'tun-csum': ['--tun-csum'],
    'tun-remcsum': ['--tun-remcsum'],
  };
  const tunnelCells = tunnelRows.flatMap(({ type, cells: row }) =>
    tunnelOptions.map((option, i) => [type, option, row[i]] as const),
  );
  test.each(tunnelCells)('%s with %s (%s), for -a and -e', async (type, option, cell) => {
    for (const cmd of ['-a', '-e']) {
      const base = [cmd, '-t', '10.0.0.1:80', '-r', '10.0.0.12', '-i', '--tun-type', type];
      // gue needs its port for anything else to be accepted.
      const port = type === 'gue' && option !== 'tun-port' ? ['--tun-port', '6080'] : [];
      if (cell === 'x') {
        await expectError([...base, ...TUN_ARGS[option]], `Illegal '${option}' option with the '${type}' tunnel type`);
      } else if (cell === '+') {
        await expectError(base, `You need to supply the '${option}' option for the '${type}' tunnel type`);
        await ok([...base, ...TUN_ARGS[option]]);
      } else {
        const inv = await ok([...base, ...port, ...TUN_ARGS[option]]);
        expect(inv.destination!.tunnelType).toBe(['ipip', 'gue', 'gre'].indexOf(type));
      }
    }
  });

  const conflicts = [
    ['gue', 'tun-nocsum', 'tun-csum'],
    ['gue', 'tun-nocsum', 'tun-remcsum'],
    ['gue', 'tun-csum', 'tun-remcsum'],
    ['gre', 'tun-nocsum', 'tun-csum'],
  ];
  test.each(conflicts)('%s: %s and %s conflict, named in column order', async (type, earlier, later) => {
    const base = ['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.12', '-i', '--tun-type', type, '--tun-port', '1'];
    const message = `The option '${later}' conflicts with the '${earlier}' option in the '${type}' tunnel type`;
    const withoutPort = type === 'gre' ? base.slice(0, -2) : base;
    await expectError([...withoutPort, `--${later}`, `--${earlier}`], message);
    await expectError([...withoutPort, `--${earlier}`, `--${later}`], message);
  });

  test('the sheet example: gue with --tun-csum --tun-nocsum', async () => {
    await expectError(
      '-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum --tun-nocsum',
      "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gue' tunnel type",
    );
  });
  test('ipip is the default type: -i --tun-port is illegal for ipip', async () => {
    await expectError('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-port 6080', "Illegal 'tun-port' option with the 'ipip' tunnel type");
  });
  test('gue without a port', async () => {
    await expectError('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue', "You need to supply the 'tun-port' option for the 'gue' tunnel type");
  });
  test('gre with remcsum', async () => {
    await expectError('-e -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gre --tun-remcsum', "Illegal 'tun-remcsum' option with the 'gre' tunnel type");
  });
  test('port is checked before the checksum columns', async () => {
    await expectError('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gre --tun-remcsum --tun-port 5', "Illegal 'tun-port' option with the 'gre' tunnel type");
  });
});
