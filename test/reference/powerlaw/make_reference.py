#!/usr/bin/env python3
"""Reference values for esdlab's power-law fits (test/powerlaw.test.ts, test/zeta.test.ts).

Run ONCE, from the repository root, with the reference virtualenv (powerlaw==1.5, weightwatcher
0.7.5.5 installed --no-deps, numpy, scipy, mpmath):

    /work/refvenv/bin/python test/reference/powerlaw/make_reference.py

It writes seeded synthetic inputs to test/reference/powerlaw/data/*.txt (one value per line, repr
floats, committed), reads the Clauset-Shalizi-Newman data from test/reference/data/*.txt, and writes
test/reference/powerlaw/powerlaw.json (powerlaw.Fit and WWFit results) and
test/reference/powerlaw/zeta.json (mpmath Hurwitz zeta values). Tests never run Python.
zeta.json alone was regenerated (after raising mpmath's precision, see main_zeta) with

    /work/refvenv/bin/python test/reference/powerlaw/make_reference.py --zeta-only
"""
import json, os, sys, time, io, contextlib, warnings
import numpy as np
import powerlaw
import mpmath

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
CSN = os.path.join(HERE, "..", "data")
os.makedirs(DATA, exist_ok=True)

with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    from weightwatcher.WW_powerlaw import WWFit


def write(name, x):
    path = os.path.join(DATA, name)
    with open(path, "w") as f:
        for v in x:
            f.write(repr(float(v)) + "\n")
    return np.loadtxt(path)


def esd(rng, N, M, mu):
    # heavy-tailed matrix: symmetric Pareto entries with tail exponent mu (P(|w|>t) = t^-mu, t >= 1)
    W = (1 - rng.random((N, M))) ** (-1.0 / mu) * rng.choice([-1.0, 1.0], size=(N, M))
    X = W.T @ W / N
    return np.sort(np.linalg.eigvalsh(X))


def synth():
    rng = np.random.default_rng(20261126)
    sets = {}
    # true Pareto (density exponent 2.5, xmin 1) behind a lognormal body
    body = rng.lognormal(0.0, 0.5, 300) * 0.5
    tail = (1 - rng.random(500)) ** (-1 / 1.5)
    sets["pareto_body_800"] = write("pareto_body_800.txt", np.concatenate([body, tail]))
    # numpy's pareto(a) is Lomax: density tail exponent a + 1 = 3
    sets["lomax_a2_2000"] = write("lomax_a2_2000.txt", rng.pareto(2.0, 2000) + 1e-3)
    sets["pareto_a1.8_8000"] = write("pareto_a1.8_8000.txt", (1 - rng.random(8000)) ** (-1 / 0.8))
    # eigenvalue spectra of heavy-tailed random matrices
    sets["esd_mu2_200"] = write("esd_mu2_200.txt", esd(rng, 400, 200, 2.0))
    sets["esd_mu3_500"] = write("esd_mu3_500.txt", esd(rng, 1000, 500, 3.0))
    # ties: Pareto rounded to 2 decimals
    sets["ties_1000"] = write("ties_1000.txt", np.round((1 - rng.random(1000)) ** (-1 / 1.2), 2))
    # small n (WW small-N rule below 20)
    sets["small_15"] = write("small_15.txt", (1 - rng.random(15)) ** (-1 / 1.5))
    sets["small_60"] = write("small_60.txt", (1 - rng.random(60)) ** (-1 / 2.0))
    # discrete: floor of a Pareto (integers >= 1)
    sets["discrete_2000"] = write("discrete_2000.txt", np.floor((1 - rng.random(2000)) ** (-1 / 1.3)))
    return sets


def pl(data, **kw):
    t = time.time()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        f = powerlaw.Fit(data, verbose=False, **kw)
    r = {"alpha": float(f.alpha), "xmin": float(f.xmin), "D": float(f.D), "sigma": float(f.sigma),
         "nTail": int(len(f.data)), "noiseFlag": bool(f.noise_flag) if f.noise_flag is not None else None,
         "seconds": time.time() - t}
    if not f.fixed_xmin:
        r["nCandidates"] = int(len(f.xmins))
    return r, f


def ww(data):
    t = time.time()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        f = WWFit(np.asarray(data, dtype=np.float64))
    return {"alpha": float(f.alpha), "xmin": float(f.xmin), "D": float(f.D), "sigma": float(f.sigma),
            "nTail": int(len(f.data)), "seconds": time.time() - t}, f


def main():
    out = {"generator": "test/reference/powerlaw/make_reference.py",
           "command": "/work/refvenv/bin/python test/reference/powerlaw/make_reference.py",
           "versions": {"powerlaw": powerlaw.__version__, "numpy": np.__version__,
                        "python": sys.version.split()[0]},
           "synthetic": {}, "csn": {}}
    sets = synth()
    for name, x in sets.items():
        e = {"file": "test/reference/powerlaw/data/" + name + ".txt", "n": int(len(x))}
        discrete = name.startswith("discrete")
        r, f = pl(x, discrete=discrete)
        e["default"] = r
        if name == "esd_mu2_200":
            e["default"]["scan"] = {"xmins": [float(v) for v in f.xmins], "Ds": [float(v) for v in f.Ds],
                                    "alphas": [float(v) for v in f.alphas]}
        xs = np.sort(x[x > 0])
        fixed = float(np.quantile(xs, 0.7)) * 1.0001
        e["fixed"], _ = pl(x, xmin=fixed, discrete=discrete)
        e["fixed"]["xminGiven"] = fixed
        if len(xs) >= 40:
            xmax = float(np.quantile(xs, 0.98))
            e["xmax"], _ = pl(x, xmax=xmax, discrete=discrete)
            e["xmax"]["xmaxGiven"] = xmax
            rng_ = [float(np.quantile(xs, 0.2)), float(np.quantile(xs, 0.8))]
            e["range"], _ = pl(x, xmin=rng_, discrete=discrete)
            e["range"]["xminRange"] = rng_
        if discrete:
            e["discreteExactNM"], _ = pl(x, discrete=True, estimate_discrete=False)
        else:
            e["ww"], _ = ww(x)
        out["synthetic"][name] = e
        print(name, "done", file=sys.stderr)

    csn = [("blackouts", 1e-3, False), ("cities", 1e-3, False), ("fires", 1, False), ("flares", 1, False),
           ("quakes", 1e-3, False), ("surnames", 1e-3, False), ("words", 1, True), ("terrorism", 1, True)]
    for name, factor, discrete in csn:
        x = np.loadtxt(os.path.join(CSN, name + ".txt")) * factor
        e = {"file": "test/reference/data/" + name + ".txt", "factor": factor, "discrete": discrete, "n": int(len(x))}
        # as powerlaw's own tests: estimate_discrete=False
        r, f = pl(x, discrete=discrete, estimate_discrete=False)
        e["powerlawTests"] = r
        if discrete:
            e["default"], _ = pl(x, discrete=True)
        xmin_ref = float(f.xmin)
        e["fixed"], _ = pl(x, xmin=xmin_ref, discrete=discrete)
        e["fixed"]["xminGiven"] = xmin_ref
        if not discrete and name not in ("fires",):
            xmax = float(np.quantile(x, 0.999))
            e["xmax"], _ = pl(x, xmax=xmax)
            e["xmax"]["xmaxGiven"] = xmax
        if not discrete and len(x) <= 20000:
            e["ww"], _ = ww(x)
        out["csn"][name] = e
        print(name, "done", file=sys.stderr)

    with open(os.path.join(HERE, "powerlaw.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    main_zeta()


def main_zeta():

    # mpmath's Hurwitz zeta cancels ~|log10 zeta(s, q)| digits for large s and q (e.g. zeta(50, 1234.5)
    # ~ 7e-154 is wrong in the 9th digit at dps 40), so work with 400 digits.
    mpmath.mp.dps = 400
    zs = []
    for s in [1.0001, 1.01, 1.3, 1.5, 1.95, 2.0, 2.4, 3.0, 4.5, 7.0, 12.0, 25.0, 50.0]:
        for q in [0.1, 0.5, 1.0, 2.0, 6.5, 7.0, 12.0, 100.0, 1234.5, 1e6]:
            zs.append({"s": s, "q": q, "zeta": float(mpmath.zeta(s, q)), "dzeta": float(mpmath.zeta(s, q, 1))})
    with open(os.path.join(HERE, "zeta.json"), "w") as fh:
        json.dump({"generator": "test/reference/powerlaw/make_reference.py (mpmath %s, dps 400)" % mpmath.__version__,
                   "values": zs}, fh, indent=1)


if __name__ == "__main__":
    if sys.argv[1:] == ["--zeta-only"]:
        main_zeta()
    else:
        main()
