#!/usr/bin/env node
// The last step of npm run build: V8's code caches of each bundle in dist/,
// made by the node that builds, for bin/start.js to compile the bundle from
// (see there): one made by a node started as the programs start it (with
// start.js's NODE_FLAGS), one by a node started without them. This script
// writes the one that fits how it was started, and starts itself again the
// other way for the other.
'use strict';

const fs = require('fs');
const { spawnSync } = require('child_process');
const { loadBundle, bundlePaths, BUNDLES, NODE_FLAGS, startedWithFlags } = require('../bin/start.js');

for (const name of BUNDLES) fs.writeFileSync(bundlePaths(name).cache, loadBundle(true, name).cache);

if (!startedWithFlags()) {
  const again = spawnSync(process.execPath, [...NODE_FLAGS, __filename], { stdio: 'inherit' });
  if (again.status !== 0) {
    process.stderr.write(`code-cache.js: the run with ${NODE_FLAGS.join(' ')} failed (${again.error ? again.error.message : `status ${again.status}, signal ${again.signal}`})\n`);
    process.exit(1);
  }
}
