/**
 * ipvsadm's command/option matrix and the tunnel-type table, as data, with
 * the checks that walk them. Row order is the order of the checks: the first
 * offending row decides the message.
 */
import type { TunnelTypeName } from '../ipvs/vocabulary';
import type { CommandName, OptionName } from './options';

/** '+' required, 'x' illegal, '1' at most one of the '1' options, '.' optional. */
export type Cell = '+' | 'x' | '1' | '.';

export type MatrixCommand = Exclude<CommandName, 'help' | 'version'>;

/** Column order of the sheet's table. */
export const MATRIX_COMMANDS: readonly MatrixCommand[] = [
  'add-service',
  'edit-service',
  'delete-service',
  'flush',
  'list',
  'add-server',
  'delete-server',
  'edit-server',
  'set',
  'start-daemon',
  'stop-daemon',
  'restore',
  'save',
  'zero',
];

export interface MatrixRow {
  option: OptionName;
  cells: Readonly<Record<MatrixCommand, Cell>>;
}

// One string per row, one character per command in MATRIX_COMMANDS order.
const ROWS: ReadonlyArray<[OptionName, string]> = [
  ['numeric', 'xxxx.xxxxxxx.x'],
  ['connection', 'xxxx1xxxxxxxxx'],
  ['service-address', '+++x1+++xxxxx.'],
  ['scheduler', '..xxxxxxxxxxxx'],
  ['persistent', '..xxxxxxxxxxxx'],
  ['netmask', '..xxxxxxxxxxxx'],
  ['real-server', 'xxxxx+++xxxxxx'],
  ['forwarding-method', 'xxxxx.x.xxxxxx'],
  ['weight', 'xxxxx.x.xxxxxx'],
  ['u-threshold', 'xxxxx.x.xxxxxx'],
  ['l-threshold', 'xxxxx.x.xxxxxx'],
  ['mcast-interface', 'xxxxxxxxx.xxxx'],
  ['timeout', 'xxxx1xxxxxxxxx'],
  ['daemon', 'xxxx1xxxxxxxxx'],
  ['stats', 'xxxx.xxxxxxxxx'],
  ['rate', 'xxxx.xxxxxxxxx'],
  ['thresholds', 'xxxx.xxxxxxxxx'],
  ['persistent-conn', 'xxxx.xxxxxxxxx'],
  ['nosort', 'xxxx.xxxxxxxxx'],
  ['syncid', 'xxxx.xxxx..xxx'],
  ['exact', 'xxxx.xxxxxxxxx'],
  ['ops', '..xxxxxxxxxxxx'],
  ['pe', '..xxxxxxxxxxxx'],
  ['sched-flags', '..xxxxxxxxxxxx'],
  ['mcast-group', 'xxxxxxxxx.xxxx'],
  ['mcast-port', 'xxxxxxxxx.xxxx'],
  ['mcast-ttl', 'xxxxxxxxx.xxxx'],
  ['sync-maxlen', 'xxxxxxxxx.xxxx'],
  ['tun-info', 'xxxx.xxxxxxxxx'],
  ['tun-type', 'xxxxx.x.xxxxxx'],
  ['tun-port', 'xxxxx.x.xxxxxx'],
  ['tun-nocsum', 'xxxxx.x.xxxxxx'],
  ['tun-csum', 'xxxxx.x.xxxxxx'],
  ['tun-remcsum', 'xxxxx.x.xxxxxx'],
  // Ours, not 1.31's: the listings and the save.
  ['json', 'xxxx.xxxxxxx.x'],
];

export const COMMAND_OPTION_MATRIX: readonly MatrixRow[] = ROWS.map(([option, text]) => {
  const cells = {} as Record<MatrixCommand, Cell>;
  MATRIX_COMMANDS.forEach((cmd, i) => {
    cells[cmd] = text[i] as Cell;
  });
  return { option, cells };
});

/** The first violation in row order, as ipvsadm words it; undefined when the combination is fine. */
export function checkCommandOptions(command: MatrixCommand, present: ReadonlySet<string>): string | undefined {
  let firstOfGroup: OptionName | undefined;
  for (const { option, cells } of COMMAND_OPTION_MATRIX) {
    const cell = cells[command];
    if (!present.has(option)) {
      if (cell === '+') return `You need to supply the '${option}' option for the '${command}' command`;
      continue;
    }
    if (cell === 'x') return `Illegal '${option}' option with the '${command}' command`;
    if (cell === '1') {
      if (firstOfGroup !== undefined) {
        return `The option '${option}' conflicts with the '${firstOfGroup}' option in the '${command}' command`;
      }
      firstOfGroup = option;
    }
  }
  return undefined;
}

export type TunnelOption = 'tun-port' | 'tun-nocsum' | 'tun-csum' | 'tun-remcsum';

/** Checked in this column order. */
export const TUNNEL_OPTIONS: readonly TunnelOption[] = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];

export const TUNNEL_TYPE_MATRIX: Readonly<Record<TunnelTypeName, Readonly<Record<TunnelOption, Cell>>>> = {
  ipip: { 'tun-port': 'x', 'tun-nocsum': 'x', 'tun-csum': 'x', 'tun-remcsum': 'x' },
  gue: { 'tun-port': '+', 'tun-nocsum': '1', 'tun-csum': '1', 'tun-remcsum': '1' },
  gre: { 'tun-port': 'x', 'tun-nocsum': '1', 'tun-csum': '1', 'tun-remcsum': 'x' },
};

export function checkTunnelOptions(type: TunnelTypeName, present: ReadonlySet<string>): string | undefined {
  let firstOfGroup: TunnelOption | undefined;
  for (const option of TUNNEL_OPTIONS) {
    const cell = TUNNEL_TYPE_MATRIX[type][option];
    if (!present.has(option)) {
      if (cell === '+') return `You need to supply the '${option}' option for the '${type}' tunnel type`;
      continue;
    }
    if (cell === 'x') return `Illegal '${option}' option with the '${type}' tunnel type`;
    if (cell === '1') {
      if (firstOfGroup !== undefined) {
        return `The option '${option}' conflicts with the '${firstOfGroup}' option in the '${type}' tunnel type`;
      }
      firstOfGroup = option;
    }
  }
  return undefined;
}
