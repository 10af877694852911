'use strict';
// What bin/ipvsadm, bin/ipvsadm-save and bin/ipvsadm-restore share: load the
// bundle and run one program. A checkout that was never built gets one line
// saying so instead of a stack trace.
//
// The bundle is compiled here rather than by require(), so that V8 can take
// the code cache `npm run build` wrote beside it (dist/ipvsadm.cache, made by
// scripts/code-cache.js through loadBundle below): parsing 240 kB of
// JavaScript is most of what the bundle costs to start, several times more
// in the kernel lab than on metal. A cache that does not match this node or
// this bundle is rejected by V8 and the bundle compiles as usual.
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { createRequire, wrap } = require('module');

const BUNDLE = path.join(__dirname, '..', 'dist', 'ipvsadm.js');
const CACHE = path.join(__dirname, '..', 'dist', 'ipvsadm.cache');

/**
 * Runs the bundle as a CommonJS module and returns its exports; with
 * `makeCache`, also returns V8's code cache of it, every function compiled.
 */
function loadBundle(makeCache = false) {
  const source = fs.readFileSync(BUNDLE, 'utf8');
  let cachedData;
  if (!makeCache) {
    try {
      cachedData = fs.readFileSync(CACHE);
    } catch {
      // No cache: compile from source.
    }
  }
  // The cache is made with every function compiled, not only those the
  // bundle's top level runs: in the lab each function compiled at run time
  // reads the clock several times (system calls there), and a command runs
  // hundreds of the bundle's functions. The flag is put back before the
  // cache is written, so it carries the flags every run has.
  if (makeCache) require('v8').setFlagsFromString('--no-lazy');
  let script;
  try {
    script = new vm.Script(wrap(source), { filename: BUNDLE, cachedData });
  } finally {
    if (makeCache) require('v8').setFlagsFromString('--lazy');
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));
  return { exports: module.exports, cache: makeCache ? script.createCachedData() : undefined };
}

function start(program) {
  let cli;
  try {
    ({ cli } = loadBundle().exports);
  } catch (error) {
    if (error && error.code === 'ENOENT' && error.path === BUNDLE) {
      process.stderr.write(`${program}: ${BUNDLE} is missing: run npm run build\n`);
      process.exit(2);
    }
    throw error;
  }
  cli(program);
}

module.exports = start;
module.exports.loadBundle = loadBundle;
module.exports.CACHE = CACHE;
