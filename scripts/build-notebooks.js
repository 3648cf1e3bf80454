#!/usr/bin/env node
// Builds notebooks/*.ipynb from their reviewable sources notebooks/src/*.ts ("percent" format):
//   // %% [markdown]      starts a markdown cell; its lines lose a leading "// "
//   // %%                 starts a code cell (TypeScript, run by the esdlab kernel)
// Usage: node scripts/build-notebooks.js [--check]   (--check: exit 1 if an .ipynb is out of date)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'notebooks', 'src');
const check = process.argv.includes('--check');

function parse(text) {
  const cells = [];
  let cur = null;
  for (const line of text.split('\n')) {
    const m = /^\/\/ %%(?:\s*\[(markdown)\])?\s*$/.exec(line);
    if (m) {
      cur = { cell_type: m[1] ? 'markdown' : 'code', lines: [] };
      cells.push(cur);
      continue;
    }
    if (!cur) continue; // header comment before the first cell
    cur.lines.push(cur.cell_type === 'markdown' ? line.replace(/^\/\/ ?/, '') : line);
  }
  return cells.map((c) => {
    while (c.lines.length && c.lines[c.lines.length - 1].trim() === '') c.lines.pop();
    while (c.lines.length && c.lines[0].trim() === '') c.lines.shift();
    const source = c.lines.map((l, i) => (i < c.lines.length - 1 ? l + '\n' : l));
    return c.cell_type === 'markdown'
      ? { cell_type: 'markdown', metadata: {}, source }
      : { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source };
  });
}

function build(file) {
  const cells = parse(fs.readFileSync(path.join(srcDir, file), 'utf8'));
  const nb = {
    cells,
    metadata: {
      kernelspec: { name: 'esdlab', display_name: 'TypeScript (esdlab)', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', version: '5.0' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  cells.forEach((c, i) => { c.id = `${path.basename(file, '.ts')}-${i}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 64); });
  return JSON.stringify(nb, null, 1) + '\n';
}

let stale = 0;
for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.ts')).sort()) {
  const out = path.join(root, 'notebooks', file.replace(/\.ts$/, '.ipynb'));
  const text = build(file);
  const old = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (old === text) continue;
  if (check) { console.error(`out of date: ${path.relative(root, out)}`); stale++; continue; }
  fs.writeFileSync(out, text);
  console.error(`wrote ${path.relative(root, out)}`);
}
process.exit(stale ? 1 : 0);
