/**
 * Layer extraction: turns the flat list of named tensors a model file holds into the list of layers
 * esdlab analyzes (names, types, shapes, conv layouts, N, M, rf), WeightWatcher-style. Pure code: the
 * loaders in src/io/ produce {@link TensorEntry} lists, this module decides what is a layer.
 * Conv kernels are `pytorch` (out, in, kh, kw) / (out, in, k) or `keras` (kh, kw, in, out) / (k, in, out)
 * as in {@link layerMatrices}; loaders of other layouts (TFLite) transpose on read.
 */
import type { ConvLayout, LayerType } from './layerMatrices';

/**
 * What a file's graph says about a tensor: an analyzable {@link LayerType}, or `norm` (a
 * normalization parameter, never analyzed).
 */
export type TypeHint = LayerType | 'norm';

/** Attention projection role guessed from a tensor name (`null` when not an attention projection). */
export type AttentionRole = 'q' | 'k' | 'v' | 'o' | 'qkv' | null;

/** One tensor as a loader lists it (no values). */
export interface TensorEntry {
  /** Full tensor name in the file, e.g. `encoder.layer.0.attention.self.query.weight`. */
  name: string;
  /** Dimensions as stored. */
  shape: number[];
  /** Stored element type, e.g. `F32`, `F16`, `BF16`, `U8`. */
  dtype: string;
  /** How stored values become floats when that is more than a cast, e.g. `uint8 affine: q*scale+min`. */
  dequantized?: string | null;
  /** Layer type the file's graph gives for this tensor (TF.js/ONNX/Keras), when known. */
  typeHint?: TypeHint;
  /** Conv layout for this tensor when it differs from the model's default. */
  layout?: ConvLayout;
}

/** One analyzable (or listed-but-skipped) layer. Plain JSON. */
export interface LayerInfo {
  /** 0-based position among the layers of the model (file order). */
  layer_id: number;
  /** Short layer name: the tensor name without a trailing `.weight`, `/kernel`, `:0`. */
  name: string;
  /** The full tensor name. */
  longname: string;
  /** Layer type. */
  layer_type: LayerType;
  /** Attention projection role from the name, or null. */
  attention: AttentionRole;
  /** Stored shape. */
  shape: number[];
  /** Conv layout used to slice this tensor (null for dense/embedding). */
  layout: ConvLayout | null;
  /** Larger dimension of one (slice) matrix. */
  N: number;
  /** Smaller dimension of one (slice) matrix. */
  M: number;
  /** Aspect ratio N/M. */
  Q: number;
  /** Receptive field: kh·kw for conv2d, k for conv1d, 1 otherwise. */
  rf: number;
  /** Number of eigenvalues of the pooled ESD: M·rf. */
  num_evals: number;
  /** Stored element type. */
  dtype: string;
  /** Dequantization applied on read (null when the values were only cast). */
  dequantized: string | null;
  /** For a LoRA product layer (B·A): the two tensors and the rank (see `pairLoraLayers`). */
  lora?: { A: string; B: string; rank: number };
}

/** Options of {@link extractLayers}. */
export interface ExtractOptions {
  /** Default conv layout of the model's framework. */
  convLayout: ConvLayout;
}

const NORM_RE = /(^|[._/])(norm|layernorm|layer_norm|ln_?\d*|ln_f|bn\d*|batchnorm|batch_norm|rmsnorm|[a-z_]*_bn|[a-z_]*_norm)([._/]|$)/i;
const EMBED_RE = /(embed|(^|[._/])(wte|wpe|emb|tok_emb|pos_emb|shared)([._/]|$))/i;

const WEIGHT_SUFFIX = /^(weight|weights|kernel|filters|filter|w|depthwise_kernel|depthwise_weights|conv2d_weights|matmul_weights|readvariableop|matmul|conv2d|convolution|merged_input|biasadd)$/i;

/**
 * Short layer name of a tensor name: drops a trailing `:0` and trailing weight-ish segments
 * (`.weight`, `/kernel`, TF graph suffixes like `/Conv2D/ReadVariableOp` or
 * `/convolution/merged_input`), keeping at least one segment.
 */
export function layerNameOf(tensorName: string): string {
  const s = tensorName.replace(/:0$/, '').replace(/\/vars\/\d+$/, '');
  const parts = s.split(/(?=[./])/); // keep separators with the following segment
  while (parts.length > 1 && WEIGHT_SUFFIX.test(parts[parts.length - 1].slice(1))) parts.pop();
  const out = parts.join('');
  return out.length ? out : tensorName;
}

/** The attention projection role a tensor name suggests (q, k, v, o, fused qkv), or null. */
export function attentionRoleOf(name: string): AttentionRole {
  const n = name.toLowerCase();
  if (/(^|[._/])(c_attn|qkv|qkv_proj|query_key_value|in_proj|w_pack|wqkv)([._/]|$)/.test(n)) return 'qkv';
  if (/(^|[._/])(q_proj|query|wq|q_lin|to_q)([._/]|$)/.test(n)) return 'q';
  if (/(^|[._/])(k_proj|key|wk|k_lin|to_k)([._/]|$)/.test(n)) return 'k';
  if (/(^|[._/])(v_proj|value|wv|v_lin|to_v)([._/]|$)/.test(n)) return 'v';
  if (/(^|[._/])(o_proj|out_proj|wo|out_lin|to_out)([._/]|$)/.test(n)) return 'o';
  if (/attn|attention/.test(n) && /(^|[._/])(c_proj|dense|proj|output)([._/]|$)/.test(n)) return 'o';
  return null;
}

function finalize(partial: Omit<LayerInfo, 'Q' | 'num_evals'>): LayerInfo {
  return { ...partial, Q: partial.M > 0 ? partial.N / partial.M : 0, num_evals: partial.M * partial.rf };
}

/**
 * Classifies one tensor. Returns null for tensors that are not weight matrices (biases, norm scales,
 * scalars, 5-D and higher tensors).
 */
export function classifyTensor(t: TensorEntry, layerId: number, options: ExtractOptions): LayerInfo | null {
  const shape = t.shape;
  if (shape.length < 2 || shape.length > 4) return null;
  if (shape.some((d) => d === 0)) return null;
  const base = {
    layer_id: layerId, name: layerNameOf(t.name), longname: t.name, shape: shape.slice(),
    dtype: t.dtype, dequantized: t.dequantized ?? null, attention: null as AttentionRole,
  };
  const hint = t.typeHint;
  if (hint === 'norm' || (hint === undefined && NORM_RE.test(t.name) && shape.length === 2 && Math.min(shape[0], shape[1]) === 1)) return null;
  if (shape.length === 2) {
    const type: LayerType = hint === 'embedding' || (hint === undefined && EMBED_RE.test(t.name)) ? 'embedding'
      : hint === 'conv1d' ? 'conv1d' : 'dense';
    const N = Math.max(shape[0], shape[1]);
    const M = Math.min(shape[0], shape[1]);
    return finalize({ ...base, layer_type: type, attention: type === 'embedding' ? null : attentionRoleOf(t.name), layout: null, N, M, rf: 1 });
  }
  const layout = t.layout ?? options.convLayout;
  if (shape.length === 3) {
    let out: number, inp: number, k: number;
    if (layout === 'pytorch') [out, inp, k] = shape;
    else [k, inp, out] = shape;
    return finalize({ ...base, layer_type: 'conv1d', layout, N: Math.max(out, inp), M: Math.min(out, inp), rf: k });
  }
  let out: number, inp: number, kh: number, kw: number;
  if (layout === 'pytorch') [out, inp, kh, kw] = shape;
  else [kh, kw, inp, out] = shape;
  return finalize({ ...base, layer_type: 'conv2d', layout, N: Math.max(out, inp), M: Math.min(out, inp), rf: kh * kw });
}

/**
 * Lists the layers of a model from its tensors, in file order, numbering them from 0.
 * Tensors that are not weight matrices (1-D biases and norm scales, scalars) are left out. A short
 * name that two layers would share is replaced by the full tensor name on the second.
 */
export function extractLayers(tensors: readonly TensorEntry[], options: ExtractOptions): LayerInfo[] {
  const layers: LayerInfo[] = [];
  const names = new Set<string>();
  for (const t of tensors) {
    const l = classifyTensor(t, layers.length, options);
    if (!l) continue;
    if (names.has(l.name)) l.name = l.longname; // keep short names unique
    names.add(l.name);
    layers.push(l);
  }
  return layers;
}
