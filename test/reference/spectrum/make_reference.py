"""Reference eigenvalues for the spectrum engine's accuracy contract (test/engineAccuracy.test.ts).

Run ONCE (outputs are committed):
    /work/refvenv/bin/python test/reference/spectrum/make_reference.py
numpy 2.4 / scipy 1.17 from pip (bundled OpenBLAS/LAPACK). For every case it writes the matrix W as
raw little-endian float32/float64 (<name>.bin, row-major rows×cols) and, in reference.json, the
eigenvalues of WᵀW (cols of them, ascending) as the squared singular values of LAPACK's gesdd
(scipy.linalg.svd(W.astype(float64), compute_uv=False)), padded with zeros when rows < cols, plus
LAPACK's syevd eigenvalues of the float64 Gram matrix (numpy.linalg.eigvalsh) for comparison.
"""
import json
import os
import platform
import sys

import numpy as np
import scipy
import scipy.linalg

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261126)


def gaussian(r, c):
    return rng.standard_normal((r, c))


def low_rank(r, c, k):
    return rng.standard_normal((r, k)) @ rng.standard_normal((k, c))


def heavy(r, c, df):
    # Student-t entries: heavy-tailed weights, a few huge outliers dominate λmax
    return rng.standard_t(df, size=(r, c))


def known_spectrum(r, c, decades):
    u, _ = np.linalg.qr(rng.standard_normal((r, c)))
    v, _ = np.linalg.qr(rng.standard_normal((c, c)))
    s = np.logspace(0, -decades / 2, c)  # λ = s² spans `decades` decades
    return (u * s) @ v.T


cases = [
    # name, matrix, dtype, kind
    ("gauss_256x128_f64", gaussian(256, 128), "float64", "well-conditioned, Q=2"),
    ("square_160x160_f64", gaussian(160, 160), "float64", "square (Q=1): smallest eigenvalues near 0"),
    ("lowrank_300x100_r20_f64", low_rank(300, 100, 20), "float64", "rank 20 of 100: 80 zero eigenvalues"),
    ("studentt_400x150_df1.5_f32", heavy(400, 150, 1.5), "float32", "heavy-tailed entries (Student t, 1.5 dof)"),
    ("gauss_2048x32_f32", gaussian(2048, 32), "float32", "very rectangular, Q=64"),
    ("wide_64x512_f64", gaussian(64, 512), "float64", "wide (rows < cols): 448 exact zeros"),
    ("gauss_600x301_f32", gaussian(600, 301), "float32", "M=301 (not a multiple of 4), threaded paths"),
    ("known_512x260_12dec_f64", known_spectrum(512, 260, 12), "float64", "prescribed spectrum spanning 12 decades"),
    ("lowrank_t_520x270_r40_f32", low_rank(520, 270, 40) * rng.standard_t(3, size=(520, 270)), "float32",
     "rank-deficient times heavy-tailed mask (full rank, very ill-conditioned)"),
]

out = {
    "generator": "test/reference/spectrum/make_reference.py",
    "command": "/work/refvenv/bin/python test/reference/spectrum/make_reference.py",
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "python": platform.python_version(),
    "reference": "svd: scipy.linalg.svd(W.astype(float64), compute_uv=False)**2 (LAPACK gesdd), ascending, zero-padded to cols; eigvalsh: numpy.linalg.eigvalsh(W64.T @ W64) (LAPACK syevd)",
    "cases": [],
}
for name, W, dtype, kind in cases:
    W = np.ascontiguousarray(W.astype(dtype))
    rows, cols = W.shape
    W.astype("<" + ("f4" if dtype == "float32" else "f8")).tofile(os.path.join(HERE, name + ".bin"))
    W64 = W.astype(np.float64)
    sv = scipy.linalg.svd(W64, compute_uv=False)
    ev_svd = np.sort(sv ** 2)
    if rows < cols:
        ev_svd = np.concatenate([np.zeros(cols - rows), ev_svd])
    ev_eigh = np.linalg.eigvalsh(W64.T @ W64)
    out["cases"].append({
        "name": name, "kind": kind, "rows": rows, "cols": cols, "dtype": dtype, "file": name + ".bin",
        "svd": [float(x) for x in ev_svd],
        "eigvalsh": [float(x) for x in ev_eigh],
        "max_abs_diff_svd_vs_eigvalsh_over_lmax": float(np.max(np.abs(ev_svd - ev_eigh)) / ev_svd[-1]),
    })
    print(name, rows, cols, dtype, "lmax=%.6g" % ev_svd[-1], "svd-vs-eigh/lmax=%.2e" % out["cases"][-1]["max_abs_diff_svd_vs_eigvalsh_over_lmax"], file=sys.stderr)

with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(out, f, indent=1)
