import * as fs from 'fs';
import * as path from 'path';
import { nelderMead1d } from '../src/core/nelderMead1d';

// scipy.optimize.fmin (defaults) run once by test/reference/powerlaw/make_nm_reference.py.
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'powerlaw', 'nelderMead.json'), 'utf8'));
const X = [1.0, 1.3, 1.7, 2.2, 3.1, 4.4, 6.0, 9.5, 15.0, 40.0];
const fns: Record<string, (x: number) => number> = {
  quadratic: (x) => (x - 3) ** 2,
  quartic: (x) => (x + 0.5) ** 4 + 0.1 * x,
  zero_start: (x) => Math.cos(x) + 0.1 * x * x,
  powerlaw_nll: (a) => (a <= 1 ? -X.length * Math.log(1e-307) : -X.reduce((s, v) => s + Math.log(v ** -a * (a - 1)), 0)),
  maxfun: (x) => -Math.abs(x),
};

describe('nelderMead1d follows scipy.optimize.fmin step by step', () => {
  it.each(Object.keys(fns))('%s: same x, f(x), iterations, evaluations and warnflag', (name) => {
    const e = ref.cases[name];
    const r = nelderMead1d(fns[name], e.x0);
    expect(Math.abs(r.x - e.x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e.x)));
    expect(Math.abs(r.fx - e.fx)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e.fx)));
    expect([r.iterations, r.evaluations, r.warnflag]).toEqual([e.iterations, e.evaluations, e.warnflag]);
  });
  it('honours xtol (a tighter tolerance gets closer to the true minimum)', () => {
    const loose = nelderMead1d((x) => (x - Math.PI) ** 2, 1);
    const tight = nelderMead1d((x) => (x - Math.PI) ** 2, 1, { xtol: 1e-12, ftol: 1e-24, maxiter: 1000, maxfun: 1000 });
    expect(Math.abs(tight.x - Math.PI)).toBeLessThan(1e-10);
    expect(Math.abs(tight.x - Math.PI)).toBeLessThanOrEqual(Math.abs(loose.x - Math.PI));
  });
});
