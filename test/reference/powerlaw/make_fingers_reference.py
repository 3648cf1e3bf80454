#!/usr/bin/env python3
"""Reference values for esdlab's fix-fingers helpers (test/fixFingers.test.ts).

Run ONCE, from the repository root, with the reference virtualenv (weightwatcher 0.7.5.5, powerlaw 1.5):

    /work/refvenv/bin/python test/reference/powerlaw/make_fingers_reference.py

Writes seeded eigenvalue spectra with a few outlying "finger" eigenvalues to
test/reference/powerlaw/data/fingers_*.txt and WeightWatcher's fix_fingers results
(WeightWatcher.fit_powerlaw with fix_fingers='clip_xmax' / 'xmin_peak', plot=False) to
test/reference/powerlaw/fingers.json.
"""
import json, os, io, contextlib, warnings, logging
import numpy as np
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    import weightwatcher as ww
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def write(name, x):
    path = os.path.join(DATA, name)
    with open(path, "w") as f:
        for v in x:
            f.write(repr(float(v)) + "\n")
    return np.loadtxt(path)


def main():
    rng = np.random.default_rng(7)
    sets = {}
    for k, (N, M, mu, fingers) in enumerate([(600, 300, 3.5, [4.0]), (600, 300, 3.5, [3.0, 3.1]),
                                              (800, 400, 4.0, [2.5, 2.6, 2.7]), (500, 250, 2.5, [])]):
        W = (1 - rng.random((N, M))) ** (-1.0 / mu) * rng.choice([-1.0, 1.0], size=(N, M))
        ev = np.sort(np.linalg.eigvalsh(W.T @ W / N))
        ev = np.concatenate([ev[: len(ev) - len(fingers)], np.array(fingers) * ev[-1]])
        name = "fingers_%d" % k
        sets[name] = write(name + ".txt", np.sort(ev))
    out = {"generator": "test/reference/powerlaw/make_fingers_reference.py",
           "command": "/work/refvenv/bin/python test/reference/powerlaw/make_fingers_reference.py",
           "weightwatcher": ww.__version__, "sets": {}}
    watcher = ww.WeightWatcher()
    keys = ["alpha", "Lambda", "xmin", "xmax", "D", "sigma", "num_pl_spikes", "num_fingers", "raw_alpha", "status", "warning"]
    for name, ev in sets.items():
        e = {"file": "test/reference/powerlaw/data/%s.txt" % name}
        for label, kw in [("clip_ww", dict(fix_fingers="clip_xmax", pl_package="ww")),
                          ("clip_powerlaw", dict(fix_fingers="clip_xmax", pl_package="powerlaw")),
                          ("peak_powerlaw", dict(fix_fingers="xmin_peak", pl_package="powerlaw")),
                          ("plain_ww", dict(pl_package="ww"))]:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                r = watcher.fit_powerlaw(ev, plot=False, savefig=False, **kw)
            d = dict(zip(keys, r))
            e[label] = {k: (float(v) if isinstance(v, (float, np.floating, int, np.integer)) and not isinstance(v, bool) else str(v)) for k, v in d.items()}
        out["sets"][name] = e
    with open(os.path.join(HERE, "fingers.json"), "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
