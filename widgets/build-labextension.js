#!/usr/bin/env node
// Builds the JupyterLab 4 prebuilt (federated) extension into labextension/ with npm only, via
// @jupyterlab/builder. The "core path" (JupyterLab's shared package list) is taken from the project's
// .venv JupyterLab when present (exactly what `jupyter labextension build` passes), else from the
// committed copy jlab-core/package.json. `node build-labextension.js [--development]`
'use strict';
const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');
const here = __dirname;
function venvCore() {
  const lib = path.join(here, '..', '.venv', 'lib');
  if (!fs.existsSync(lib)) return null;
  for (const py of fs.readdirSync(lib)) {
    const p = path.join(lib, py, 'site-packages', 'jupyterlab', 'staging');
    if (fs.existsSync(path.join(p, 'package.json'))) return p;
  }
  return null;
}
const core = process.env.ESDLAB_JLAB_CORE || venvCore() || path.join(here, 'jlab-core');
const builder = require.resolve('@jupyterlab/builder/lib/build-labextension.js', { paths: [here] });
const args = [builder, '--core-path', core];
if (process.argv.includes('--development')) args.push('--development');
args.push(here);
console.error(`[widgets] building labextension (core: ${path.relative(here, core) || core})`);
execFileSync(process.execPath, args, { stdio: 'inherit', cwd: here });
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'labextension', 'package.json'), 'utf8'));
if (!pkg.jupyterlab || !pkg.jupyterlab._build || !pkg.jupyterlab._build.load) throw new Error('labextension/package.json has no jupyterlab._build.load');
console.error(`[widgets] labextension built: ${pkg.jupyterlab._build.load}`);
