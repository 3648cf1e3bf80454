#!/usr/bin/env python3
"""Small .npy fixtures written by numpy itself, for test/npy.test.ts. Run ONCE from the repo root:

    /work/refvenv/bin/python test/reference/npy/make_fixtures.py

Every array holds the values v[i, j] = (i*cols + j) - 5 (row-major index minus 5; unsigned and
bool types use abs / parity) so the test can check element order without any other input.
It also writes expected.json listing file, dtype, fortran flag, shape and the values in C order.
"""
import json, os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)
base = (np.arange(12).reshape(3, 4) - 5)
cases = []
def save(fname, arr):
    np.save(fname, arr)
    cases.append({"file": fname, "dtype": arr.dtype.str, "fortran": bool(np.isfortran(arr)), "shape": list(arr.shape),
                  "values": [float(v) for v in np.ascontiguousarray(arr).ravel()]})

for dt in ["<f2", "<f4", "<f8", "|i1", "<i2", "<i4", ">f4", ">f8", ">i2", ">i4", "<i8"]:
    save(f"a_{dt[1:]}{'_be' if dt[0] == '>' else ''}.npy", base.astype(dt) * (1.5 if dt[1] == 'f' else 1))
save("a_u1.npy", np.abs(base).astype("|u1"))
save("a_f4_fortran.npy", np.asfortranarray(base.astype("<f4")))
save("a_f8_fortran_3d.npy", np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4)))
save("a_c8.npy", base.astype("<c8"))  # unsupported dtype
np.save("a_object.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)  # pickled: must be refused
cases.append({"file": "a_object.npy", "dtype": "|O", "unsupported": True})
with open("expected.json", "w") as f:
    json.dump(cases, f, indent=1)
print(len(cases), "fixtures")
