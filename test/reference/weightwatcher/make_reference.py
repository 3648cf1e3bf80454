#!/usr/bin/env python3
"""Reference values for esdlab's ESD, layer metrics and analyzeLayer (test/analyzeLayer.test.ts,
test/esd.test.ts, test/cliEsd.test.ts).

Run ONCE, from the repository root, with the reference virtualenv (weightwatcher 0.7.5.5 installed
--no-deps, numpy, scipy, pandas; no torch — WeightWatcher's WW_FLATFILES input runs without it):

    /work/refvenv/bin/python test/reference/weightwatcher/make_reference.py

It writes seeded weight matrices as .npy files into test/reference/weightwatcher/ (committed, < 1 MB),
a ww_config.json describing them as a WW_FLATFILES model, runs WeightWatcher's default analyze() on
that directory (and analyze(pool=False) for the conv2d layers), and writes weightwatcher.json:
  layers:       WeightWatcher's default analyze() row per layer (all columns, NaN -> null)
  slices:       analyze(pool=False) rows of the conv2d layers
  esd:          per layer: WeightWatcher's get_ESD (scaled, pooled) and numpy's own eigenvalues
                (float64 SVD squared, per slice, unscaled; and eigvalsh of the float64 Gram matrix)
Tests never run Python.
"""
import contextlib, io, json, os, sys, warnings
import numpy as np

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)

with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    import weightwatcher as ww
    import logging
    logging.getLogger("weightwatcher").setLevel(logging.ERROR)

rng = np.random.default_rng(20261126)

def lomax_signed(shape, mu):
    x = rng.pareto(mu, size=shape)  # numpy's pareto is Lomax
    return x * rng.choice([-1.0, 1.0], size=shape)

# (id, name, type, array). conv2d arrays use PyTorch layout (out, in, kh, kw).
LAYERS = [
    (1, "dense_gauss", "dense", rng.standard_normal((200, 100)).astype(np.float32)),
    (2, "dense_wide", "dense", (0.05 * rng.standard_normal((64, 300))).astype(np.float32)),
    (3, "dense_heavy", "dense", lomax_signed((400, 200), 2.5).astype(np.float32)),
    (4, "dense_square_f64", "dense", rng.standard_normal((150, 150)) / np.sqrt(150)),
    (5, "conv_3x3", "conv2d", (0.1 * rng.standard_normal((32, 16, 3, 3))).astype(np.float32)),
    (6, "conv_2x2_out_lt_in", "conv2d", (0.1 * rng.standard_normal((16, 32, 2, 2))).astype(np.float32)),
    (7, "dense_lowrank", "dense", (rng.standard_normal((120, 8)) @ rng.standard_normal((8, 60))).astype(np.float64)),
]

config = {"weights_dir": ".", "layers": {}}
for lid, name, typ, W in LAYERS:
    fn = f"{name}.weight.npy"
    np.save(fn, W)
    config["layers"][str(lid)] = {"name": name, "longname": name, "weightfile": fn, "biasfile": None,
                                  "type": typ, "dims": json.dumps(list(W.shape))}
with open("ww_config.json", "w") as f:
    json.dump(config, f, indent=1)


def clean(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return None if not np.isfinite(v) else v
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def rows(df):
    out = []
    for rec in df.to_dict(orient="records"):
        out.append({k: clean(v) for k, v in rec.items()})
    return out


with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    watcher = ww.WeightWatcher()
    details = watcher.analyze(model=HERE)
    conv_ids = [lid for lid, _, typ, _ in LAYERS if typ == "conv2d"]
    slices = watcher.analyze(model=HERE, layers=conv_ids, pool=False)
    ww_esd = {lid: np.asarray(watcher.get_ESD(model=HERE, layer=lid)).tolist() for lid, *_ in LAYERS}

esd = {}
for lid, name, typ, W in LAYERS:
    W64 = W.astype(np.float64)
    mats = [W64] if W64.ndim == 2 else [W64[:, :, i, j] for i in range(W64.shape[2]) for j in range(W64.shape[3])]
    per_slice = [np.sort(np.linalg.svd(m, compute_uv=False) ** 2).tolist() for m in mats]
    gram = [np.sort(np.linalg.eigvalsh(m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T)).tolist() for m in mats]
    esd[name] = {"shape": list(W.shape), "dtype": str(W.dtype), "ww_get_ESD": ww_esd[lid],
                 "svd_squared_per_slice": per_slice, "eigvalsh_gram_per_slice": gram}

out = {
    "generator": "test/reference/weightwatcher/make_reference.py",
    "command": "/work/refvenv/bin/python test/reference/weightwatcher/make_reference.py",
    "weightwatcher": ww.__version__,
    "numpy": np.__version__,
    "seed": 20261126,
    "layers": rows(details),
    "slices": rows(slices),
    "esd": esd,
}
with open("weightwatcher.json", "w") as f:
    json.dump(out, f, indent=1)
print("layers", len(out["layers"]), "slices", len(out["slices"]))
for r in out["layers"]:
    print(r["layer_id"], r["name"], r["N"], r["M"], r["alpha"], r["status"], r["num_evals"])
