"""Reference outputs of WeightWatcher's MP fit (analyze(mp_fit=True)) for test/mpFit.test.ts.

Run ONCE from the repository root (output committed; tests never run Python):

    /work/refvenv/bin/python test/reference/mpfit/make_reference.py

Writes test/reference/mpfit/inputs/<name>.bin (the weight matrix, raw float32 little-endian,
row-major, shape in the JSON) and test/reference/mpfit/mpfit_reference.json (WeightWatcher's
num_spikes, sigma_mp, mp_softrank, bulk_max, bulk_min, W_scale per matrix, plus the eigenvalues it fit
(get_ESD) so the compatible mode can be checked on WeightWatcher's own input as well as end to end).
WeightWatcher reads the matrices through its WW_FLATFILES path (a temp dir of *.weight.npy files and
ww_config.json), so no torch is needed.
"""
import json, os, sys, tempfile, platform
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
INPUTS = os.path.join(HERE, "inputs")


def lomax(rng, mu, shape):
    # numpy's pareto() is Lomax: P(X > x) = (1 + x)^(-mu); symmetric random signs, unit-scale
    return rng.pareto(mu, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def cases():
    rng = np.random.default_rng(20261126)
    out = []
    out.append(("gauss_160x80", rng.standard_normal((160, 80))))
    out.append(("gauss_100x100_q1", rng.standard_normal((100, 100))))
    out.append(("gauss_400x50_q8", rng.standard_normal((400, 50))))
    out.append(("gauss_90x150_wide_scaled", 0.01 * rng.standard_normal((90, 150))))
    out.append(("gauss_150x90_q1p67", rng.standard_normal((150, 90))))
    # strong spikes: Gaussian + 3 rank-1 terms
    W = rng.standard_normal((160, 80))
    for k, s in enumerate([6.0, 4.0, 3.0]):
        u = rng.standard_normal(160); v = rng.standard_normal(80)
        W += s * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v)) * np.sqrt(160)
    out.append(("spiked_160x80", W))
    # heavy tails
    out.append(("lomax_mu1p5_160x80", lomax(rng, 1.5, (160, 80))))
    out.append(("lomax_mu3_140x70", lomax(rng, 3.0, (140, 70))))
    out.append(("lomax_mu2p5_96x96_q1", lomax(rng, 2.5, (96, 96))))
    # rank-deficient: rank 20 product + small noise
    A = rng.standard_normal((120, 20)) @ rng.standard_normal((20, 60)) / np.sqrt(20)
    out.append(("lowrank20_120x60", A + 1e-3 * rng.standard_normal((120, 60))))
    # bulk-decay-like: Gaussian + 30 decaying components
    W = rng.standard_normal((180, 90))
    U = np.linalg.qr(rng.standard_normal((180, 20)))[0]; V = np.linalg.qr(rng.standard_normal((90, 20)))[0]
    W += U @ np.diag(np.sqrt(180) * 1.6 * 0.92 ** np.arange(20)) @ V.T
    out.append(("decay_180x90", W))
    return out


def main():
    import weightwatcher as ww
    import scipy, sklearn
    os.makedirs(INPUTS, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="ww_mpfit_")
    layers = {}
    items = cases()
    for i, (name, W) in enumerate(items):
        # round to float32 so the committed inputs can be float32 (exactly the values WW saw in float64)
        W = np.ascontiguousarray(np.asarray(W, dtype=np.float32), dtype=np.float64)
        np.save(os.path.join(tmp, f"{name}.weight.npy"), W)
        W.astype("<f4").tofile(os.path.join(INPUTS, f"{name}.bin"))
        layers[str(i)] = {"name": name, "longname": name, "weightfile": f"{name}.weight.npy", "biasfile": None,
                          "type": "dense", "dims": json.dumps(list(W.shape))}
    with open(os.path.join(tmp, "ww_config.json"), "w") as f:
        json.dump({"weights_dir": tmp, "layers": layers}, f)
    watcher = ww.WeightWatcher()
    details = watcher.analyze(model=tmp, mp_fit=True, min_evals=10)
    records = []
    for i, (name, W) in enumerate(items):
        row = details[details["name"] == name].iloc[0]
        evals = watcher.get_ESD(model=tmp, layer=int(row["layer_id"]))
        rec = {"name": name, "shape": list(W.shape), "N": int(row["N"]), "M": int(row["M"]), "Q": float(row["Q"]),
               "file": f"inputs/{name}.bin"}
        for col in ["num_spikes", "sigma_mp", "mp_softrank", "bulk_max", "bulk_min", "W_scale", "lambda_max"]:
            v = row[col]
            rec[col] = int(v) if col == "num_spikes" else float(v)
        rec["evals"] = [float(x) for x in np.sort(np.asarray(evals, dtype=np.float64))]
        records.append(rec)
    meta = {"command": "/work/refvenv/bin/python test/reference/mpfit/make_reference.py",
            "weightwatcher": ww.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "sklearn": sklearn.__version__, "python": platform.python_version(),
            "input": "WW_FLATFILES (ww_config.json + *.weight.npy), analyze(mp_fit=True, min_evals=10)",
            "bin_format": "raw float32 little-endian, row-major, shape as given (WeightWatcher analyzed the same values as float64)"}
    with open(os.path.join(HERE, "mpfit_reference.json"), "w") as f:
        json.dump({"meta": meta, "cases": records}, f, indent=1)
    print(f"wrote {len(records)} cases")
    for r in records:
        print(r["name"], r["num_spikes"], r["sigma_mp"], r["mp_softrank"], r["bulk_max"], r["bulk_min"])


if __name__ == "__main__":
    main()
