/*
 * esdlab native accelerator (Linux x86-64; an optional N-API addon, built for AVX-512F and for AVX2+FMA).
 *
 * Computes the lower triangle of G = XᵀX for the spectrum engine, where X (K×M) is W itself
 * (orient 0: W is K×M row-major) or Wᵀ (orient 1: W is M×K row-major), W float32 or float64.
 * Accumulation in float64 (float32 is promoted while packing, so every product is exact), fused
 * multiply-adds on 512-bit vectors. G is row-major with row stride ldg and receives G += XᵀX on
 * rows/columns < M (the caller zeroes it); entries above the diagonal inside diagonal tiles may be
 * written too (the engine reads the lower triangle only).
 *
 * The same packed-panel scheme as the WebAssembly kernels (native/spectrum.c), with 8-wide panels
 * and 8×16 register tiles (16 zmm accumulators). Threads: each thread owns a contiguous range of
 * 8-row tile rows with equal numbers of lower tiles, packs privately what it needs and never waits
 * for another thread, so the result does not depend on the thread count.
 *
 * Built by scripts/build-native.sh (gcc -O3 -mavx512f); the engine loads it only on Linux x86-64
 * when /proc/cpuinfo lists avx512f, and falls back to its WebAssembly Gram otherwise.
 */
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#define NAPI_VERSION 8
#include <node_api.h>

#define KC 256 /* depth of a pack block */

/* 8-double moves of the packing and the tile write-back, per instruction set */
#if defined(__AVX512F__)
#define PACK8_F32(d, s) _mm512_storeu_pd((d), _mm512_cvtps_pd(_mm256_loadu_ps(s)))
#define PACK8_F64(d, s) _mm512_storeu_pd((d), _mm512_loadu_pd(s))
#define ADD8(g, s) _mm512_storeu_pd((g), _mm512_add_pd(_mm512_loadu_pd(g), _mm512_loadu_pd(s)))
#define SUB8(g, s) _mm512_storeu_pd((g), _mm512_sub_pd(_mm512_loadu_pd(g), _mm512_loadu_pd(s)))
#elif defined(__AVX2__) && defined(__FMA__)
#define PACK8_F32(d, s) do { _mm256_storeu_pd((d), _mm256_cvtps_pd(_mm_loadu_ps(s))); _mm256_storeu_pd((d) + 4, _mm256_cvtps_pd(_mm_loadu_ps((s) + 4))); } while (0)
#define PACK8_F64(d, s) do { _mm256_storeu_pd((d), _mm256_loadu_pd(s)); _mm256_storeu_pd((d) + 4, _mm256_loadu_pd((s) + 4)); } while (0)
#define ADD8(g, s) do { _mm256_storeu_pd((g), _mm256_add_pd(_mm256_loadu_pd(g), _mm256_loadu_pd(s))); _mm256_storeu_pd((g) + 4, _mm256_add_pd(_mm256_loadu_pd((g) + 4), _mm256_loadu_pd((s) + 4))); } while (0)
#define SUB8(g, s) do { _mm256_storeu_pd((g), _mm256_sub_pd(_mm256_loadu_pd(g), _mm256_loadu_pd(s))); _mm256_storeu_pd((g) + 4, _mm256_sub_pd(_mm256_loadu_pd((g) + 4), _mm256_loadu_pd((s) + 4))); } while (0)
#else
#error "build with -mavx512f, or -mavx2 -mfma"
#endif
#define NC 32  /* B panels per cache chunk (256 columns) */

typedef struct {
  const void *w;
  int f32, orient;
  int64_t K, M, ldg;
  double *g;
  int64_t lo, hi; /* tile rows [lo, hi) of this thread (8-row panels) */
  int err;
} Task;

/* pack[p][k][a] = X[k0+k][8p+a], panels p in [0, np), zero beyond M */
static void pack_block(const Task *t, double *pk, int64_t k0, int64_t kc, int64_t np) {
  const int64_t M = t->M, K = t->K;
  if (t->orient == 0) {
    for (int64_t k = 0; k < kc; k++) {
      double *dst = pk + 8 * k;
      if (t->f32) {
        const float *src = (const float *)t->w + (k0 + k) * M;
        int64_t p = 0;
        for (; p < np && 8 * p + 8 <= M; p++) PACK8_F32(dst + p * 8 * kc, src + 8 * p);
        for (; p < np; p++)
          for (int a = 0; a < 8; a++) dst[p * 8 * kc + a] = 8 * p + a < M ? (double)src[8 * p + a] : 0.0;
      } else {
        const double *src = (const double *)t->w + (k0 + k) * M;
        int64_t p = 0;
        for (; p < np && 8 * p + 8 <= M; p++) PACK8_F64(dst + p * 8 * kc, src + 8 * p);
        for (; p < np; p++)
          for (int a = 0; a < 8; a++) dst[p * 8 * kc + a] = 8 * p + a < M ? src[8 * p + a] : 0.0;
      }
    }
  } else {
    /* W is M×K: X[k][i] = W[i][k0+k]; one row of W per lane */
    for (int64_t p = 0; p < np; p++) {
      double *dst = pk + p * 8 * kc;
      for (int a = 0; a < 8; a++) {
        const int64_t i = 8 * p + a;
        if (i >= M) {
          for (int64_t k = 0; k < kc; k++) dst[8 * k + a] = 0.0;
        } else if (t->f32) {
          const float *src = (const float *)t->w + i * K + k0;
          for (int64_t k = 0; k < kc; k++) dst[8 * k + a] = (double)src[k];
        } else {
          const double *src = (const double *)t->w + i * K + k0;
          for (int64_t k = 0; k < kc; k++) dst[8 * k + a] = src[k];
        }
      }
    }
  }
}

#if defined(__AVX512F__)
/* C[8 × (8·nb)] += A-panel · (B-panels J, J+1)ᵀ over depth kc into acc (row r, col c at acc[r*16+c]) */
static inline void tile8x16(const double *a, const double *b0, const double *b1, int64_t kc, double *out) {
  __m512d c00 = _mm512_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  __m512d c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  for (int64_t k = 0; k < kc; k++, a += 8, b0 += 8, b1 += 8) {
    const __m512d x0 = _mm512_loadu_pd(b0), x1 = _mm512_loadu_pd(b1);
    __m512d s = _mm512_set1_pd(a[0]);
    c00 = _mm512_fmadd_pd(s, x0, c00); c01 = _mm512_fmadd_pd(s, x1, c01);
    s = _mm512_set1_pd(a[1]); c10 = _mm512_fmadd_pd(s, x0, c10); c11 = _mm512_fmadd_pd(s, x1, c11);
    s = _mm512_set1_pd(a[2]); c20 = _mm512_fmadd_pd(s, x0, c20); c21 = _mm512_fmadd_pd(s, x1, c21);
    s = _mm512_set1_pd(a[3]); c30 = _mm512_fmadd_pd(s, x0, c30); c31 = _mm512_fmadd_pd(s, x1, c31);
    s = _mm512_set1_pd(a[4]); c40 = _mm512_fmadd_pd(s, x0, c40); c41 = _mm512_fmadd_pd(s, x1, c41);
    s = _mm512_set1_pd(a[5]); c50 = _mm512_fmadd_pd(s, x0, c50); c51 = _mm512_fmadd_pd(s, x1, c51);
    s = _mm512_set1_pd(a[6]); c60 = _mm512_fmadd_pd(s, x0, c60); c61 = _mm512_fmadd_pd(s, x1, c61);
    s = _mm512_set1_pd(a[7]); c70 = _mm512_fmadd_pd(s, x0, c70); c71 = _mm512_fmadd_pd(s, x1, c71);
  }
  _mm512_storeu_pd(out + 0, c00); _mm512_storeu_pd(out + 8, c01);
  _mm512_storeu_pd(out + 16, c10); _mm512_storeu_pd(out + 24, c11);
  _mm512_storeu_pd(out + 32, c20); _mm512_storeu_pd(out + 40, c21);
  _mm512_storeu_pd(out + 48, c30); _mm512_storeu_pd(out + 56, c31);
  _mm512_storeu_pd(out + 64, c40); _mm512_storeu_pd(out + 72, c41);
  _mm512_storeu_pd(out + 80, c50); _mm512_storeu_pd(out + 88, c51);
  _mm512_storeu_pd(out + 96, c60); _mm512_storeu_pd(out + 104, c61);
  _mm512_storeu_pd(out + 112, c70); _mm512_storeu_pd(out + 120, c71);
}
static inline void tile8x8(const double *a, const double *b0, int64_t kc, double *out) {
  __m512d c0 = _mm512_setzero_pd(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int64_t k = 0; k < kc; k++, a += 8, b0 += 8) {
    const __m512d x0 = _mm512_loadu_pd(b0);
    c0 = _mm512_fmadd_pd(_mm512_set1_pd(a[0]), x0, c0);
    c1 = _mm512_fmadd_pd(_mm512_set1_pd(a[1]), x0, c1);
    c2 = _mm512_fmadd_pd(_mm512_set1_pd(a[2]), x0, c2);
    c3 = _mm512_fmadd_pd(_mm512_set1_pd(a[3]), x0, c3);
    c4 = _mm512_fmadd_pd(_mm512_set1_pd(a[4]), x0, c4);
    c5 = _mm512_fmadd_pd(_mm512_set1_pd(a[5]), x0, c5);
    c6 = _mm512_fmadd_pd(_mm512_set1_pd(a[6]), x0, c6);
    c7 = _mm512_fmadd_pd(_mm512_set1_pd(a[7]), x0, c7);
  }
  _mm512_storeu_pd(out + 0, c0); _mm512_storeu_pd(out + 16, c1); _mm512_storeu_pd(out + 32, c2); _mm512_storeu_pd(out + 48, c3);
  _mm512_storeu_pd(out + 64, c4); _mm512_storeu_pd(out + 80, c5); _mm512_storeu_pd(out + 96, c6); _mm512_storeu_pd(out + 112, c7);
}

#else
/* AVX2 + FMA (16 ymm registers): 4×8 register tiles, 8 accumulators; the 8×8 and 8×16 tiles are
 * made of them. Same packs, same results layout (acc row stride 16). */
static inline void tile4x8(const double *a, const double *b, int64_t kc, double *out) {
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int64_t k = 0; k < kc; k++, a += 8, b += 8) {
    const __m256d x0 = _mm256_loadu_pd(b), x1 = _mm256_loadu_pd(b + 4);
    __m256d s = _mm256_broadcast_sd(a);
    c00 = _mm256_fmadd_pd(s, x0, c00); c01 = _mm256_fmadd_pd(s, x1, c01);
    s = _mm256_broadcast_sd(a + 1); c10 = _mm256_fmadd_pd(s, x0, c10); c11 = _mm256_fmadd_pd(s, x1, c11);
    s = _mm256_broadcast_sd(a + 2); c20 = _mm256_fmadd_pd(s, x0, c20); c21 = _mm256_fmadd_pd(s, x1, c21);
    s = _mm256_broadcast_sd(a + 3); c30 = _mm256_fmadd_pd(s, x0, c30); c31 = _mm256_fmadd_pd(s, x1, c31);
  }
  _mm256_storeu_pd(out + 0, c00); _mm256_storeu_pd(out + 4, c01);
  _mm256_storeu_pd(out + 16, c10); _mm256_storeu_pd(out + 20, c11);
  _mm256_storeu_pd(out + 32, c20); _mm256_storeu_pd(out + 36, c21);
  _mm256_storeu_pd(out + 48, c30); _mm256_storeu_pd(out + 52, c31);
}
static inline void tile8x8(const double *a, const double *b0, int64_t kc, double *out) {
  tile4x8(a, b0, kc, out);
  tile4x8(a + 4, b0, kc, out + 64);
}
static inline void tile8x16(const double *a, const double *b0, const double *b1, int64_t kc, double *out) {
  tile8x8(a, b0, kc, out);
  tile8x8(a, b1, kc, out + 8);
}
#endif

/* G[8I.., 8J..] += acc (8 rows × w columns, acc row stride 16), clipped to M */
static inline void add_block(const Task *t, const double *acc, int64_t I, int64_t J, int w) {
  const int64_t r0 = 8 * I, c0 = 8 * J, M = t->M;
  const int rows = r0 + 8 <= M ? 8 : (int)(M - r0);
  const int cols = c0 + w <= M ? w : (int)(M - c0);
  if (cols <= 0) return;
  for (int r = 0; r < rows; r++) {
    double *g = t->g + (r0 + r) * t->ldg + c0;
    const double *s = acc + 16 * r;
    int c = 0;
    for (; c + 8 <= cols; c += 8) ADD8(g + c, s + c);
    for (; c < cols; c++) g[c] += s[c];
  }
}

/* ---- rank-2k update for the tridiagonalization: G[i][j] -= Σ_q V_q[i] W_q[j] + W_q[i] V_q[j] ---- */
typedef struct {
  double *g;
  int64_t ldg, k, depth; /* depth = 2·nbp */
  const double *pa, *pb; /* packs [p][depth][8]: pa = [V; W], pb = [W; V] */
  int64_t lo, hi;
} Syr2kTask;

static inline void sub_block(double *G, int64_t ldg, int64_t k, const double *acc, int64_t I, int64_t J, int w) {
  const int64_t r0 = 8 * I, c0 = 8 * J;
  const int rows = r0 + 8 <= k ? 8 : (int)(k - r0);
  const int cols = c0 + w <= k ? w : (int)(k - c0);
  if (cols <= 0) return;
  for (int r = 0; r < rows; r++) {
    double *g = G + (r0 + r) * ldg + c0;
    const double *s = acc + 16 * r;
    int c = 0;
    for (; c + 8 <= cols; c += 8) SUB8(g + c, s + c);
    for (; c < cols; c++) g[c] -= s[c];
  }
}

static void *run_syr2k(void *arg) {
  Syr2kTask *t = (Syr2kTask *)arg;
  double acc[128] __attribute__((aligned(64)));
  const int64_t d = t->depth;
  for (int64_t jc = 0; jc < t->hi; jc += NC) {
    const int64_t jend = jc + NC;
    for (int64_t I = t->lo > jc ? t->lo : jc; I < t->hi; I++) {
      const double *ap = t->pa + I * 8 * d;
      const int64_t jmax = I + 1 < jend ? I + 1 : jend;
      int64_t J = jc;
      for (; J + 1 < jmax; J += 2) {
        tile8x16(ap, t->pb + J * 8 * d, t->pb + (J + 1) * 8 * d, d, acc);
        sub_block(t->g, t->ldg, t->k, acc, I, J, 16);
      }
      if (J < jmax) {
        tile8x8(ap, t->pb + J * 8 * d, d, acc);
        sub_block(t->g, t->ldg, t->k, acc, I, J, 8);
      }
    }
  }
  return NULL;
}

static void *run_task(void *arg) {
  Task *t = (Task *)arg;
  if (t->lo >= t->hi) return NULL;
  const int64_t hi = t->hi;
  double *pk = (double *)aligned_alloc(64, (size_t)(hi * 8 * KC * sizeof(double)));
  if (!pk) { t->err = 1; return NULL; }
  double acc[128] __attribute__((aligned(64)));
  for (int64_t k0 = 0; k0 < t->K; k0 += KC) {
    const int64_t kc = t->K - k0 < KC ? t->K - k0 : KC;
    pack_block(t, pk, k0, kc, hi);
    for (int64_t jc = 0; jc < hi; jc += NC) {
      const int64_t jend = jc + NC;
      for (int64_t I = t->lo > jc ? t->lo : jc; I < hi; I++) {
        const double *ap = pk + I * 8 * kc;
        const int64_t jmax = I + 1 < jend ? I + 1 : jend; /* J in [jc, jmax) */
        int64_t J = jc;
        for (; J + 1 < jmax; J += 2) {
          tile8x16(ap, pk + J * 8 * kc, pk + (J + 1) * 8 * kc, kc, acc);
          add_block(t, acc, I, J, 16);
        }
        if (J < jmax) {
          tile8x8(ap, pk + J * 8 * kc, kc, acc);
          add_block(t, acc, I, J, 8);
        }
      }
    }
  }
  free(pk);
  return NULL;
}

static int64_t tri_bound(int64_t P, int t, int T) {
  if (t <= 0) return 0;
  if (t >= T) return P;
  return (int64_t)((double)P * sqrt((double)t / (double)T) + 0.5);
}

/* runs fn on tasks[0..n): tasks 1.. on new threads (here, if a thread cannot start), task 0 here; joins */
static void run_all(void *(*fn)(void *), void *tasks, size_t size, int n) {
  pthread_t tids[64];
  int started[64] = {0};
  char *base = (char *)tasks;
  for (int t = 1; t < n; t++) started[t] = pthread_create(&tids[t], NULL, fn, base + (size_t)t * size) == 0;
  for (int t = 1; t < n; t++) if (!started[t]) fn(base + (size_t)t * size);
  fn(base);
  for (int t = 1; t < n; t++) if (started[t]) pthread_join(tids[t], NULL);
}

/* gram(w: Float32Array|Float64Array, orient, K, M, g: Float64Array (SharedArrayBuffer view ok), ldg, threads) */
static napi_value Gram(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7) {
    napi_throw_type_error(env, NULL, "gram: expected 7 arguments");
    return NULL;
  }
  napi_typedarray_type wt, gt;
  size_t wlen, glen;
  void *wdata, *gdata;
  if (napi_get_typedarray_info(env, argv[0], &wt, &wlen, &wdata, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[4], &gt, &glen, &gdata, NULL, NULL) != napi_ok ||
      (wt != napi_float32_array && wt != napi_float64_array) || gt != napi_float64_array) {
    napi_throw_type_error(env, NULL, "gram: expected a Float32Array/Float64Array W and a Float64Array G");
    return NULL;
  }
  int32_t orient = -1, threads = 0;
  int64_t K = -1, M = -1, ldg = -1;
  if (napi_get_value_int32(env, argv[1], &orient) != napi_ok || napi_get_value_int64(env, argv[2], &K) != napi_ok ||
      napi_get_value_int64(env, argv[3], &M) != napi_ok || napi_get_value_int64(env, argv[5], &ldg) != napi_ok ||
      napi_get_value_int32(env, argv[6], &threads) != napi_ok) {
    napi_throw_type_error(env, NULL, "gram: orient, K, M, ldg and threads must be numbers");
    return NULL;
  }
  if ((orient != 0 && orient != 1) || K < 0 || M < 0 || K > ((int64_t)1 << 40) || M > ((int64_t)1 << 20) || ldg > ((int64_t)1 << 32) || (uint64_t)(K * M) > wlen || ldg < M || (M > 0 && (uint64_t)((M - 1) * ldg + M) > glen) || threads < 1 || threads > 64) {
    napi_throw_range_error(env, NULL, "gram: sizes do not match the arrays");
    return NULL;
  }
  const int64_t P = (M + 7) / 8;
  if (threads > P) threads = P > 0 ? (int)P : 1;
  Task tasks[64];
  for (int t = 0; t < threads; t++) {
    tasks[t] = (Task){ wdata, wt == napi_float32_array, orient, K, M, ldg, (double *)gdata, tri_bound(P, t, threads), tri_bound(P, t + 1, threads), 0 };
  }
  run_all(run_task, tasks, sizeof(Task), threads);
  int err = 0;
  for (int t = 0; t < threads; t++) err |= tasks[t].err;
  if (err) {
    napi_throw_error(env, "OUT_OF_MEMORY", "gram: cannot allocate the pack buffers");
    return NULL;
  }
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

/* syr2k(mem: Float64Array, g, ldg, k, v, w, ldv, nbp, threads); offsets in elements of mem */
static napi_value Syr2k(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 9) {
    napi_throw_type_error(env, NULL, "syr2k: expected 9 arguments");
    return NULL;
  }
  napi_typedarray_type mt;
  size_t mlen;
  void *mdata;
  if (napi_get_typedarray_info(env, argv[0], &mt, &mlen, &mdata, NULL, NULL) != napi_ok || mt != napi_float64_array) {
    napi_throw_type_error(env, NULL, "syr2k: expected a Float64Array");
    return NULL;
  }
  int64_t a[7];
  int32_t threads = 0;
  for (int i = 0; i < 7; i++) {
    if (napi_get_value_int64(env, argv[1 + i], &a[i]) != napi_ok) { napi_throw_type_error(env, NULL, "syr2k: offsets must be numbers"); return NULL; }
  }
  if (napi_get_value_int32(env, argv[8], &threads) != napi_ok) { napi_throw_type_error(env, NULL, "syr2k: threads must be a number"); return NULL; }
  const int64_t g = a[0], ldg = a[1], k = a[2], v = a[3], w = a[4], ldv = a[5], nbp = a[6];
  const int64_t lim = (int64_t)1 << 32, n = (int64_t)mlen;
  if (g < 0 || ldg < k || k < 1 || k > lim || ldg > lim || v < 0 || w < 0 || ldv < k || ldv > lim || nbp < 1 || nbp > 4096 ||
      threads < 1 || threads > 64 || g + (k - 1) * ldg + k > n || v + (nbp - 1) * ldv + k > n || w + (nbp - 1) * ldv + k > n) {
    napi_throw_range_error(env, NULL, "syr2k: sizes do not match the array");
    return NULL;
  }
  double *M = (double *)mdata;
  const int64_t P = (k + 7) / 8, depth = 2 * nbp;
  double *pa = (double *)aligned_alloc(64, (size_t)(P * 8 * depth * sizeof(double)));
  double *pb = (double *)aligned_alloc(64, (size_t)(P * 8 * depth * sizeof(double)));
  if (!pa || !pb) {
    free(pa); free(pb);
    napi_throw_error(env, "OUT_OF_MEMORY", "syr2k: cannot allocate the packs");
    return NULL;
  }
  for (int64_t p = 0; p < P; p++) {
    double *xa = pa + p * 8 * depth, *xb = pb + p * 8 * depth;
    for (int64_t q = 0; q < nbp; q++) {
      const double *vq = M + v + q * ldv, *wq = M + w + q * ldv;
      for (int c = 0; c < 8; c++) {
        const int64_t r = 8 * p + c;
        const double vv = r < k ? vq[r] : 0.0, ww = r < k ? wq[r] : 0.0;
        xa[8 * q + c] = vv;
        xa[8 * (nbp + q) + c] = ww;
        xb[8 * q + c] = ww;
        xb[8 * (nbp + q) + c] = vv;
      }
    }
  }
  if (threads > P) threads = (int)P;
  Syr2kTask tasks[64];
  for (int t = 0; t < threads; t++) tasks[t] = (Syr2kTask){ M + g, ldg, k, depth, pa, pb, tri_bound(P, t, threads), tri_bound(P, t + 1, threads) };
  run_all(run_syr2k, tasks, sizeof(Syr2kTask), threads);
  free(pa);
  free(pb);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "gram", NAPI_AUTO_LENGTH, Gram, NULL, &fn);
  napi_set_named_property(env, exports, "gram", fn);
  napi_create_function(env, "syr2k", NAPI_AUTO_LENGTH, Syr2k, NULL, &fn);
  napi_set_named_property(env, exports, "syr2k", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
