import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { parseModelArgs } from '../src/cli/commands/analyze';
import { MODELS } from './ioFixtures';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('esdlab analyze / describe', () => {
  test('analyze a safetensors file: text table on stdout, progress on stderr', async () => {
    const r = await run(['analyze', path.join(MODELS, 'tiny_f32.safetensors'), '--min-evals', '0']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\(safetensors\): 6 layers analyzed, 0 skipped/);
    expect(r.out).toMatch(/^layer_id\s+name\s+layer_type/m);
    expect(r.out).toMatch(/layers\.0\.self_attn\.q_proj\s+dense/);
    // safetensors' writer stores tensors sorted by name: that is the file order
    expect(r.err).toMatch(/\[4\/6\] head/);
  });

  test('--json: rows carry options, layer identity and the summary', async () => {
    const r = await run(['analyze', path.join(MODELS, 'tiny_f64.safetensors'), '--json', '--ww', '--no-progress', '--layers', 'dense,conv2d']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const res = JSON.parse(r.out);
    expect(res.layers.map((l: { name: string }) => l.name)).toEqual(['conv', 'head', 'layers.0.mlp.fc1', 'layers.0.self_attn.q_proj']);
    const q = res.layers[3];
    expect(q).toMatchObject({ layer_type: 'dense', attention: 'q', N: 12, M: 12, dtype: 'F64', status: 'success' });
    expect(q.options).toMatchObject({ preset: 'ww', normalize: 'none' });
    expect(typeof res.summary.alpha).toBe('number');
    expect(res.options.filter.layers).toEqual(['dense', 'conv2d']);
  });

  test('--csv has a header and one line per layer', async () => {
    const r = await run(['analyze', path.join(MODELS, 'tiny_f32.safetensors'), '--csv', '--no-progress']);
    const lines = r.out.trim().split('\r\n');
    expect(lines[0]).toMatch(/^layer_id,name,/);
    expect(lines).toHaveLength(1 + 6);
  });

  test('--base: rows analyze W − W_base (f32 minus its own f16 rounding: tiny but non-zero deltas)', async () => {
    const r = await run(['analyze', path.join(MODELS, 'tiny_f32.safetensors'), '--base', path.join(MODELS, 'tiny_f16.safetensors'), '--json', '--no-progress', '--normalize', 'none']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.options.base).toMatch(/tiny_f16\.safetensors$/);
    expect(res.layers.every((l: { delta: boolean }) => l.delta)).toBe(true);
    // float16 rounding errors are below 2^-11 relative: the delta's λmax is far below the weights'
    const plain = JSON.parse((await run(['analyze', path.join(MODELS, 'tiny_f32.safetensors'), '--json', '--no-progress', '--normalize', 'none'])).out);
    for (let i = 0; i < res.layers.length; i++) {
      expect(res.layers[i].lambda_max).toBeGreaterThan(0);
      expect(res.layers[i].lambda_max).toBeLessThan(1e-5 * plain.layers[i].lambda_max);
    }
  });

  test('describe lists layers without spectra', async () => {
    const r = await run(['describe', path.join(MODELS, 'tiny_f16.safetensors'), '--json']);
    const d = JSON.parse(r.out);
    expect(d.layers.map((l: { name: string; layer_type: string }) => `${l.name}:${l.layer_type}`)).toEqual([
      'conv:conv2d', 'conv1d:conv1d', 'embed_tokens:embedding', 'head:dense', 'layers.0.mlp.fc1:dense', 'layers.0.self_attn.q_proj:dense']);
    expect(d.layers[0]).toMatchObject({ N: 6, M: 4, rf: 9, num_evals: 36, layout: 'pytorch' });
  });

  test('the default model (no PATH): describe works and names it', async () => {
    const r = await run(['describe']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/@vladmandic\/human/);
    expect(r.out).toMatch(/conv_pw_13\s+conv2d/);
  });

  test('--html writes a self-contained report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-html-'));
    const f = path.join(dir, 'r.html');
    const r = await run(['analyze', path.join(MODELS, 'tiny_f32.safetensors'), '--html', f, '--no-progress']);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(f, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('layers.0.mlp.fc1');
    expect(html).not.toMatch(/<script[^>]+src=/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('bad input: one line on stderr, exit 1; bad options: exit 1', async () => {
    const r = await run(['analyze', path.join(MODELS, 'does-not-exist.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^esdlab analyze: \[.*does-not-exist\.safetensors\] no such file or directory\n$/);
    expect((await run(['analyze', '--normalize', 'x'])).code).toBe(1);
    expect(() => parseModelArgs(['a', 'b'], 'analyze')).toThrow(/one model PATH/);
    expect(parseModelArgs(['--layers', '1,2,dense,-x'], 'analyze').layers).toEqual([1, 2, 'dense', '-x']);
  });
});
