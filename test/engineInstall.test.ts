/**
 * The Node entry point installs the WebAssembly engine behind esd(); the core alone keeps the
 * pure-TypeScript backend; spectraOfMany runs layers through the installed backend.
 */
import * as esdlab from '../src';
import { getSpectrumBackend, setSpectrumBackend } from '../src/core/spectrumBackend';
import { tsGramEigenvalues } from '../src/core/eigen';
import { installedWasmSpectrumBackend, installWasmSpectrumBackend } from '../src/engine/install';
import { spectraOfMany } from '../src/engine/spectraOfMany';
import { createRng } from '../src/core/rng';

afterAll(() => installedWasmSpectrumBackend()?.dispose());

function gaussian(rows: number, cols: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

test('importing esdlab in Node installs the wasm backend, and esd() uses it', () => {
  expect(getSpectrumBackend().name).toMatch(/^wasm-simd/);
  expect(installedWasmSpectrumBackend()).toBe(getSpectrumBackend());
  const W = gaussian(200, 80, 3);
  const r = esdlab.esd({ data: W, shape: [200, 80] }) as unknown as { backend?: string };
  expect(r.backend).toBe(getSpectrumBackend().name);
  const ts = tsGramEigenvalues(W, 200, 80);
  const ev = getSpectrumBackend().gramEigenvalues(W, 200, 80);
  for (let i = 0; i < 80; i++) expect(Math.abs(ev[i] - ts[i])).toBeLessThan(1e-12 * ts[79]);
});

test('setSpectrumBackend(null) restores the pure-TypeScript backend; installing again replaces it', () => {
  setSpectrumBackend(null);
  expect(getSpectrumBackend().name).toBe('ts');
  const b = installWasmSpectrumBackend({ threads: 1 });
  expect(b).not.toBeNull();
  expect(getSpectrumBackend()).toBe(b);
});

test('spectraOfMany: every layer, in order, named errors', () => {
  const jobs = [
    { data: gaussian(90, 30, 1), rows: 90, cols: 30, name: 'a' },
    { data: gaussian(40, 60, 2), rows: 40, cols: 60, name: 'b' },
    { data: gaussian(300, 150, 4), rows: 300, cols: 150, name: 'c' },
  ];
  const seen: number[] = [];
  const out = spectraOfMany(jobs, { onProgress: (d) => seen.push(d) });
  expect(seen).toEqual([1, 2, 3]);
  out.forEach((ev, k) => {
    const j = jobs[k];
    const ref = tsGramEigenvalues(j.data, j.rows, j.cols);
    expect(ev.length).toBe(j.cols);
    for (let i = 0; i < j.cols; i++) expect(Math.abs(ev[i] - ref[i])).toBeLessThan(1e-12 * ref[j.cols - 1]);
  });
  const bad = new Float32Array(20).fill(1);
  bad[3] = NaN;
  expect(() => spectraOfMany([{ data: bad, rows: 5, cols: 4, name: 'layer.7' }])).toThrow(/layer\.7/);
});
