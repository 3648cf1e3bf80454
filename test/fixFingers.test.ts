import * as fs from 'fs';
import * as path from 'path';
import { clipXmax, xminPeak } from '../src/core/fixFingers';
import { fitPowerLaw, type PowerLawFitOptions } from '../src/core/powerlaw';

// Reference: WeightWatcher 0.7.5.5 WeightWatcher.fit_powerlaw(fix_fingers=…) run once by
// test/reference/powerlaw/make_fingers_reference.py (command in its header).
const ROOT = path.join(__dirname, '..');
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'powerlaw', 'fingers.json'), 'utf8'));
const load = (f: string): number[] => fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').filter((l) => l.trim()).map(Number);
const close = (a: number, b: number, tol = 1e-9): void => { expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.abs(b)); };
const WW: PowerLawFitOptions = { candidates: 'ww', floor: 1e-5 };
const PL: PowerLawFitOptions = { floor: 1e-5 };

describe.each(Object.keys(ref.sets))('WeightWatcher fix_fingers reproduced (ww: true) on %s', (name) => {
  const e = ref.sets[name];
  const x = load(e.file);
  it('plain WWFit', () => {
    const f = fitPowerLaw(x, WW);
    close(f.alpha, e.plain_ww.alpha); close(f.xmin, e.plain_ww.xmin); close(f.D, e.plain_ww.D);
  });
  it('clip_xmax with WWFit: alpha, xmin, D, num_fingers, raw_alpha', () => {
    const c = clipXmax(x, { ww: true, fit: WW });
    close(c.fit.alpha, e.clip_ww.alpha); close(c.fit.xmin, e.clip_ww.xmin); close(c.fit.D, e.clip_ww.D);
    expect(c.numFingers).toBe(e.clip_ww.num_fingers);
    close(c.rawAlpha, e.clip_ww.raw_alpha);
    if (c.numFingers > 0) expect(c.removed).toBe(c.numFingers + 1); // WW's off-by-one
  });
  it('clip_xmax with powerlaw', () => {
    const c = clipXmax(x, { ww: true, fit: PL });
    close(c.fit.alpha, e.clip_powerlaw.alpha); close(c.fit.D, e.clip_powerlaw.D);
    expect(c.numFingers).toBe(e.clip_powerlaw.num_fingers);
  });
  it('xmin_peak with powerlaw (mixed log/linear range)', () => {
    const p = xminPeak(x, { ww: true, fit: PL });
    close(p.fit.alpha, e.peak_powerlaw.alpha); close(p.fit.xmin, e.peak_powerlaw.xmin); close(p.fit.D, e.peak_powerlaw.D);
  });
});

describe('clipXmax, correct rule', () => {
  const x = load(ref.sets.fingers_0.file).sort((a, b) => a - b);
  const c = clipXmax(x, { fit: WW });
  it('reports the first k whose fit drops alpha by more than fingerThresh, with numFingers = k removed', () => {
    expect(c.numFingers).toBe(c.removed);
    expect(c.numFingers).toBeGreaterThan(0);
    const k = c.removed;
    const direct = fitPowerLaw(x.slice(0, x.length - k), WW);
    expect(c.fit.alpha).toBe(direct.alpha);
    expect(c.fit.alpha + 1.0).toBeLessThan(c.rawAlpha);
    for (let j = 1; j < k; j++) {
      const aj = fitPowerLaw(x.slice(0, x.length - j), WW).alpha;
      expect(c.alphasByRemoved[j]).toBe(aj);
      expect(aj + 1.0).not.toBeLessThan(c.rawAlpha);
    }
  });
  it('keeps the raw fit when no clipping lowers alpha enough', () => {
    const r = clipXmax(load(ref.sets.fingers_1.file), { fit: WW });
    expect(r.numFingers).toBe(0);
    expect(r.fit.alpha).toBe(r.rawAlpha);
  });
  it('validates its options', () => {
    expect(() => clipXmax(x, { maxFingers: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => clipXmax([1, 2, Number.NaN])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});

describe('xminPeak, correct units', () => {
  it('searches xmin in [0.95·peak, 1.5·peak] (both linear) where peak is the fullest log10 bin edge', () => {
    const x = load(ref.sets.fingers_0.file);
    const p = xminPeak(x, { fit: PL });
    expect(p.range[0]).toBeCloseTo(0.95 * p.peak, 12);
    expect(p.range[1]).toBeCloseTo(1.5 * p.peak, 12);
    expect(p.fit.xmin).toBeGreaterThanOrEqual(p.range[0]);
    expect(p.fit.xmin).toBeLessThanOrEqual(p.range[1]);
    expect(p.fit.alpha).toBe(fitPowerLaw(x, { ...PL, xmin: p.range }).alpha);
    // the WW variant passes log10(0.95·peak) as the lower bound instead
    const w = xminPeak(x, { ww: true, fit: PL });
    expect(w.range[0]).toBeCloseTo(Math.log10(0.95 * w.peak), 12);
  });
  it('finds the peak bin of a histogram built like numpy.histogram', () => {
    // log10 range [0, 2] in 10 bins of 0.2: nine values in [1, 10^0.2) make the first bin the fullest
    const p = xminPeak([1, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35, 1.45, 100, 50, 20], { fit: PL, bins: 10 });
    expect(p.peak).toBe(1);
    expect(p.range).toEqual([0.95, 1.5]);
  });
});
