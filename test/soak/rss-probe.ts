/**
 * Loaded with `node --require` in front of our ipvsadm by the soak: at exit,
 * appends the process's peak resident set size (kB) to $SOAK_RSS_FILE, one
 * line per run, so the soak can report the most any run of ours took.
 * Writes nothing else, and nothing at all without the variable.
 */
import * as fs from 'fs';

process.on('exit', () => {
  const file = process.env.SOAK_RSS_FILE;
  if (file) fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
});
