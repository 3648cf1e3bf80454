#!/usr/bin/env node
'use strict';
require('../dist/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`esdlab: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
);
