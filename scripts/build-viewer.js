#!/usr/bin/env node
// Builds the kernel-free viewer bundle (widgets/src/standalone.ts + vega + esdlab core) into
// dist/viewer/esdlab-viewer.js for the HTML report. Run by `npm run build` after tsc.
'use strict';
const { writeViewerBundle } = require('../dist/report/viewerAsset.js');
const out = writeViewerBundle();
console.error(`[build-viewer] wrote ${out}`);
