'use strict';
// What the programs in bin/ share: load a bundle and run one program
// (ipvsadm, ipvsadm-save and ipvsadm-restore are in dist/ipvsadm.js;
// ipvsadm-realserver has a bundle of its own, so that neither weighs on the
// other's start-up). A checkout that was never built gets one line saying so
// instead of a stack trace.
//
// The bundle is compiled here rather than by require(), so that V8 can take
// the code cache `npm run build` wrote beside it (dist/ipvsadm.cache, made by
// scripts/code-cache.js through loadBundle below): parsing 240 kB of
// JavaScript is most of what the bundle costs to start, several times more
// in the kernel lab than on metal. A cache that does not match this node or
// this bundle is rejected by V8 and the bundle compiles as usual.
//
// V8 takes a cache only from a node started with the flags it was made
// with, so there are two: `<bundle>.cache` for the flags the programs' #!
// lines give node (NODE_FLAGS), and `<bundle>.plain.cache` for a node
// started without them (`node bin/ipvsadm`, as the tests run it).
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { createRequire, wrap } = require('module');

/** The bundles the build makes, each with its code caches beside it. */
const BUNDLES = ['ipvsadm', 'ipvsadm-realserver'];

/**
 * The V8 flags every program in bin/ starts node with (its #! line; a test
 * holds them together). In the kernel lab, where the tool is measured, a
 * thread switch, a clock read and a page touched for the first time each
 * cost tens of microseconds, and V8's background threads (compiler,
 * parallel and concurrent GC) cost a one-CPU guest more than they save a
 * program that runs for a second or two (bench/RESULTS.md, seventh round).
 * `--max-semi-space-size=1` helped `-L -n` too, but made `--stats`, whose
 * servers all live to the end, 40 % slower: not taken.
 */
const NODE_FLAGS = ['--single-threaded'];

/** Whether this node was started with NODE_FLAGS (as the programs are), so takes `<bundle>.cache`. */
function startedWithFlags() {
  return NODE_FLAGS.every((flag) => process.execArgv.includes(flag));
}

function bundlePaths(name = 'ipvsadm', withFlags = startedWithFlags()) {
  const dist = path.join(__dirname, '..', 'dist');
  return { bundle: path.join(dist, `${name}.js`), cache: path.join(dist, withFlags ? `${name}.cache` : `${name}.plain.cache`) };
}

const { cache: CACHE } = bundlePaths();

/**
 * Runs bundle `name` as a CommonJS module and returns its exports; with
 * `makeCache`, also returns V8's code cache of it, every function compiled.
 */
function loadBundle(makeCache = false, name = 'ipvsadm') {
  const { bundle, cache } = bundlePaths(name);
  const source = fs.readFileSync(bundle, 'utf8');
  let cachedData;
  if (!makeCache) {
    try {
      cachedData = fs.readFileSync(cache);
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
    script = new vm.Script(wrap(source), { filename: bundle, cachedData });
  } finally {
    if (makeCache) require('v8').setFlagsFromString('--lazy');
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return { exports: module.exports, cache: makeCache ? script.createCachedData() : undefined };
}

function start(program, bundle = 'ipvsadm') {
  const file = bundlePaths(bundle).bundle;
  let cli;
  try {
    ({ cli } = loadBundle(false, bundle).exports);
  } catch (error) {
    if (error && error.code === 'ENOENT' && error.path === file) {
      process.stderr.write(`${program}: ${file} is missing: run npm run build\n`);
      process.exit(2);
    }
    throw error;
  }
  cli(program);
}

module.exports = start;
module.exports.loadBundle = loadBundle;
module.exports.CACHE = CACHE;
module.exports.BUNDLES = BUNDLES;
module.exports.bundlePaths = bundlePaths;
module.exports.NODE_FLAGS = NODE_FLAGS;
module.exports.startedWithFlags = startedWithFlags;
