import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { layersOf } from '../src/io/model';
import { openModel } from '../src/io/openModel';
import { readPickle } from '../src/io/pickle';
import { MODELS, expectMatchesFixture } from './ioFixtures';

const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e) => (isEsdlabError(e) ? e.code : `untyped: ${String(e)}`));

describe('PyTorch checkpoints (fixtures written by torch.save)', () => {
  for (const f of ['tiny.pt', 'tiny_f16.pth', 'seq_state_dict.bin']) {
    test(`${f}: names, shapes, values and eigenvalues match numpy`, async () => {
      const m = await openModel(path.join(MODELS, f));
      try {
        expect(m.format).toBe('pytorch');
        await expectMatchesFixture(m, f);
      } finally {
        await m.close();
      }
    });
  }

  test('sharded checkpoint (pytorch_model.bin.index.json), also found from its directory', async () => {
    for (const p of [path.join(MODELS, 'pt_sharded', 'pytorch_model.bin.index.json'), path.join(MODELS, 'pt_sharded')]) {
      const m = await openModel(p);
      try {
        expect(m.format).toBe('pytorch-sharded');
        await expectMatchesFixture(m, 'pt_sharded/pytorch_model.bin.index.json');
      } finally {
        await m.close();
      }
    }
  });

  test('nn.Module state dict: layer types from shapes', async () => {
    const m = await openModel(path.join(MODELS, 'seq_state_dict.bin'));
    expect(layersOf(m).map((l) => `${l.name}:${l.layer_type}:${l.N}x${l.M}x${l.rf}`)).toEqual(['0:conv2d:8x3x9', '3:dense:128x10x1']);
    await m.close();
  });

  test('legacy (non-zip) torch files: UNSUPPORTED_FORMAT with advice', async () => {
    const err = await openModel(path.join(MODELS, 'legacy.pt')).then(() => null, (e) => e);
    expect(isEsdlabError(err) && err.code).toBe('UNSUPPORTED_FORMAT');
    expect(String(err.message)).toMatch(/legacy.*re-save/);
  });
});

function pickle(...parts: Array<number[] | string>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of Buffer.from(p, 'latin1')) out.push(c);
    else out.push(...p);
  }
  return new Uint8Array(out);
}

describe('restricted pickle reader', () => {
  test('refuses os.system (GLOBAL) and names it; nothing executed', () => {
    // protocol 2: c os\nsystem\n (X 'echo pwned' tR.
    const p = pickle([0x80, 2], 'cos\nsystem\n(X', [10, 0, 0, 0], 'echo pwnedtR.');
    let err: unknown;
    try { readPickle(p); } catch (e) { err = e; }
    expect(isEsdlabError(err) && err.code).toBe('FORBIDDEN');
    expect(String((err as Error).message)).toMatch(/global 'os\.system'/);
  });
  test('refuses builtins.eval via STACK_GLOBAL', () => {
    const p = pickle([0x80, 4, 0x8c, 8], 'builtins', [0x8c, 4], 'eval', [0x93], '.');
    expect(() => readPickle(p)).toThrow(/builtins\.eval/);
  });
  test('refuses unknown opcodes (e.g. INST) and truncated pickles with typed errors', () => {
    expect(() => readPickle(pickle([0x80, 2], 'ios\nsystem\n.'))).toThrow(/opcode 0x69/);
    let err: unknown;
    try { readPickle(pickle([0x80, 2, 0x58, 10, 0, 0, 0], 'abc')); } catch (e) { err = e; }
    expect(isEsdlabError(err) && err.code).toBe('TRUNCATED');
  });
  test('reads plain containers', () => {
    // {'a': [1, 2.5, None, True]}
    const p = pickle([0x80, 2, 0x7d, 0x58, 1, 0, 0, 0], 'a', [0x5d, 0x28, 0x4b, 1, 0x47, 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x4e, 0x88, 0x65, 0x73], '.');
    expect(readPickle(p)).toEqual(new Map([['a', [1, 2.5, null, true]]]));
  });
  test('a PyTorch file whose pickle names a forbidden global is refused by the loader', async () => {
    expect(await code(openModel(path.join(__dirname, 'malformed', 'forbidden_global.pt')))).toBe('FORBIDDEN');
  });
});
