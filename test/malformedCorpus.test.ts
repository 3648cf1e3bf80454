import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../src/analysis/analyze';
import { main } from '../src/cli/main';
import { isEsdlabError } from '../src/core/errors';
import { openModel } from '../src/io/openModel';

// Files made by test/malformed/make_malformed.py; each must give its specific typed error.
const DIR = path.join(__dirname, 'malformed');

async function openAndReadAll(f: string): Promise<void> {
  const m = await openModel(path.join(DIR, f));
  try {
    for (const t of m.tensors) await m.readTensor(t.name);
  } finally {
    await m.close();
  }
}

const CASES: Array<[string, string, RegExp]> = [
  ['truncated.safetensors', 'TRUNCATED', /beyond the file/],
  ['lying_header.safetensors', 'TRUNCATED', /header length \d+ exceeds the file/],
  ['shape_mismatch.safetensors', 'INVALID_SHAPE', /tensor 'a\.weight'.*shape \[16, 13\] of F32 needs 832 bytes but data_offsets span 768/],
  ['dtype_mismatch.safetensors', 'INVALID_SHAPE', /tensor 'a\.weight'.*of F64 needs 1536 bytes but data_offsets span 768/],
  ['unknown_dtype.safetensors', 'UNSUPPORTED_DTYPE', /tensor 'a\.weight'.*unsupported dtype "Q4_K"/],
  ['bad_json.safetensors', 'PARSE_ERROR', /header is not valid UTF-8 JSON/],
  ['zip_bomb.npz', 'FORBIDDEN', /compression ratio \d+:1 exceeds 200:1/],
  ['forbidden_global.pt', 'FORBIDDEN', /global 'posix\.system'|global 'os\.system'/],
  ['torch_short_storage.pt', 'INVALID_SHAPE', /storage 0 should hold 64 F32 \(256 bytes\) but has 100/],
  ['truncated.pt', 'TRUNCATED', /bad zip archive/],
  ['huge_expanded.pt', 'INVALID_SHAPE', /shape \[100000, 100000\] has too many elements/],
];

describe('malformed-input corpus: each file gives its specific typed error', () => {
  for (const [file, code, msg] of CASES) {
    test(`${file} → ${code}`, async () => {
      const err = await openAndReadAll(file).then(() => null, (e) => e);
      expect(isEsdlabError(err)).toBe(true);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(msg);
      expect(err.message).toContain(file);
    });
  }

  test('the control file is fine', async () => {
    await expect(openAndReadAll('good.safetensors')).resolves.toBeUndefined();
  });

  test('NaN and all-zero layers get failed rows; the other layers are analyzed', async () => {
    const res = await analyze(path.join(DIR, 'nan_and_zero.safetensors'));
    const by = Object.fromEntries(res.layers.map((r) => [r.name, r]));
    expect(by.n).toMatchObject({ status: 'failed', reason: 'weights contain NaN (first at [3, 4])' });
    expect(by.z).toMatchObject({ status: 'failed', reason: 'all weights are zero' });
    expect(by.a.status).toBe('success');
    expect(by.b.status).toBe('success');
    expect(res.summary.num_layers).toBe(2);
  });

  test('HTML in a layer name is escaped in the report and plain in JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-mal-'));
    const html = path.join(dir, 'r.html');
    let out = '';
    const code = await main(['analyze', path.join(DIR, 'html_name.safetensors'), '--html', html, '--json', '--no-progress'], { out: (s) => { out += s; }, err: () => undefined });
    expect(code).toBe(0);
    expect(JSON.parse(out).layers.map((r: { name: string }) => r.name)).toContain('<img src=x onerror=alert(1)>');
    const page = fs.readFileSync(html, 'utf8');
    expect(page).not.toContain('<img src=x onerror=alert(1)>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
