#!/usr/bin/env node
// Compiles the widget sources (and the esdlab core/viz files they import from ../src) into lib/ as
// ES modules for the JupyterLab builder. JupyterLab/Lumino/@jupyter-widgets packages stay external
// (shared with JupyterLab at run time); vega & co. are bundled privately. `node build-lib.js`
'use strict';
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');
const here = __dirname;
fs.rmSync(path.join(here, 'lib'), { recursive: true, force: true });
esbuild.buildSync({
  entryPoints: { plugin: path.join(here, 'src', 'plugin.ts'), widget: path.join(here, 'src', 'widget.ts') },
  outdir: path.join(here, 'lib'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2019',
  external: ['@jupyter-widgets/*', '@jupyterlab/*', '@lumino/*', 'backbone', 'jquery', 'lodash'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  nodePaths: [path.join(here, 'node_modules')],
});
console.error('[widgets] lib/ built');
