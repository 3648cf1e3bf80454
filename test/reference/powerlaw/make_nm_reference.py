#!/usr/bin/env python3
"""Reference values for esdlab's SciPy-compatible 1-D Nelder-Mead (test/nelderMead1d.test.ts).

Run ONCE, from the repository root, with the reference virtualenv (scipy):

    /work/refvenv/bin/python test/reference/powerlaw/make_nm_reference.py

Writes test/reference/powerlaw/nelderMead.json: scipy.optimize.fmin(f, x0, full_output=1, disp=False)
(defaults xtol = ftol = 1e-4) for a few 1-D functions, including a power-law negative log-likelihood.
"""
import json, os
import numpy as np
import scipy
from scipy.optimize import fmin

HERE = os.path.dirname(os.path.abspath(__file__))
# power-law NLL as powerlaw 1.5 computes it: -sum(log(x^-a * (a-1) * xmin^(a-1))), 1e-307 floor out of range
x = np.array([1.0, 1.3, 1.7, 2.2, 3.1, 4.4, 6.0, 9.5, 15.0, 40.0])


def nll(a):
    a = float(np.asarray(a).ravel()[0])
    if a <= 1:
        return -len(x) * np.log(1e-307)
    return -np.sum(np.log(x ** -a * (a - 1) * 1.0 ** (a - 1)))


cases = {
    "quadratic": (lambda v: (float(np.asarray(v).ravel()[0]) - 3.0) ** 2, 1.0, "(x - 3)^2"),
    "quartic": (lambda v: (float(np.asarray(v).ravel()[0]) + 0.5) ** 4 + 0.1 * float(np.asarray(v).ravel()[0]), 2.0, "(x + 0.5)^4 + 0.1 x"),
    "zero_start": (lambda v: np.cos(float(np.asarray(v).ravel()[0])) + 0.1 * float(np.asarray(v).ravel()[0]) ** 2, 0.0, "cos(x) + 0.1 x^2"),
    "powerlaw_nll": (nll, 1.0 + len(x) / np.sum(np.log(x)) + 0.3, "powerlaw NLL of x = [1, 1.3, 1.7, 2.2, 3.1, 4.4, 6, 9.5, 15, 40], xmin = 1"),
    "maxfun": (lambda v: -abs(float(np.asarray(v).ravel()[0])), 1.0, "-|x| (unbounded: stops at 200 calls)"),
}
out = {"generator": "test/reference/powerlaw/make_nm_reference.py",
       "command": "/work/refvenv/bin/python test/reference/powerlaw/make_nm_reference.py",
       "scipy": scipy.__version__, "cases": {}}
for name, (f, x0, desc) in cases.items():
    xopt, fopt, it, calls, warn = fmin(f, x0, full_output=1, disp=False)
    out["cases"][name] = {"f": desc, "x0": float(x0), "x": float(xopt[0]), "fx": float(fopt),
                          "iterations": int(it), "evaluations": int(calls), "warnflag": int(warn)}
with open(os.path.join(HERE, "nelderMead.json"), "w") as fh:
    json.dump(out, fh, indent=1)
