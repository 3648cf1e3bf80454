/**
 * LoRA adapters: pairs `X.lora_A[.adapter].weight` (r×in) with `X.lora_B[.adapter].weight` (out×r)
 * into one layer `X.lora_BA` whose matrix is the product B·A (out×in, rank ≤ r), as WeightWatcher's
 * `peft=True` does. The LoRA scaling α/r is not applied (it only scales all eigenvalues). Pure code.
 */
import { EsdlabError } from './errors';
import type { DenseTensor } from './matrix';
import type { LayerInfo } from './modelLayers';

const LORA_RE = /^(.*)\.lora_([AB])((?:\.[^.]+)?)\.weight$/;

/** The pairing of a LoRA product layer: tensor names of A and B and the rank r. */
export interface LoraPair {
  A: string;
  B: string;
  rank: number;
}

/**
 * Replaces every complete lora_A/lora_B pair of 2-D layers by one product layer (at the position of the
 * first of the two), renumbering layer ids. Unpaired or ill-shaped LoRA tensors stay ordinary layers.
 */
export function pairLoraLayers(layers: readonly LayerInfo[]): LayerInfo[] {
  const byKey = new Map<string, { A?: LayerInfo; B?: LayerInfo }>();
  for (const l of layers) {
    const m = LORA_RE.exec(l.longname);
    if (!m || l.shape.length !== 2) continue;
    const key = `${m[1]}\u0000${m[3]}`;
    const e = byKey.get(key) ?? {};
    e[m[2] as 'A' | 'B'] = l;
    byKey.set(key, e);
  }
  const replace = new Map<string, LayerInfo | null>();
  for (const [key, { A, B }] of byKey) {
    if (!A || !B) continue;
    const [r, inDim] = A.shape;
    const [outDim, r2] = B.shape;
    if (r !== r2) continue;
    const base = key.split('\u0000');
    const name = `${base[0]}${base[1]}.lora_BA`;
    const N = Math.max(outDim, inDim);
    const M = Math.min(outDim, inDim);
    const product: LayerInfo = {
      layer_id: 0, name, longname: name, layer_type: 'dense', attention: A.attention ?? B.attention,
      shape: [outDim, inDim], layout: null, N, M, Q: N / M, rf: 1, num_evals: M, dtype: A.dtype,
      dequantized: A.dequantized, lora: { A: A.longname, B: B.longname, rank: r },
    };
    const first = layers.indexOf(A) < layers.indexOf(B) ? A : B;
    replace.set(first.longname, product);
    replace.set((first === A ? B : A).longname, null);
  }
  const out: LayerInfo[] = [];
  for (const l of layers) {
    const r = replace.has(l.longname) ? replace.get(l.longname) : l;
    if (r) out.push({ ...r, layer_id: out.length });
  }
  return out;
}

/** B·A in float64 (B: out×r, A: r×in), the matrix of a LoRA product layer. */
export function loraProduct(B: DenseTensor, A: DenseTensor, name?: string): DenseTensor {
  const [out, r] = B.shape;
  const [r2, inDim] = A.shape;
  if (B.shape.length !== 2 || A.shape.length !== 2 || r !== r2) {
    throw new EsdlabError('INVALID_SHAPE', `LoRA B [${B.shape.join(', ')}] and A [${A.shape.join(', ')}] do not multiply`, name !== undefined ? { tensor: name } : {});
  }
  const P = new Float64Array(out * inDim);
  for (let i = 0; i < out; i++) {
    for (let k = 0; k < r; k++) {
      const b = B.data[i * r + k];
      if (b === 0) continue;
      const row = k * inDim;
      const o = i * inDim;
      for (let j = 0; j < inDim; j++) P[o + j] += b * A.data[row + j];
    }
  }
  return { data: P, shape: [out, inDim] };
}
