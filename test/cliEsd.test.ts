import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { parseEsdArgs } from '../src/cli/commands/esd';

const REF = path.join(__dirname, 'reference', 'weightwatcher');
const NPY = path.join(__dirname, 'reference', 'npy');
const ref = JSON.parse(fs.readFileSync(path.join(REF, 'weightwatcher.json'), 'utf8'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}
const maxAbsDiff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('esdlab esd', () => {
  it('--json prints {eigenvalues, N, M, Q, normalize} matching numpy svd²/N', async () => {
    const r = await run(['esd', path.join(REF, 'dense_wide.weight.npy'), '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(Object.keys(j).slice(0, 5)).toEqual(['eigenvalues', 'N', 'M', 'Q', 'normalize']);
    expect([j.N, j.M, j.Q, j.normalize]).toEqual([300, 64, 4.6875, 'N']);
    const want = (ref.esd.dense_wide.svd_squared_per_slice[0] as number[]).map((x) => x / 300);
    expect(maxAbsDiff(j.eigenvalues, want)).toBeLessThan(1e-10 * Math.max(...want));
  });
  it('--ww gives λ = σ² with WeightWatcher\'s conv2d scaling; --normalize none alone does not scale', async () => {
    const f = path.join(REF, 'conv_3x3.weight.npy');
    const ww = JSON.parse((await run(['esd', f, '--ww', '--json'])).out);
    const wwRow = ref.layers.find((l: { name: string }) => l.name === 'conv_3x3');
    expect(Math.abs(Math.max(...ww.eigenvalues) / wwRow.lambda_max - 1)).toBeLessThan(1e-12);
    expect([ww.normalize, ww.conv2dScaling, ww.layerType, ww.rf]).toEqual(['none', 0.5, 'conv2d', 9]);
    const none = JSON.parse((await run(['esd', f, '--normalize=none', '--json'])).out);
    expect(none.conv2dScaling).toBe(1);
    expect(Math.abs(Math.max(...none.eigenvalues) / (2 * wwRow.lambda_max) - 1)).toBeLessThan(1e-12);
  });
  it('prints a short text summary', async () => {
    const r = await run(['esd', path.join(REF, 'conv_3x3.weight.npy'), '--per-slice']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/conv_3x3\.weight\.npy: <f4 \[32, 16, 3, 3\], conv2d \(pytorch layout, 9 slices\)/);
    expect(r.out).toMatch(/N=32 {2}M=16 {2}Q=2 {2}normalize=N/);
    expect(r.out).toMatch(/144 eigenvalues: min .* max /);
    expect(r.out.match(/slice \d/g)).toHaveLength(9);
  });
  it('bad input: one line on stderr, non-zero exit, no stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-esd-'));
    const nanFile = path.join(dir, 'nan.npy');
    const good = fs.readFileSync(path.join(NPY, 'a_f8.npy'));
    const b = Buffer.from(good);
    b.writeDoubleLE(NaN, b.length - 8 * 6); // element 6 = [1, 2]
    fs.writeFileSync(nanFile, b);
    const cases: [string[], RegExp][] = [
      [['esd', path.join(dir, 'missing.npy')], /missing\.npy\] no such file/],
      [['esd', path.join(NPY, 'a_c8.npy')], /unsupported dtype '<c8'/],
      [['esd', nanFile], /nan\.npy, at \[1, 2\]\] NaN value/],
      [['esd', path.join(NPY, 'a_f8_fortran_3d.npy'), '--type', 'conv2d'], /conv2d needs a 4-D/],
      [['esd'], /missing FILE/],
      [['esd', 'x.npy', '--normalize', 'sqrt'], /--normalize must be N or none/],
      [['esd', 'x.npy', '--bogus'], /unknown option '--bogus'/],
    ];
    fs.writeFileSync(path.join(dir, 'trunc.npy'), good.subarray(0, good.length - 5));
    cases.push([['esd', path.join(dir, 'trunc.npy')], /truncated body/]);
    for (const [argv, re] of cases) {
      const r = await run(argv);
      expect(r.code).not.toBe(0);
      expect(r.out).toBe('');
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('parses flags in either --flag value or --flag=value form', () => {
    expect(parseEsdArgs(['w.npy', '--layout=keras', '--type', 'conv2d', '--json'])).toEqual(
      { file: 'w.npy', layout: 'keras', layerType: 'conv2d', json: true, ww: false, perSlice: false });
  });
});
