#!/usr/bin/env node
// `npm run soak`: the bounded soak of issue 12 (test/soak/main.ts) in the
// kernel lab of `npm run lab`, run in the director d1, whose table it
// changes; its output and status come back as the lab gives them (125 when
// the lab itself could not run).
//
// node scripts/soak.js [--minutes M | --seconds S] [--seed N] [--traffic] [--verbose]
//   --traffic: a steady stream of requests from the client c to 10.0.0.100:80
//   --verbose: a line per step (what it did, how long it and its checks took)
'use strict';

const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const shell = path.join(repo, 'dist', 'scripts', 'lab', 'shell.js');
const soak = path.join(repo, 'dist', 'test', 'soak', 'main.js');
const LAB_FAILED = 125; // as LAB_FAILED in scripts/lab/shell.ts, which may not be built yet

if (!fs.existsSync(shell) || !fs.existsSync(soak) || !fs.existsSync(path.join(repo, 'dist', 'ipvsadm.js'))) {
  process.stderr.write('soak: the build is missing (dist/): run npm run build\n');
  process.exit(LAB_FAILED);
}
const args = process.argv.slice(2).flatMap((a) => (a === '--traffic' ? ['--traffic-client', 'c'] : [a]));
require(shell)
  .main(repo, ['on', 'd1', process.execPath, soak, ...args])
  .then((status) => process.exit(status));
