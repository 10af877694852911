#!/usr/bin/env node
// `npm run lab` (see scripts/lab/shell.ts): the kernel lab with a small
// ready cluster, and a shell in it, or one command run there.
//
// node scripts/lab.js [--] [COMMAND...]
'use strict';

const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const shell = path.join(repo, 'dist', 'scripts', 'lab', 'shell.js');
const LAB_FAILED = 125; // as LAB_FAILED in scripts/lab/shell.ts, which may not be built yet

if (!fs.existsSync(shell) || !fs.existsSync(path.join(repo, 'dist', 'ipvsadm.js'))) {
  process.stderr.write('lab: the build is missing (dist/): run npm run build\n');
  process.exit(LAB_FAILED);
}
require(shell)
  .main(repo, process.argv.slice(2))
  // Exit at once: our stdin may still be open, and the copies to stdout and stderr are synchronous.
  .then((status) => process.exit(status));
