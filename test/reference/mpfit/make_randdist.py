"""Reference values of WeightWatcher's rand_distance (RMT_Util.jensen_shannon_distance) for
test/randomize.test.ts, on eigenvalue vectors already committed in mpfit_reference.json.

Run ONCE from the repository root (output committed; tests never run Python):

    /work/refvenv/bin/python test/reference/mpfit/make_randdist.py
"""
import json, os
import numpy as np
from weightwatcher.RMT_Util import jensen_shannon_distance
import weightwatcher as ww

HERE = os.path.dirname(os.path.abspath(__file__))
ref = {c["name"]: np.array(c["evals"]) for c in json.load(open(os.path.join(HERE, "mpfit_reference.json")))["cases"]}
pairs = [("gauss_160x80", "spiked_160x80"), ("gauss_160x80", "lomax_mu1p5_160x80"), ("spiked_160x80", "lomax_mu1p5_160x80"),
         ("gauss_160x80", "gauss_160x80")]
out = {"meta": {"command": "/work/refvenv/bin/python test/reference/mpfit/make_randdist.py", "weightwatcher": ww.__version__,
                "function": "weightwatcher.RMT_Util.jensen_shannon_distance(p, q) on ascending eigenvalue vectors"},
       "pairs": [{"p": a, "q": b, "rand_distance": float(jensen_shannon_distance(ref[a], ref[b]))} for a, b in pairs]}
json.dump(out, open(os.path.join(HERE, "randdist_reference.json"), "w"), indent=1)
print(json.dumps(out["pairs"]))
