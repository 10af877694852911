#!/usr/bin/env node
// The last step of npm run build: V8's code cache of each bundle in dist/,
// made by the node that builds, for bin/start.js to compile the bundle from (see there).
'use strict';

const fs = require('fs');
const { loadBundle, bundlePaths, BUNDLES } = require('../bin/start.js');

for (const name of BUNDLES) fs.writeFileSync(bundlePaths(name).cache, loadBundle(true, name).cache);
