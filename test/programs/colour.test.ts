// When the plan of apply and diff is coloured: on a terminal only, unless
// NO_COLOR (any non-empty value) says never or FORCE_COLOR says always or
// never. The kernel lab checks the colours themselves on a tmux screen
// (test/kernel/plan-terminal.test.ts).
import { wantsColour } from '../../src/programs';

const terminal = () => true;
const pipe = () => false;

describe('wantsColour', () => {
  test.each([
    ['a terminal, nothing set', {}, terminal, true],
    ['a pipe, nothing set', {}, pipe, false],
    ['NO_COLOR=1 on a terminal', { NO_COLOR: '1' }, terminal, false],
    ['an empty NO_COLOR is not set', { NO_COLOR: '' }, terminal, true],
    ['NO_COLOR wins over FORCE_COLOR', { NO_COLOR: '1', FORCE_COLOR: '1' }, pipe, false],
    ['FORCE_COLOR=1 in a pipe', { FORCE_COLOR: '1' }, pipe, true],
    ['an empty FORCE_COLOR in a pipe (chalk: force)', { FORCE_COLOR: '' }, pipe, true],
    ['FORCE_COLOR=0 on a terminal', { FORCE_COLOR: '0' }, terminal, false],
    ['FORCE_COLOR=false on a terminal', { FORCE_COLOR: 'false' }, terminal, false],
  ])('%s', (_name, env, isTerminal, expected) => {
    expect(wantsColour(env as NodeJS.ProcessEnv, isTerminal)).toBe(expected);
  });
});
