'use strict';
// What bin/ipvsadm, bin/ipvsadm-save and bin/ipvsadm-restore share: load the
// bundle and run one program. A checkout that was never built gets one line
// saying so instead of a stack trace.
const path = require('path');

module.exports = function start(program) {
  const bundle = path.join(__dirname, '..', 'dist', 'ipvsadm.js');
  let cli;
  try {
    ({ cli } = require(bundle));
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(bundle)) {
      process.stderr.write(`${program}: ${bundle} is missing: run npm run build\n`);
      process.exit(2);
    }
    throw error;
  }
  cli(program);
};
