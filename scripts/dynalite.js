// Starts dynalite as its own command line does (same flags), but keeps it
// running when a client hangs up in the middle of a request. dynalite
// rethrows such a request error, which ends the whole process and every
// test after it (architect/dynalite#183). The tests that inject faults,
// cancel calls and time requests out do exactly that.
'use strict';
const path = require('path');

process.on('uncaughtException', (err) => {
  if (err && err.code === 'ECONNRESET') {
    console.error('dynalite: a client hung up mid-request; carrying on:', err.message);
    return;
  }
  console.error(err);
  process.exit(1);
});

require(path.join(__dirname, '..', 'node_modules', 'dynalite', 'cli.js'));
