"""Writes the malformed-input corpus in test/malformed/ (each file exercises one typed error; the
expected error code of each is in test/malformedCorpus.test.ts).

Run ONCE (output committed):
  /tmp/loaders/venv/bin/python test/malformed/make_malformed.py     # numpy, safetensors, torch
"""
import io, json, os, struct, zipfile
import numpy as np
import safetensors.numpy
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
def out(name):
    return os.path.join(HERE, name)

rng = np.random.default_rng(7)
good = {'a.weight': rng.standard_normal((16, 12)).astype(np.float32), 'b.weight': rng.standard_normal((12, 12)).astype(np.float32)}
safetensors.numpy.save_file(good, out('good.safetensors'))
raw = open(out('good.safetensors'), 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
body = raw[8 + n:]

def st(name, hdr, data, declared=None):
    h = json.dumps(hdr).encode()
    with open(out(name), 'wb') as f:
        f.write(struct.pack('<Q', len(h) if declared is None else declared) + h + data)

# truncated: the last tensor's bytes cut short
open(out('truncated.safetensors'), 'wb').write(raw[:-100])
# lying header length (claims 10 GB of header)
st('lying_header.safetensors', header, body, declared=10 * 2**30)
# shape/byte-count mismatch: shape says 16x13 for 16x12 worth of bytes
h = json.loads(json.dumps(header)); h['a.weight']['shape'] = [16, 13]
st('shape_mismatch.safetensors', h, body)
# dtype mismatch: F64 claimed for float32 bytes (byte count no longer matches the dtype)
h = json.loads(json.dumps(header)); h['a.weight']['dtype'] = 'F64'
st('dtype_mismatch.safetensors', h, body)
# unknown dtype
h = json.loads(json.dumps(header)); h['a.weight']['dtype'] = 'Q4_K'
st('unknown_dtype.safetensors', h, body)
# header that is not JSON
st('bad_json.safetensors', None, b'')
with open(out('bad_json.safetensors'), 'wb') as f:
    f.write(struct.pack('<Q', 9) + b'{"a": [1,' + body)
# HTML in a layer name (valid file): the name must come out escaped in reports
safetensors.numpy.save_file({'<img src=x onerror=alert(1)>.weight': good['a.weight'], 'b.weight': good['b.weight']}, out('html_name.safetensors'))
# a layer with NaN and a layer of zeros (valid file): rows with status failed, analysis goes on
bad = dict(good); bad['n.weight'] = good['a.weight'].copy(); bad['n.weight'][3, 4] = np.nan; bad['z.weight'] = np.zeros((12, 12), np.float32)
safetensors.numpy.save_file(bad, out('nan_and_zero.safetensors'))

# zip bomb: an .npz whose member inflates 1000:1 (256 MiB of zeros)
with zipfile.ZipFile(out('zip_bomb.npz'), 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('w.npy', 'w', force_zip64=True) as f:
        hdr = b"{'descr': '<f4', 'fortran_order': False, 'shape': (8192, 8192), }"
        hdr += b' ' * (64 - (10 + len(hdr) + 1) % 64) + b'\n'
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr)
        chunk = b'\0' * (1 << 20)
        for _ in range(256):
            f.write(chunk)

# pickle with a forbidden global (os.system) inside a real torch.save archive
class Evil:
    def __reduce__(self):
        return (os.system, ('echo esdlab-test-should-never-run',))
torch.save({'w': torch.zeros(2, 2), 'x': Evil()}, out('forbidden_global.pt'))
# a torch checkpoint whose storage record is shorter than the pickle says (shape/byte mismatch)
torch.save({'w': torch.ones(8, 8)}, out('torch_good.pt'))
src = zipfile.ZipFile(out('torch_good.pt'))
with zipfile.ZipFile(out('torch_short_storage.pt'), 'w', compression=zipfile.ZIP_STORED) as z:
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename.endswith('data/0'):
            data = data[:100]
        z.writestr(info.filename, data)
os.remove(out('torch_good.pt'))
# a truncated torch checkpoint (zip cut in the middle: no central directory)
torch.save({'w': torch.ones(64, 64)}, out('tmp.pt'))
b = open(out('tmp.pt'), 'rb').read()
open(out('truncated.pt'), 'wb').write(b[: len(b) // 2])
os.remove(out('tmp.pt'))
print(sorted(os.listdir(HERE)))

# a stride-0 view claiming 10^10 elements over a 1-element storage (expand): must not be allocated
torch.save({'w': torch.zeros(1).expand(100000, 100000)}, out('huge_expanded.pt'))
