#!/usr/bin/env python3
"""Reference outputs for esdlab's alternative-distribution fits and log-likelihood-ratio tests.

Run ONCE, from the repository root, with the reference venv (powerlaw==1.5, numpy, scipy, mpmath):

    /work/refvenv/bin/python test/reference/alternatives/make_reference.py

It writes (all committed):
  test/reference/alternatives/data/*.txt      seeded synthetic samples (one value per line, repr)
  test/reference/alternatives/special.json    special-function values from mpmath / scipy
  test/reference/alternatives/powerlaw.json   powerlaw 1.5 fits of every alternative + R, p; for continuous
      cases also `exactLogLikelihood`: the log-likelihood at powerlaw's parameters recomputed in 40-digit
      mpmath with each density normalized exactly on [xmin, xmax] (powerlaw 1.5 itself ignores xmax in
      its continuous normalizers and loses precision where its float64 lognormal normalizer underflows);
      for discrete cases the same with powerlaw's discrete definitions (zeta, geometric, Lerch Phi, 'round')

The Clauset-Shalizi-Newman data sets are read from test/reference/data/ (copies of the files in the
powerlaw repository's reference_data folder) with the factors and discrete flags of powerlaw's own
tests (testing/test_powerlaw.py). The tests never run Python.
"""
import json, os, sys, time, warnings
import numpy as np
import mpmath as mp
import scipy, scipy.special as ss, scipy.stats as st
import powerlaw

warnings.filterwarnings('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
DATA = os.path.join(ROOT, 'test', 'reference', 'data')
SYN = os.path.join(HERE, 'data')
os.makedirs(SYN, exist_ok=True)
mp.mp.dps = 50


def f(x):
    return float(x)


# ---------------------------------------------------------------- special functions
def special():
    out = {'mpmath': mp.__version__, 'scipy': scipy.__version__}
    xs = [-6.0, -3.0, -1.5, -0.7, -0.3, -1e-3, 0.0, 1e-8, 0.1, 0.46875, 0.5, 1.0, 2.0, 4.0, 5.9, 10.0, 26.0]
    out['erf'] = [[x, f(mp.erf(x))] for x in xs]
    out['erfc'] = [[x, f(mp.erfc(x))] for x in xs]
    out['lnErfc'] = [[x, f(mp.log(mp.erfc(x)))] for x in [1.0, 5.0, 27.0, 30.0, 100.0, 1e3]]
    gs = [1e-10, 1e-3, 0.1, 0.5, 0.9, 1.0, 1.5, 2.5, 7.3, 20.0, 100.5, 171.3, 1e4, -0.5, -1.5, -2.7]
    out['lnGamma'] = [[x, f(mp.log(abs(mp.gamma(x))))] for x in gs]
    # upper incomplete gamma Gamma(s, x) (non-regularized), log of it; any real s
    pts = []
    for s in [-40.0, -12.5, -7.0, -3.0, -2.0, -1.9, -1.5, -1.0, -0.999999, -0.5, -1e-9, 0.0, 1e-9, 0.3, 0.5,
              1.0, 1.7, 4.0, 15.5, 60.0]:
        for x in [1e-12, 1e-6, 1e-3, 0.05, 0.5, 1.0, 1.4999, 1.5001, 3.0, 10.0, 50.0, 700.0, 5000.0]:
            v = mp.gammainc(s, x)
            pts.append([s, x, f(mp.log(v))])
    out['lnUpperGamma'] = pts
    # regularized Q(s, x) and P(s, x) for s > 0
    out['gammaQ'] = [[s, x, f(mp.gammainc(s, x, regularized=True))] for s in [0.5, 1.0, 3.5, 30.0]
                     for x in [0.01, 0.5, 3.0, 29.0, 35.0, 80.0]]
    out['gammaP'] = [[s, x, f(mp.gammainc(s, 0, x, regularized=True))] for s in [0.5, 1.0, 3.5, 30.0]
                     for x in [0.01, 0.5, 3.0, 29.0, 35.0, 80.0]]
    out['lnErfcDiffDelta'] = [[a, d, f(mp.log(mp.erfc(mp.mpf(a)) - mp.erfc(mp.mpf(a) + mp.mpf(d))))] for a, d in
                              [(0.3, 1e-7), (2.0, 1e-9), (5.0, 1e-6), (30.0, 1e-3), (1e8, 1e-9), (-3.0, 1e-8),
                               (-0.5, 2.0), (0.7, 0.5), (3.0, 2e-5), (12.0, 3e-6)]]
    out['chi2cdf1'] = [[x, f(st.chi2.cdf(x, 1)), f(mp.erf(mp.sqrt(mp.mpf(x) / 2)))] for x in
                       [0.0, 1e-6, 0.5, 1.0, 2.0, 3.841458820694124, 6.634896601021214, 10.0, 30.0]]
    return out


# ---------------------------------------------------------------- synthetic data
def synthetic():
    rng = np.random.default_rng(20260101)
    sets = {}
    # continuous Pareto tail, alpha = 2.5, xmin = 1 (inverse cdf)
    sets['pareto2.5'] = (1 - rng.random(2000)) ** (-1 / 1.5)
    # lognormal body+tail
    sets['lognormal'] = np.exp(rng.normal(1.0, 0.8, 1500))
    # stretched-exponential-like (Weibull, shape 0.6) shifted
    sets['weibull0.6'] = 1 + rng.weibull(0.6, 1200) * 3
    # truncated power law (alpha 1.7, lambda 0.01, xmin 1) by rejection
    out = []
    while len(out) < 1500:
        x = 1 - np.log(1 - rng.random()) / 0.01
        if rng.random() < x ** -1.7:
            out.append(x)
    sets['tpl1.7'] = np.array(out)
    # ESD of a heavy-tailed random matrix: W (1024 x 512) with Pareto(mu=2.5) entries, X = W^T W / N
    W = rng.pareto(2.5, size=(1024, 512)) * rng.choice([-1.0, 1.0], size=(1024, 512))
    sets['esd_pareto'] = np.linalg.eigvalsh(W.T @ W / 1024)
    # ESD of a Gaussian (MP) matrix: (2048 x 512)
    G = rng.normal(size=(2048, 512))
    sets['esd_gauss'] = np.linalg.eigvalsh(G.T @ G / 2048)
    for k, v in sets.items():
        with open(os.path.join(SYN, k + '.txt'), 'w') as fh:
            fh.write('\n'.join(repr(float(x)) for x in v) + '\n')
    return list(sets.keys())


def load(path):
    return np.loadtxt(path, dtype=float)


ALTS = ['exponential', 'stretched_exponential', 'lognormal', 'lognormal_positive', 'truncated_power_law']
PNAMES = {'power_law': ['alpha'], 'exponential': ['Lambda'], 'stretched_exponential': ['Lambda', 'beta'],
          'lognormal': ['mu', 'sigma'], 'lognormal_positive': ['mu', 'sigma'],
          'truncated_power_law': ['alpha', 'Lambda']}


def exact_ll(name, params, data, xmin, xmax):
    """Sum of ln p(x) at the given parameters, in 40-digit mpmath, with every density normalized
    exactly on [xmin, xmax] (or [xmin, inf)). Independent of powerlaw's float64 code paths."""
    with mp.workdps(40):
        xmin = mp.mpf(xmin)
        xm = None if xmax is None else mp.mpf(xmax)
        P = {k: mp.mpf(v) for k, v in params.items()}
        if name == 'power_law':
            a = P['alpha']
            Z = (xmin ** (1 - a) - (0 if xm is None else xm ** (1 - a))) / (a - 1)
            lk = lambda x: -a * mp.log(x)
        elif name == 'exponential':
            L = P['Lambda']
            Z = (mp.exp(-L * xmin) - (0 if xm is None else mp.exp(-L * xm))) / L
            lk = lambda x: -L * x
        elif name == 'stretched_exponential':
            L, b = P['Lambda'], P['beta']
            Z = (mp.exp(-(L * xmin) ** b) - (0 if xm is None else mp.exp(-(L * xm) ** b))) / (b * L ** b)
            lk = lambda x: (b - 1) * mp.log(x) - (L * x) ** b
        elif name == 'truncated_power_law':
            a, L = P['alpha'], P['Lambda']
            Z = L ** (a - 1) * (mp.gammainc(1 - a, L * xmin) - (0 if xm is None else mp.gammainc(1 - a, L * xm)))
            lk = lambda x: -a * mp.log(x) - L * x
        else:
            mu, sg = P['mu'], P['sigma']
            w0 = (mp.log(xmin) - mu) / (mp.sqrt(2) * sg)
            Z = sg * mp.sqrt(mp.pi / 2) * (mp.erfc(w0) - (0 if xm is None else mp.erfc((mp.log(xm) - mu) / (mp.sqrt(2) * sg))))
            lk = lambda x: -mp.log(x) - (mp.log(x) - mu) ** 2 / (2 * sg ** 2)
        if not (Z > 0):
            return None
        lZ = mp.log(Z)
        return f(mp.fsum(lk(mp.mpf(float(x))) - lZ for x in data))


def exact_ll_discrete(name, params, data, xmin):
    """Discrete log-likelihood (no xmax) in 40-digit mpmath with powerlaw's discrete definitions:
    zeta / geometric / Lerch-Phi normalizers, and the 'round' approximation (mass in [x-1/2, x+1/2]
    over the mass above xmin-1/2) for the lognormal and stretched exponential."""
    with mp.workdps(40):
        xmin = mp.mpf(xmin)
        P = {k: mp.mpf(v) for k, v in params.items()}
        xs = [mp.mpf(float(x)) for x in data]
        n = len(xs)
        if name == 'power_law':
            a = P['alpha']
            return f(-a * mp.fsum(mp.log(x) for x in xs) - n * mp.log(mp.zeta(a, xmin)))
        if name == 'exponential':
            L = P['Lambda']
            return f(n * mp.log(1 - mp.exp(-L)) - L * mp.fsum(x - xmin for x in xs))
        if name == 'truncated_power_law':
            a, L = P['alpha'], P['Lambda']
            Z = mp.exp(-L * xmin) * mp.lerchphi(mp.exp(-L), a, xmin)
            return f(mp.fsum(-a * mp.log(x) - L * x for x in xs) - n * mp.log(Z))
        if name in ('lognormal', 'lognormal_positive'):
            mu, sg = P['mu'], P['sigma']
            w = lambda v: (mp.log(v) - mu) / (mp.sqrt(2) * sg)
            return f(mp.fsum(mp.log(mp.erfc(w(x - 0.5)) - mp.erfc(w(x + 0.5))) for x in xs) - n * mp.log(mp.erfc(w(xmin - 0.5))))
        if name == 'stretched_exponential':
            L, b = P['Lambda'], P['beta']
            S = lambda v: mp.exp(-(L * v) ** b)
            return f(mp.fsum(mp.log(S(x - 0.5) - S(x + 0.5)) for x in xs) - n * mp.log(S(xmin - 0.5)))
    return None


def run_case(name, data, discrete, xmin=None, xmax=None):
    t0 = time.time()
    kw = dict(discrete=discrete, estimate_discrete=False) if discrete else {}
    if xmin is not None:
        kw['xmin'] = xmin
    if xmax is not None:
        kw['xmax'] = xmax
    fit = powerlaw.Fit(data, **kw)
    res = {'name': name, 'discrete': discrete, 'xmin': f(fit.xmin), 'xmax': None if xmax is None else f(xmax),
           'alpha': f(fit.alpha), 'nTail': int(len(fit.data)), 'fixedXmin': xmin is not None}
    dists = {}
    for d in ['power_law'] + ALTS:
        t1 = time.time()
        dist = getattr(fit, d)
        ll = np.asarray(dist.loglikelihoods(fit.data), dtype=float)
        dists[d] = {'params': {p: f(getattr(dist, p if p != 'Lambda' else 'Lambda')) for p in PNAMES[d]},
                    'logLikelihood': f(np.sum(ll)), 'noiseFlag': bool(getattr(dist, 'noise_flag', False)),
                    'inRange': bool(dist.in_range()), 'seconds': time.time() - t1}
        if not discrete:
            dists[d]['exactLogLikelihood'] = exact_ll(d, dists[d]['params'], fit.data, fit.xmin, xmax)
        elif xmax is None:
            dists[d]['exactLogLikelihood'] = exact_ll_discrete(d, dists[d]['params'], fit.data, fit.xmin)
    res['distributions'] = dists
    comps = {}
    pairs = [('power_law', a) for a in ALTS] + [('lognormal', 'exponential'), ('exponential', 'stretched_exponential'),
                                               ('lognormal', 'truncated_power_law')]
    for a, b in pairs:
        R, p = fit.distribution_compare(a, b)
        Rn, pn = fit.distribution_compare(a, b, normalized_ratio=True)
        Rf, pf = fit.distribution_compare(a, b, nested=False)
        comps[a + '|' + b] = {'R': f(R), 'p': f(p), 'normalizedR': f(Rn), 'pNormalizedCall': f(pn),
                              'pNestedFalse': f(pf), 'RNestedFalse': f(Rf)}
    res['comparisons'] = comps
    res['seconds'] = time.time() - t0
    print(name, 'xmin', res['xmin'], 'n', res['nTail'], '%.1fs' % res['seconds'], file=sys.stderr, flush=True)
    return res


def main():
    only = sys.argv[1:]
    out_special = os.path.join(HERE, 'special.json')
    if not only or 'special' in only:
        with open(out_special, 'w') as fh:
            json.dump(special(), fh, indent=1)
    syn = synthetic()
    cases = []
    csn = [('blackouts', 1e-3, False), ('cities', 1e-3, False), ('fires', 1, False), ('flares', 1, False),
           ('quakes', 1e-3, False), ('surnames', 1e-3, False), ('words', 1, True), ('terrorism', 1, True)]
    for k in syn:
        cases.append(('syn:' + k, os.path.join(SYN, k + '.txt'), 1, False, {}))
    cases.append(('syn:pareto2.5@xmax', os.path.join(SYN, 'pareto2.5.txt'), 1, False, {'xmin': 1.5, 'xmax': 40.0}))
    for k, fac, disc in csn:
        cases.append(('csn:' + k, os.path.join(DATA, k + '.txt'), fac, disc, {}))
    results = {'powerlaw': powerlaw.__version__, 'numpy': np.__version__, 'scipy': scipy.__version__,
               'mpmath': mp.__version__,
               'command': '/work/refvenv/bin/python test/reference/alternatives/make_reference.py',
               'cases': []}
    for name, path, fac, disc, kw in cases:
        if only and name not in only and 'all' not in only:
            continue
        data = load(path) * fac if fac != 1 else load(path)
        results['cases'].append(dict(run_case(name, data, disc, **kw), file=os.path.relpath(path, ROOT), factor=fac))
        with open(os.path.join(HERE, 'powerlaw.json'), 'w') as fh:
            json.dump(results, fh, indent=1)


if __name__ == '__main__':
    main()
