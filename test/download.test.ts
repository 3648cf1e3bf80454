import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../src/analysis/analyze';
import { openModelOrUrl } from '../src/analysis/openAny';
import { isEsdlabError } from '../src/core/errors';
import type { DownloadProgress } from '../src/io/download';
import { MODELS, expectMatchesFixture } from './ioFixtures';

// A real HTTP server on 127.0.0.1 serving the fixture files: downloads go through the same code path
// as remote ones (nothing mocked). `/org/tiny/resolve/main/…` mimics the Hugging Face layout.
describe('downloads (URL and hf: ids) from a local HTTP server', () => {
  let server: http.Server;
  let base: string;
  let cache: string;
  const hits: string[] = [];
  beforeAll(async () => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-cache-'));
    const routes: Record<string, string> = {
      '/files/tiny_f32.safetensors': path.join(MODELS, 'tiny_f32.safetensors'),
      '/files/sharded/model.safetensors.index.json': path.join(MODELS, 'sharded', 'model.safetensors.index.json'),
      '/files/sharded/model-00001-of-00002.safetensors': path.join(MODELS, 'sharded', 'model-00001-of-00002.safetensors'),
      '/files/sharded/model-00002-of-00002.safetensors': path.join(MODELS, 'sharded', 'model-00002-of-00002.safetensors'),
      '/org/tiny/resolve/main/model.safetensors': path.join(MODELS, 'tiny_f16.safetensors'),
      '/org/sharded/resolve/main/model.safetensors.index.json': path.join(MODELS, 'sharded', 'model.safetensors.index.json'),
      '/org/sharded/resolve/main/model-00001-of-00002.safetensors': path.join(MODELS, 'sharded', 'model-00001-of-00002.safetensors'),
      '/org/sharded/resolve/main/model-00002-of-00002.safetensors': path.join(MODELS, 'sharded', 'model-00002-of-00002.safetensors'),
      '/org/torch/resolve/main/pytorch_model.bin': path.join(MODELS, 'tiny.pt'),
    };
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      const f = routes[req.url ?? ''];
      if (req.url === '/short.safetensors') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(10)); // promises 1000 bytes, sends 10, hangs up
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      if (!f) { res.writeHead(404); res.end('not found'); return; }
      const body = fs.readFileSync(f);
      res.writeHead(200, { 'content-length': String(body.length) });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(cache, { recursive: true, force: true });
  });

  test('a URL to a .safetensors file: downloaded with progress, then read like a local file; cached', async () => {
    const progress: DownloadProgress[] = [];
    const m = await openModelOrUrl(`${base}/files/tiny_f32.safetensors`, { cacheDir: cache, onDownload: (p) => progress.push(p) });
    await expectMatchesFixture(m, 'tiny_f32.safetensors');
    await m.close();
    expect(progress[progress.length - 1].received).toBe(fs.statSync(path.join(MODELS, 'tiny_f32.safetensors')).size);
    expect(progress[progress.length - 1].total).toBe(progress[progress.length - 1].received);
    const before = hits.length;
    await (await openModelOrUrl(`${base}/files/tiny_f32.safetensors`, { cacheDir: cache })).close();
    expect(hits.length).toBe(before); // served from the cache
  });

  test('a URL to a sharded index fetches its shards', async () => {
    const m = await openModelOrUrl(`${base}/files/sharded/model.safetensors.index.json`, { cacheDir: cache });
    await expectMatchesFixture(m, 'sharded/model.safetensors.index.json');
    await m.close();
  });

  test('hf:org/model resolves index → model.safetensors → pytorch_model.bin', async () => {
    const o = { cacheDir: cache, hfEndpoint: base };
    const a = await openModelOrUrl('hf:org/tiny', o);
    await expectMatchesFixture(a, 'tiny_f16.safetensors');
    await a.close();
    const b = await openModelOrUrl('hf:org/sharded', o);
    expect(b.format).toBe('safetensors-sharded');
    await b.close();
    const c = await openModelOrUrl('hf:org/torch', o);
    expect(c.format).toBe('pytorch');
    await c.close();
    const res = await analyze('hf:org/tiny', { ...o, layers: ['head'] });
    expect(res.layers.map((r) => r.status)).toEqual(['success']);
  });

  test('errors are typed: 404, short body, bad id', async () => {
    const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'none', (e) => (isEsdlabError(e) ? e.code : `untyped ${String(e)}`));
    expect(await code(openModelOrUrl(`${base}/nope.safetensors`, { cacheDir: cache }))).toBe('NOT_FOUND');
    expect(await code(openModelOrUrl(`${base}/short.safetensors`, { cacheDir: cache }))).toBe('TRUNCATED');
    expect(await code(openModelOrUrl('hf:org/missing', { cacheDir: cache, hfEndpoint: base }))).toBe('NOT_FOUND');
    expect(await code(openModelOrUrl('hf:../../etc', { cacheDir: cache, hfEndpoint: base }))).toBe('INVALID_ARGUMENT');
    expect(fs.readdirSync(cache).flatMap((d) => fs.readdirSync(path.join(cache, d))).some((f) => f.includes('.part-'))).toBe(false);
  });
});
