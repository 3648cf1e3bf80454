/** Shared helpers of the loader tests: the committed fixtures and numpy's expected values. */
import * as fs from 'fs';
import * as path from 'path';
import { esdSpectrum } from '../src/core/esd';
import type { DenseTensor } from '../src/core/matrix';
import type { Model } from '../src/io/model';

/** test/fixtures/models */
export const MODELS = path.join(__dirname, 'fixtures', 'models');

interface ExpectedTensor { shape: number[]; sum: number; first: number[]; eigenvalues: number[] | null }
/** models.expected.json, written by test/fixtures/make_models.py (numpy). */
export const EXPECTED: { files: Record<string, { format: string; tensors: Record<string, ExpectedTensor> }> } =
  JSON.parse(fs.readFileSync(path.join(MODELS, 'models.expected.json'), 'utf8'));

/** Relative difference |a-b| / max(|b|, floor). */
export function rel(a: number, b: number, floor = 1e-300): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

/** Eigenvalues λ = σ² (pooled over conv slices, PyTorch or Keras layout) of a tensor, via esdlab's ESD. */
export function eigenvaluesOf(t: DenseTensor, layout: 'pytorch' | 'keras' = 'pytorch'): number[] {
  return Array.from(esdSpectrum(t, { normalize: 'none', layout }).eigenvalues);
}

/**
 * Checks every tensor of `model` against the fixture's expectations: names, shapes, sums and first
 * values (to float64 rounding), and eigenvalues to 1e-9 relative (of λmax for the smallest ones).
 */
export async function expectMatchesFixture(model: Model, fixture: string, layout: 'pytorch' | 'keras' = 'pytorch'): Promise<void> {
  const exp = EXPECTED.files[fixture];
  expect(exp).toBeDefined();
  expect(model.tensors.map((t) => t.name).sort()).toEqual(Object.keys(exp.tensors).sort());
  for (const entry of model.tensors) {
    const e = exp.tensors[entry.name];
    expect(entry.shape).toEqual(e.shape);
    const t = await model.readTensor(entry.name);
    expect(t.shape).toEqual(e.shape);
    let sum = 0;
    for (let i = 0; i < t.data.length; i++) sum += t.data[i];
    expect(Math.abs(sum - e.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e.sum)) + 1e-12 * t.data.length);
    e.first.forEach((v, i) => expect(t.data[i]).toBe(v));
    if (e.eigenvalues) {
      const ev = eigenvaluesOf(t, layout);
      expect(ev.length).toBe(e.eigenvalues.length);
      const lmax = e.eigenvalues[e.eigenvalues.length - 1];
      ev.forEach((v, i) => expect(Math.abs(v - e.eigenvalues![i]) / Math.max(Math.abs(e.eigenvalues![i]), 1e-6 * lmax)).toBeLessThan(1e-9));
    }
  }
}
