#!/usr/bin/env node
// The last step of npm run build: V8's code cache of dist/ipvsadm.js, made by
// the node that builds, for bin/start.js to compile the bundle from (see there).
'use strict';

const fs = require('fs');
const { loadBundle, CACHE } = require('../bin/start.js');

fs.writeFileSync(CACHE, loadBundle(true).cache);
