// `npm run lab` as a person sees it: tmux runs it in a terminal, keys are
// typed, the screen is read. The shell has the cluster's table and reaches
// the VIP, a resize of the terminal reaches the guest, `exit N` comes back
// as the status, and the host terminal's settings are as they were.
import * as fs from 'fs';
import * as path from 'path';
import { Terminal } from '../kernel/terminal';
import { BOOT_MS, REPO, scratchTmp } from './run-lab';

const PROMPT = /^lab:c [^\n]*# $/m;

test('a shell in the lab: ipvsadm, curl to the VIP, a resize, exit 3, the terminal restored', async () => {
  const tmp = scratchTmp();
  const term = new Terminal(tmp.dir, { width: 100, height: 30, env: { ...process.env, TMPDIR: tmp.dir } });
  const before = path.join(tmp.dir, 'stty-before');
  const after = path.join(tmp.dir, 'stty-after');
  let left: string[] = [];
  try {
    term.start(['sh', '-c', `cd ${REPO} && stty -g > ${before}; npm run lab; s=$?; stty -g > ${after}; exit $s`]);
    const lastRows = (n: number) => term.screen().rows.slice(-n).join('\n');
    // Each step waits for a new prompt after the text that step expects.
    const step = async (line: string, expected: RegExp) => {
      term.sendKeys('-l', line);
      term.sendKeys('Enter');
      const shown = await term.waitForScreen(
        (s) => { const text = s.rows.join('\n'); const at = text.lastIndexOf(line); return at >= 0 && expected.test(text.slice(at)) && PROMPT.test(text.slice(at).split('\n').pop() + ' '); },
        `${expected} after ${line}`, 60_000,
      );
      const text = shown.rows.join('\n');
      return text.slice(text.lastIndexOf(line));
    };

    const banner = await term.waitForScreen((s) => s.rows.some((r) => /^lab:c \S+#/.test(r)), 'the lab prompt', BOOT_MS);
    expect(banner.rows.join('\n')).toContain('The director d1 holds the VIP 10.0.0.100');

    const listing = await step('ipvsadm -L -n', /10\.0\.0\.13:8080 +Route/);
    expect(listing).toMatch(/TCP {2}10\.0\.0\.100:80 rr\n(.*Masq.*\n){3}TCP {2}10\.0\.0\.100:8080 rr\n(.*Route.*\n){3}/);

    const nat = await step('for i in 1 2 3; do curl -s http://10.0.0.100/; done', /\ns\d\ns\d\ns\d\n/);
    expect(nat.split('\n').slice(1, 4).sort()).toEqual(['s1', 's2', 's3']);
    const dr = await step('curl -s http://10.0.0.100:8080/', /\ns\d\n/);
    expect(dr.split('\n')[1]).toMatch(/^s[123]$/);

    expect(await step('stty size', /\n\d+ \d+\n/)).toContain('\n30 100\n');
    term.resize(120, 40);
    // The guest polls the size every 0.3 s.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await step('stty size', /\n\d+ \d+\n/)).toContain('\n40 120\n');

    term.sendKeys('-l', 'exit 3');
    term.sendKeys('Enter');
    expect(await term.waitForExit(60_000)).toBe(3);
    expect(lastRows(3)).not.toMatch(/reboot|halted|Power/);
    expect(fs.readFileSync(after, 'utf8')).toBe(fs.readFileSync(before, 'utf8'));
  } finally {
    term.close();
    left = tmp.leftovers().filter((f) => !/stty-(before|after)$/.test(f));
    tmp.remove();
  }
  expect(left).toEqual([]);
}, BOOT_MS + 120_000);
