/*
 * esdlab spectrum kernels (WebAssembly SIMD, shared memory, no libc).
 *
 * All eigenvalues of the Gram matrix G = WᵀW (or W Wᵀ) of a dense float32/float64 matrix W:
 *   1. Gram: GotoBLAS-style packed SYRK, 4×4 f64x2 register tiles, float64 accumulation
 *      (float32 inputs are promoted in the pack, so every product is exact), lower triangle only,
 *      rows of tiles split over threads.
 *   2. Householder tridiagonalization, blocked like LAPACK dsytrd/dlatrd (UPLO='U' on the
 *      column-major view of our row-major lower triangle): per panel of nb columns a BLAS-2 pass
 *      (symmetric matrix-vector product, rows split over threads), then a BLAS-3 rank-2nb update of
 *      the leading matrix with the same packed tile kernel (split over threads).
 *   3. Implicit QL with Wilkinson shifts on the tridiagonal matrix (values only).
 *
 * Threads: the main thread runs spectrum_run(); every other thread sits in worker_loop() and
 * grabs chunks of an operation when the main thread publishes one (see "work sharing"). Synchronisation
 * is by seq_cst atomics on shared memory (spin, then memory.atomic.wait32). Every chunk writes its
 * own output, and partial sums are combined in a fixed order, so results do not depend on the
 * number of threads or on which thread ran which chunk.
 *
 * Built by scripts/build-wasm.sh twice: plain SIMD128, and with -mrelaxed-simd (FMA via
 * f64x2.relaxed_madd) for runtimes that support it.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

#ifdef USE_FMA
#define MADD(acc, a, b) wasm_f64x2_relaxed_madd((a), (b), (acc))
#define MSUB(acc, a, b) wasm_f64x2_relaxed_nmadd((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f64x2_add((acc), wasm_f64x2_mul((a), (b)))
#define MSUB(acc, a, b) wasm_f64x2_sub((acc), wasm_f64x2_mul((a), (b)))
#endif

/* ---- job description (written by the host, read by all threads) ---- */
typedef struct {
  uint32_t w;       /* W data */
  uint32_t dtype;   /* 0 float64, 1 float32 */
  uint32_t orient;  /* 0: G = WᵀW, W is K×M row-major; 1: G = W Wᵀ, W is M×K row-major */
  uint32_t K, M, Mp;/* summation length, Gram order, Gram order padded to a multiple of 4 */
  uint32_t g;       /* G: Mp×Mp float64, row-major, lower triangle used */
  uint32_t kc;      /* depth of a Gram pack block */
  uint32_t nthreads;
  uint32_t ctrl;    /* synchronisation words: 16 shared, then 16 per thread (see S_*) */
  uint32_t pack;    /* the Gram pack, shared by all threads (Mp*kc doubles) */
  uint32_t unused_[7]; /* (were per-thread packs; kept so later field offsets stay put) */
  uint32_t y[8];    /* symv accumulators, one per chunk (Mp doubles each) */
  uint32_t d, e;    /* outputs: diagonal (M) and off-diagonal (M) of the tridiagonal, then eigenvalues in d */
  uint32_t wp;      /* W panel of dlatrd: 2·nb rows of Mp doubles (the last panel may be up to 2nb wide) */
  uint32_t pa, pb;  /* syr2k packs: Mp*2nb doubles each */
  uint32_t nb;      /* panel width */
  uint32_t tau;     /* scratch, 4·nb doubles */
  int32_t scale_exp;/* out: eigenvalues were computed for 2^-scale_exp · G */
  int32_t status;   /* out: 0 ok, 1 QL not converged, 2 non-finite Gram, 3 a worker thread died */
  /* arguments of the current parallel operation */
  uint32_t op_c;    /* symv order / syr2k order */
  uint32_t op_v;    /* symv vector */
  uint32_t ql_iters;/* out: total QL iterations */
  uint32_t us_gram, us_tri, us_ql; /* out: stage times, microseconds (host clock) */
  uint32_t op_k0, op_kc; /* Gram: depth block being packed / multiplied */
  uint32_t gram_ready;   /* in: the host has already written G's lower triangle (native accelerator) */
  uint32_t native_syr2k; /* in: try the host's rank-2k update (native accelerator) first */
} Job;

/* host clock in milliseconds (performance.now) */
__attribute__((import_module("env"), import_name("now"))) extern double host_now(void);
/* host rank-2k update (native accelerator): G[i][j] -= Σ_q V_q[i] W_q[j] + W_q[i] V_q[j] for j ≤ i < k,
 * V_q at v + q·ldg, W_q at w + q·ldg (byte offsets, q < nbp). Returns 0 when done, else nonzero
 * (nothing written; the WebAssembly kernels do it instead). */
__attribute__((import_module("env"), import_name("syr2k"))) extern int32_t host_syr2k(uint32_t g, uint32_t ldg, uint32_t k, uint32_t v, uint32_t w, uint32_t nbp);

#define OP_GRAM 1
#define OP_SYMV 2
#define OP_SYR2K 3
#define OP_PACK 4

#define P(T, off) ((T *)(uintptr_t)(off))

/* ------------------------------------------------------------------------------------------ */
/* atomics                                                                                     */
static inline int32_t aload(int32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void astore(int32_t *p, int32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
#define SPIN_LIMIT 200000

/* ------------------------------------------------------------------------------------------ */
/* packing: pack[p][k][a] = X[k][4p+a] for the Gram's operand X (depth k, index 4p+a), panels
 * p0 <= p < P4, zero padded beyond M */
static void pack_block(const Job *j, double *pk, uint32_t k0, uint32_t kc, uint32_t p0, uint32_t P4) {
  const uint32_t K = j->K, full = j->M / 4 < P4 ? j->M / 4 : P4, M = j->M;
  if (j->orient == 0) {
    /* W is K×M: row k0+k holds X[k][0..M) contiguously */
    for (uint32_t k = 0; k < kc; k++) {
      double *dst = pk + 4 * k;
      if (j->dtype == 1) {
        const float *src = P(const float, j->w) + (uint64_t)(k0 + k) * j->M;
        uint32_t p = p0;
        for (; p < full; p++) {
          v128_t x = wasm_v128_load(src + 4 * p);
          wasm_v128_store(dst + (uint64_t)p * 4 * kc, wasm_f64x2_promote_low_f32x4(x));
          wasm_v128_store(dst + (uint64_t)p * 4 * kc + 2, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)));
        }
        for (; p < P4; p++)
          for (uint32_t a = 0; a < 4; a++) dst[(uint64_t)p * 4 * kc + a] = 4 * p + a < M ? (double)src[4 * p + a] : 0.0;
      } else {
        const double *src = P(const double, j->w) + (uint64_t)(k0 + k) * j->M;
        uint32_t p = p0;
        for (; p < full; p++) {
          wasm_v128_store(dst + (uint64_t)p * 4 * kc, wasm_v128_load(src + 4 * p));
          wasm_v128_store(dst + (uint64_t)p * 4 * kc + 2, wasm_v128_load(src + 4 * p + 2));
        }
        for (; p < P4; p++)
          for (uint32_t a = 0; a < 4; a++) dst[(uint64_t)p * 4 * kc + a] = 4 * p + a < M ? src[4 * p + a] : 0.0;
      }
    }
  } else {
    /* W is M×K: X[k][i] = W[i][k0+k]; read four rows side by side */
    for (uint32_t p = p0; p < P4; p++) {
      double *dst = pk + (uint64_t)p * 4 * kc;
      if (4 * p + 4 <= M) {
        /* full panel: 4×4 (float32) or 4×2 (float64) register transposes */
        uint32_t k = 0;
        if (j->dtype == 1) {
          const float *s0 = P(const float, j->w) + (uint64_t)(4 * p) * K + k0;
          const float *s1 = s0 + K, *s2 = s1 + K, *s3 = s2 + K;
          for (; k + 4 <= kc; k += 4) {
            const v128_t r0 = wasm_v128_load(s0 + k), r1 = wasm_v128_load(s1 + k);
            const v128_t r2 = wasm_v128_load(s2 + k), r3 = wasm_v128_load(s3 + k);
            const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5); /* a0 b0 a1 b1 */
            const v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5); /* c0 d0 c1 d1 */
            const v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7); /* a2 b2 a3 b3 */
            const v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7); /* c2 d2 c3 d3 */
            double *o = dst + 4 * k;
            wasm_v128_store(o + 0, wasm_f64x2_promote_low_f32x4(t0));
            wasm_v128_store(o + 2, wasm_f64x2_promote_low_f32x4(t1));
            wasm_v128_store(o + 4, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(t0, t0, 2, 3, 0, 1)));
            wasm_v128_store(o + 6, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(t1, t1, 2, 3, 0, 1)));
            wasm_v128_store(o + 8, wasm_f64x2_promote_low_f32x4(t2));
            wasm_v128_store(o + 10, wasm_f64x2_promote_low_f32x4(t3));
            wasm_v128_store(o + 12, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(t2, t2, 2, 3, 0, 1)));
            wasm_v128_store(o + 14, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(t3, t3, 2, 3, 0, 1)));
          }
          for (; k < kc; k++) {
            dst[4 * k + 0] = (double)s0[k];
            dst[4 * k + 1] = (double)s1[k];
            dst[4 * k + 2] = (double)s2[k];
            dst[4 * k + 3] = (double)s3[k];
          }
        } else {
          const double *s0 = P(const double, j->w) + (uint64_t)(4 * p) * K + k0;
          const double *s1 = s0 + K, *s2 = s1 + K, *s3 = s2 + K;
          for (; k + 2 <= kc; k += 2) {
            const v128_t r0 = wasm_v128_load(s0 + k), r1 = wasm_v128_load(s1 + k);
            const v128_t r2 = wasm_v128_load(s2 + k), r3 = wasm_v128_load(s3 + k);
            double *o = dst + 4 * k;
            wasm_v128_store(o + 0, wasm_i64x2_shuffle(r0, r1, 0, 2));
            wasm_v128_store(o + 2, wasm_i64x2_shuffle(r2, r3, 0, 2));
            wasm_v128_store(o + 4, wasm_i64x2_shuffle(r0, r1, 1, 3));
            wasm_v128_store(o + 6, wasm_i64x2_shuffle(r2, r3, 1, 3));
          }
          for (; k < kc; k++) {
            dst[4 * k + 0] = s0[k];
            dst[4 * k + 1] = s1[k];
            dst[4 * k + 2] = s2[k];
            dst[4 * k + 3] = s3[k];
          }
        }
        continue;
      }
      for (uint32_t a = 0; a < 4; a++) {
        const uint32_t i = 4 * p + a;
        if (i >= M) {
          for (uint32_t k = 0; k < kc; k++) dst[4 * k + a] = 0.0;
        } else if (j->dtype == 1) {
          const float *src = P(const float, j->w) + (uint64_t)i * K + k0;
          for (uint32_t k = 0; k < kc; k++) dst[4 * k + a] = (double)src[k];
        } else {
          const double *src = P(const double, j->w) + (uint64_t)i * K + k0;
          for (uint32_t k = 0; k < kc; k++) dst[4 * k + a] = src[k];
        }
      }
    }
  }
}

/* C[4×4] (row stride ldc) += sign · Σ_k a[k][r] b[k][s]; a, b packed [k][4]. sign ±1.
 * Written with advancing pointers and constant offsets, so clang folds every offset into the
 * load instruction (indexing by k costs an i32.add per load in V8). Not unrolled: unrolled by two,
 * V8 runs out of xmm registers and spills accumulators (measured 30% slower). */
#define TILE_STEP(ap, bp)                                                                   \
  do {                                                                                      \
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load((bp) + 2);                    \
    v128_t x = wasm_v128_load64_splat(ap);                                                  \
    c00 = MADD(c00, x, b0);                                                                 \
    c01 = MADD(c01, x, b1);                                                                 \
    x = wasm_v128_load64_splat((ap) + 1);                                                   \
    c10 = MADD(c10, x, b0);                                                                 \
    c11 = MADD(c11, x, b1);                                                                 \
    x = wasm_v128_load64_splat((ap) + 2);                                                   \
    c20 = MADD(c20, x, b0);                                                                 \
    c21 = MADD(c21, x, b1);                                                                 \
    x = wasm_v128_load64_splat((ap) + 3);                                                   \
    c30 = MADD(c30, x, b0);                                                                 \
    c31 = MADD(c31, x, b1);                                                                 \
  } while (0)
static inline void tile4x4(const double *restrict a, const double *restrict b, uint32_t kc, double *c, uint32_t ldc, int sub) {
  v128_t c00 = wasm_f64x2_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const double *ap = a, *bp = b;
  for (uint32_t k = kc; k; k--, ap += 4, bp += 4) TILE_STEP(ap, bp);
#define UPD(row, v0, v1)                                                                    \
  do {                                                                                      \
    double *cr = c + (uint64_t)(row) * ldc;                                                 \
    if (sub) {                                                                              \
      wasm_v128_store(cr, wasm_f64x2_sub(wasm_v128_load(cr), v0));                          \
      wasm_v128_store(cr + 2, wasm_f64x2_sub(wasm_v128_load(cr + 2), v1));                  \
    } else {                                                                                \
      wasm_v128_store(cr, wasm_f64x2_add(wasm_v128_load(cr), v0));                          \
      wasm_v128_store(cr + 2, wasm_f64x2_add(wasm_v128_load(cr + 2), v1));                  \
    }                                                                                       \
  } while (0)
  UPD(0, c00, c01);
  UPD(1, c10, c11);
  UPD(2, c20, c21);
  UPD(3, c30, c31);
#undef UPD
}

/* panel row range [lo, hi) of the lower-triangle tile rows owned by `part` of `T` */
/* equal numbers of lower tiles: boundary of part t at P·sqrt(t/T) */
static inline uint32_t tri_bound(uint32_t P4, uint32_t t, uint32_t T) {
  if (t == 0) return 0;
  if (t >= T) return P4;
  return (uint32_t)((double)P4 * __builtin_sqrt((double)t / (double)T) + 0.5);
}

#define NC 64 /* column panels per cache chunk (256 columns) */

/* lower tiles I in [ilo, ihi), J <= I, of C += / -= A·Bᵀ with packs pa, pb of depth kc */
static void tiles_lower(const double *pa, const double *pb, uint32_t kc, double *c, uint32_t ldc, uint32_t ilo, uint32_t ihi, int sub) {
  for (uint32_t jc = 0; jc < ihi; jc += NC) {
    const uint32_t jend = jc + NC;
    for (uint32_t I = ilo > jc ? ilo : jc; I < ihi; I++) {
      const double *ap = pa + (uint64_t)I * 4 * kc;
      const uint32_t jmax = I + 1 < jend ? I + 1 : jend;
      for (uint32_t J = jc; J < jmax; J++)
        tile4x4(ap, pb + (uint64_t)J * 4 * kc, kc, c + (uint64_t)4 * I * ldc + 4 * J, ldc, sub);
    }
  }
}

/* ---- work sharing ----------------------------------------------------------------------------
 * An operation is cut into chunks that threads grab with a compare-and-swap on a 64-bit tag word
 * (publication sequence, number of chunks, chunks taken from the front, chunks taken from the back:
 * one atomic read tells a thread everything, so a thread still looking at the previous operation can
 * never take a chunk of the next one with the wrong count). The main thread takes chunks from the
 * front, workers from the back: consecutive operations on the same rows (symmetric products, rank-2k
 * updates) then find their rows in the same core's cache. The main thread publishes,
 * grabs chunks itself and then waits only for chunks that a worker has actually taken, so a worker
 * that is descheduled (busy machine) never stalls the computation: the main thread simply does more.
 * Shared words (int32, at job->ctrl): */
#define S_PUB 0        /* publication sequence (futex word workers sleep on) */
#define S_DONE 2       /* chunks completed in the current operation */
#define S_MAINSLEEP 3  /* main thread sleeps on S_DONE */
#define S_OP 4
#define S_TAG64 3      /* int64 index: words 6 and 7 hold seq << 24 | nchunks << 16 | taken from the back << 8 | from the front */
#define S_WAITS 8      /* statistics: main-thread sleeps, their time-outs, worker sleeps, chunks run by workers */
#define S_TIMEOUTS 9
#define S_WSLEEPS 10
#define S_WCHUNKS 11
#define S_NOSPIN 12    /* set while the host computes on all cores (native accelerator): idle workers sleep at once */
#define S_THREAD(t) (16 + 16 * (t)) /* per thread: +0 sleeping, +6 started (set by the host), +7 failed (host) */

static inline int32_t *sync_words(const Job *j) { return P(int32_t, j->ctrl); }

/* Gram, one depth block [op_k0, op_k0 + op_kc) at a time, in two parallel operations on one shared
 * pack: OP_PACK (panels split evenly), then OP_GRAM (lower tile rows split by equal tile counts) */
static void gram_pack_chunk(Job *j, uint32_t idx, uint32_t n) {
  const uint32_t P4 = j->Mp / 4, p0 = (uint32_t)((uint64_t)P4 * idx / n), p1 = (uint32_t)((uint64_t)P4 * (idx + 1) / n);
  if (p0 < p1) pack_block(j, P(double, j->pack), j->op_k0, j->op_kc, p0, p1);
}
static void gram_chunk(Job *j, uint32_t idx, uint32_t n) {
  const uint32_t P4 = j->Mp / 4;
  const uint32_t lo = tri_bound(P4, idx, n), hi = tri_bound(P4, idx + 1, n);
  if (lo >= hi) return;
  const double *pk = P(const double, j->pack);
  tiles_lower(pk, pk, j->op_kc, P(double, j->g), j->Mp, lo, hi, 0);
}

/* rows [lo, hi) of the symmetric product y_t += A·v, A the leading c×c matrix (lower triangle, row
 * stride Mp); lo and hi even except hi == c */
static void symv_rows(const Job *j, double *y, uint32_t lo, uint32_t hi) {
  const uint32_t ld = j->Mp;
  const double *A = P(const double, j->g);
  const double *v = P(const double, j->op_v);
  uint32_t r = lo;
  /* four rows at a time over their common prefix [0, r) (r stays even), advancing pointers so the
   * offsets fold into the loads; the 4×4 diagonal block in scalar code (no arrays: every thread
   * shares one linear-memory stack, so this file must never need it) */
  for (; r + 3 < hi; r += 4) {
    const double *a0 = A + (uint64_t)r * ld, *a1 = a0 + ld, *a2 = a1 + ld, *a3 = a2 + ld;
    const double v0 = v[r], v1 = v[r + 1], v2 = v[r + 2], v3 = v[r + 3];
    const v128_t x0 = wasm_f64x2_splat(v0), x1 = wasm_f64x2_splat(v1), x2 = wasm_f64x2_splat(v2), x3 = wasm_f64x2_splat(v3);
    v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
    const double *vp = v, *p0 = a0, *p1 = a1, *p2 = a2, *p3 = a3;
    double *yp = y;
    for (uint32_t k = r >> 1; k; k--, vp += 2, p0 += 2, p1 += 2, p2 += 2, p3 += 2, yp += 2) {
      const v128_t vv = wasm_v128_load(vp), q0 = wasm_v128_load(p0), q1 = wasm_v128_load(p1);
      const v128_t q2 = wasm_v128_load(p2), q3 = wasm_v128_load(p3);
      s0 = MADD(s0, q0, vv);
      s1 = MADD(s1, q1, vv);
      s2 = MADD(s2, q2, vv);
      s3 = MADD(s3, q3, vv);
      v128_t yy = wasm_v128_load(yp);
      yy = MADD(yy, q0, x0);
      yy = MADD(yy, q1, x1);
      yy = MADD(yy, q2, x2);
      yy = MADD(yy, q3, x3);
      wasm_v128_store(yp, yy);
    }
    double t0 = wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
    double t1 = wasm_f64x2_extract_lane(s1, 0) + wasm_f64x2_extract_lane(s1, 1);
    double t2 = wasm_f64x2_extract_lane(s2, 0) + wasm_f64x2_extract_lane(s2, 1);
    double t3 = wasm_f64x2_extract_lane(s3, 0) + wasm_f64x2_extract_lane(s3, 1);
    /* diagonal block: row i holds a_i[r..r+i]; its strictly lower entries also feed y[r+q] */
    t0 += a0[r] * v0;
    t1 += a1[r] * v0 + a1[r + 1] * v1;
    t2 += a2[r] * v0 + a2[r + 1] * v1 + a2[r + 2] * v2;
    t3 += a3[r] * v0 + a3[r + 1] * v1 + a3[r + 2] * v2 + a3[r + 3] * v3;
    y[r] += t0 + a1[r] * v1 + a2[r] * v2 + a3[r] * v3;
    y[r + 1] += t1 + a2[r + 1] * v2 + a3[r + 1] * v3;
    y[r + 2] += t2 + a3[r + 2] * v3;
    y[r + 3] += t3;
  }
  /* two rows at a time over their common prefix [0, r) */
  for (; r + 1 < hi; r += 2) {
    const double *a0 = A + (uint64_t)r * ld, *a1 = a0 + ld;
    const v128_t x0 = wasm_f64x2_splat(v[r]), x1 = wasm_f64x2_splat(v[r + 1]);
    v128_t s0 = wasm_f64x2_splat(0), s1 = s0;
    uint32_t k = 0;
    for (; k + 2 <= r; k += 2) {
      const v128_t p0 = wasm_v128_load(a0 + k), p1 = wasm_v128_load(a1 + k), vv = wasm_v128_load(v + k);
      s0 = MADD(s0, p0, vv);
      s1 = MADD(s1, p1, vv);
      v128_t yy = wasm_v128_load(y + k);
      yy = MADD(yy, p0, x0);
      yy = MADD(yy, p1, x1);
      wasm_v128_store(y + k, yy);
    }
    double t0 = wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
    double t1 = wasm_f64x2_extract_lane(s1, 0) + wasm_f64x2_extract_lane(s1, 1);
    for (; k < r; k++) { /* only when r is odd */
      t0 += a0[k] * v[k];
      t1 += a1[k] * v[k];
      y[k] += a0[k] * v[r] + a1[k] * v[r + 1];
    }
    /* the 2×2 diagonal block: a0[r], a1[r], a1[r+1] */
    t0 += a0[r] * v[r] + a1[r] * v[r + 1];
    t1 += a1[r] * v[r] + a1[r + 1] * v[r + 1];
    y[r] += t0;
    y[r + 1] += t1;
  }
  for (; r < hi; r++) {
    const double *a0 = A + (uint64_t)r * ld;
    double t0 = 0.0;
    for (uint32_t k = 0; k < r; k++) {
      t0 += a0[k] * v[k];
      y[k] += a0[k] * v[r];
    }
    y[r] += t0 + a0[r] * v[r];
  }
}

static inline uint32_t symv_bound(uint32_t c, uint32_t idx, uint32_t n) {
  if (idx == 0) return 0;
  if (idx >= n) return c;
  return (uint32_t)((double)c * __builtin_sqrt((double)idx / (double)n)) & ~1u;
}

/* the symmetric product is cut into a number of row chunks that depends on c only, each with its
 * own accumulator, summed in chunk order: the result does not depend on the number of threads */
static inline uint32_t symv_nchunks(uint32_t c) { return c >= 1024 ? 8 : c >= 512 ? 4 : c >= 256 ? 2 : 1; }

static void symv_chunk(Job *j, uint32_t idx, uint32_t n) {
  double *y = P(double, j->y[idx]);
  const uint32_t c = j->op_c, lo = symv_bound(c, idx, n), hi = symv_bound(c, idx + 1, n);
  for (uint32_t i = 0; i < hi; i++) y[i] = 0.0;
  symv_rows(j, y, lo, hi);
}

/* ---- rank-2nb update of the leading k×k lower triangle with the packs pa/pb (depth 2nb) ---- */
static void syr2k_chunk(Job *j, uint32_t idx, uint32_t n) {
  const uint32_t P4 = (j->op_c + 3) / 4;
  const uint32_t lo = tri_bound(P4, idx, n), hi = tri_bound(P4, idx + 1, n);
  if (lo >= hi) return;
  tiles_lower(P(const double, j->pa), P(const double, j->pb), 2 * j->nb, P(double, j->g), j->Mp, lo, hi, 1);
}

static void run_chunk(Job *j, int32_t op, uint32_t idx, uint32_t n) {
  if (op == OP_GRAM) gram_chunk(j, idx, n);
  else if (op == OP_PACK) gram_pack_chunk(j, idx, n);
  else if (op == OP_SYMV) symv_chunk(j, idx, n);
  else if (op == OP_SYR2K) syr2k_chunk(j, idx, n);
}

/* grab and run chunks of publication `seq` until none is left; returns the number run */
static uint32_t grab_chunks(Job *j, uint32_t t, int32_t seq) {
  int32_t *S = sync_words(j);
  uint64_t *tag = (uint64_t *)S + S_TAG64;
  uint32_t ran = 0;
  for (;;) {
    uint64_t w = __atomic_load_n(tag, __ATOMIC_SEQ_CST);
    if ((uint32_t)(w >> 24) != (uint32_t)seq) break;
    const uint32_t front = (uint32_t)w & 0xffu, back = ((uint32_t)w >> 8) & 0xffu, n = ((uint32_t)w >> 16) & 0xffu;
    if (front + back >= n) break;
    const uint32_t idx = t == 0 ? front : n - 1 - back;
    if (!__atomic_compare_exchange_n(tag, &w, w + (t == 0 ? 1u : 0x100u), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) continue;
    /* chunk idx of publication seq is ours, and seq stays current until we report it done */
    run_chunk(j, aload(&S[S_OP]), idx, n);
    ran++;
    const int32_t done = __atomic_add_fetch(&S[S_DONE], 1, __ATOMIC_SEQ_CST);
    if (t != 0 && (uint32_t)done == n && aload(&S[S_MAINSLEEP])) __builtin_wasm_memory_atomic_notify(&S[S_DONE], 1);
  }
  return ran;
}

/* main thread: run `op` cut into n chunks on all threads */
static void parallel(Job *j, int32_t op, uint32_t n) {
  int32_t *S = sync_words(j);
  const uint32_t T = j->nthreads;
  if (T <= 1 || n <= 1 || n > 255) { /* inline, no publication (n > 255 never happens) */
    for (uint32_t i = 0; i < n; i++) run_chunk(j, op, i, n);
    return;
  }
  const int32_t seq = (S[S_PUB] + 1) & 0x3fffffff;
  S[S_OP] = op;
  astore(&S[S_DONE], 0);
  __atomic_store_n((uint64_t *)S + S_TAG64, (uint64_t)(uint32_t)seq << 24 | (uint64_t)n << 16, __ATOMIC_SEQ_CST);
  astore(&S[S_PUB], seq);
  int sleeping = 0;
  for (uint32_t t = 1; t < T; t++) sleeping |= aload(&S[S_THREAD(t)]);
  if (sleeping) __builtin_wasm_memory_atomic_notify(&S[S_PUB], T - 1);
  grab_chunks(j, 0, seq);
  uint32_t spins = 0;
  int32_t dn;
  while ((uint32_t)(dn = aload(&S[S_DONE])) != n) {
    if (++spins > SPIN_LIMIT) {
      astore(&S[S_MAINSLEEP], 1);
      S[S_WAITS]++;
      if (aload(&S[S_DONE]) == dn && __builtin_wasm_memory_atomic_wait32(&S[S_DONE], dn, 100000000LL) == 2) {
        S[S_TIMEOUTS]++;
        /* a worker that died (its host sets the failed word) may hold a chunk forever: give up */
        for (uint32_t t = 1; t < T; t++)
          if (aload(&S[S_THREAD(t) + 7])) {
            astore(&S[S_MAINSLEEP], 0);
            j->status = 3;
            return;
          }
      }
      astore(&S[S_MAINSLEEP], 0);
      spins = 0;
    }
  }
}

/* worker thread t ≥ 1: serve publications until S_PUB turns negative (quit) */
EXPORT("worker_loop") void worker_loop(Job *j, uint32_t t, int32_t last) {
  int32_t *S = sync_words(j);
  int32_t *sleeping = &S[S_THREAD(t)];
  for (;;) {
    int32_t s;
    uint32_t spins = 0;
    while ((s = aload(&S[S_PUB])) == last) {
      if (++spins > SPIN_LIMIT || aload(&S[S_NOSPIN])) {
        astore(sleeping, 1);
        S[S_WSLEEPS]++;
        if (aload(&S[S_PUB]) == last) __builtin_wasm_memory_atomic_wait32(&S[S_PUB], last, -1);
        astore(sleeping, 0);
        spins = 0;
      }
    }
    if (s < 0) return;
    last = s;
    const uint32_t ran = grab_chunks(j, t, s);
    if (ran) __atomic_add_fetch(&S[S_WCHUNKS], (int32_t)ran, __ATOMIC_SEQ_CST);
  }
}

/* host: make every worker return from worker_loop */
EXPORT("workers_quit") void workers_quit(Job *j) {
  int32_t *S = sync_words(j);
  astore(&S[S_PUB], -1);
  __builtin_wasm_memory_atomic_notify(&S[S_PUB], 64);
}

/* ------------------------------------------------------------------------------------------ */
/* small vector helpers (contiguous, n may be odd) */
static double dot(const double *a, const double *b, uint32_t n) {
  v128_t s0 = wasm_f64x2_splat(0), s1 = s0;
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 = MADD(s0, wasm_v128_load(a + i), wasm_v128_load(b + i));
    s1 = MADD(s1, wasm_v128_load(a + i + 2), wasm_v128_load(b + i + 2));
  }
  s0 = wasm_f64x2_add(s0, s1);
  double s = wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}
/* y += alpha x */
static void axpy(double *y, double alpha, const double *x, uint32_t n) {
  const v128_t al = wasm_f64x2_splat(alpha);
  uint32_t i = 0;
  for (; i + 2 <= n; i += 2) wasm_v128_store(y + i, MADD(wasm_v128_load(y + i), al, wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] += alpha * x[i];
}

/* w[0..c) = sum, in chunk order, of the chunk accumulators of the last SYMV operation */
static void symv_collect(Job *j, double *w, uint32_t c) {
  const uint32_t n = symv_nchunks(c);
  const double *y0 = P(const double, j->y[0]);
  const uint32_t h0 = symv_bound(c, 1, n);
  for (uint32_t i = 0; i < h0; i++) w[i] = y0[i];
  for (uint32_t i = h0; i < c; i++) w[i] = 0.0;
  for (uint32_t q = 1; q < n; q++) axpy(w, 1.0, P(const double, j->y[q]), symv_bound(c, q + 1, n));
}

static double fabs_(double x) { return x < 0 ? -x : x; }

/* ---- blocked tridiagonalization of the leading n×n lower triangle of G (row stride Mp) ----
 * Row c of our lower triangle is column c of LAPACK's column-major upper triangle, so this follows
 * dsytrd/dlatrd with UPLO='U': columns are reduced from the last one down, the Householder vector of
 * column c is kept in row c (entries 0..c-1), and W's columns are rows of the panel buffer wp. */
static void tridiagonalize(Job *j) {
  const uint32_t n = j->M, ld = j->Mp, nb = j->nb;
  double *A = P(double, j->g);
  double *d = P(double, j->d), *e = P(double, j->e);
  double *W = P(double, j->wp);
  double *v2 = P(double, j->tau); /* scratch: Wᵀv at [0, 2nb), Vᵀv at [2nb, 4nb) */
  int32_t top = (int32_t)n - 1;   /* last not yet reduced column */
  e[n - 1] = 0.0;
  if (n == 0) return;
  while (top >= 0) {
    const int32_t bottom = top + 1 > (int32_t)nb * 2 ? top - (int32_t)nb + 1 : 0; /* last panel takes the rest */
    const uint32_t nbp = (uint32_t)(top - bottom + 1);
    for (int32_t c = top; c >= bottom; c--) {
      const uint32_t iw = (uint32_t)(c - bottom); /* W row index of column c */
      double *ac = A + (uint64_t)c * ld;
      /* update column c (entries 0..c) with the panel's earlier columns j = c+1..top */
      for (int32_t jj = c + 1; jj <= top; jj++) {
        const double *vj = A + (uint64_t)jj * ld; /* Householder vector of column jj */
        const double *wj = W + (uint64_t)(jj - bottom) * ld;
        axpy(ac, -wj[c], vj, (uint32_t)c + 1);
        axpy(ac, -vj[c], wj, (uint32_t)c + 1);
      }
      d[c] = ac[c];
      if (c == 0) continue;
      /* Householder reflector annihilating ac[0..c-2], pivot ac[c-1] */
      const double alpha = ac[c - 1];
      double xnorm2 = dot(ac, ac, (uint32_t)c - 1);
      double tau = 0.0;
      if (xnorm2 == 0.0) {
        e[c - 1] = alpha;
        tau = 0.0;
      } else {
        double beta = __builtin_sqrt(alpha * alpha + xnorm2);
        if (alpha > 0) beta = -beta;
        tau = (beta - alpha) / beta;
        const double sc = 1.0 / (alpha - beta);
        for (int32_t i = 0; i < c - 1; i++) ac[i] *= sc;
        e[c - 1] = beta;
      }
      ac[c - 1] = 1.0;
      double *w = W + (uint64_t)iw * ld;
      if (tau == 0.0) {
        for (int32_t i = 0; i < c; i++) w[i] = 0.0;
        continue;
      }
      /* w = A11 · v, A11 the leading c×c matrix (parallel) */
      j->op_c = (uint32_t)c;
      j->op_v = (uint32_t)(uintptr_t)ac;
      parallel(j, OP_SYMV, symv_nchunks((uint32_t)c));
      if (j->status) return;
      symv_collect(j, w, (uint32_t)c);
      /* corrections with the panel's earlier columns */
      const uint32_t np = (uint32_t)(top - c);
      if (np > 0) {
        for (uint32_t q = 0; q < np; q++) {
          const int32_t jj = c + 1 + (int32_t)q;
          const double *vj = A + (uint64_t)jj * ld;
          const double *wj = W + (uint64_t)(jj - bottom) * ld;
          v2[q] = dot(wj, ac, (uint32_t)c);      /* Wᵀv */
          v2[2 * nb + q] = dot(vj, ac, (uint32_t)c); /* Vᵀv */
        }
        for (uint32_t q = 0; q < np; q++) {
          const int32_t jj = c + 1 + (int32_t)q;
          const double *vj = A + (uint64_t)jj * ld;
          const double *wj = W + (uint64_t)(jj - bottom) * ld;
          axpy(w, -v2[q], vj, (uint32_t)c);
          axpy(w, -v2[2 * nb + q], wj, (uint32_t)c);
        }
      }
      for (int32_t i = 0; i < c; i++) w[i] *= tau;
      const double al = -0.5 * tau * dot(w, ac, (uint32_t)c);
      axpy(w, al, ac, (uint32_t)c);
    }
    /* rank-2·nbp update of the leading k×k matrix, k = bottom */
    const uint32_t k = (uint32_t)bottom;
    int32_t hosted = 0;
    if (k >= 64 && j->native_syr2k) {
      /* the host's threads need the cores: idle workers stop spinning and sleep */
      astore(&sync_words(j)[S_NOSPIN], 1);
      hosted = host_syr2k(j->g, ld, k, j->g + (uint32_t)bottom * ld * 8u, j->wp, nbp) == 0;
      astore(&sync_words(j)[S_NOSPIN], 0);
    }
    if (!hosted && k > 0) {
      const uint32_t P4 = (k + 3) / 4, depth = 2 * nb;
      double *pa = P(double, j->pa), *pb = P(double, j->pb);
      /* pa[p][q][a]: q < nb → V_q[4p+a], else W_q[4p+a]; pb swaps V and W (zero beyond k / nbp) */
      for (uint32_t p = 0; p < P4; p++) {
        double *xa = pa + (uint64_t)p * 4 * depth, *xb = pb + (uint64_t)p * 4 * depth;
        for (uint32_t q = 0; q < nb; q++) {
          for (uint32_t a = 0; a < 4; a++) {
            const uint32_t r = 4 * p + a;
            double vv = 0.0, ww = 0.0;
            if (q < nbp && r < k) {
              vv = A[(uint64_t)(bottom + q) * ld + r];
              ww = W[(uint64_t)q * ld + r];
            }
            xa[4 * q + a] = vv;
            xa[4 * (nb + q) + a] = ww;
            xb[4 * q + a] = ww;
            xb[4 * (nb + q) + a] = vv;
          }
        }
      }
      j->op_c = k;
      parallel(j, OP_SYR2K, P4 >= 16 * j->nthreads ? 4 * j->nthreads : 1);
      if (j->status) return;
    }
    top = bottom - 1;
  }
}

/* ---- implicit QL with Wilkinson shifts, eigenvalues only, root-free ----
 * d[0..n) diagonal, e[0..n-1) off-diagonal (e[i] couples i and i+1). Returns 0, or 1 if some
 * eigenvalue needed more than 60 iterations. */
static double hyp(double a, double b) {
  a = fabs_(a);
  b = fabs_(b);
  const double m = a > b ? a : b;
  if (m == 0.0) return 0.0;
  const double x = a / m, y = b / m;
  return m * __builtin_sqrt(x * x + y * y);
}
static int32_t tql(double *d, double *e, uint32_t n, uint32_t *iters) {
  const double eps = 2.220446049250313e-16;
  if (n == 0) return 0;
  /* root-free form (Pal–Walker–Kahan, as in Parlett §8.15): the sweep works on the squared
   * off-diagonals q[i] = e[i]², so an inner step costs two divisions and no square root */
  double *q = e;
  for (uint32_t i = 0; i + 1 < n; i++) q[i] = e[i] * e[i];
  q[n - 1] = 0.0;
  double tst1 = 0.0;
  for (uint32_t l = 0; l < n; l++) {
    const double t = fabs_(d[l]) + __builtin_sqrt(q[l]);
    if (t > tst1) tst1 = t;
    /* |e| ≤ eps·tst1 counts as zero (the same test as EISPACK tql1), here on e² */
    const double tol = (eps * tst1) * (eps * tst1);
    uint32_t iter = 0;
    for (;;) {
      uint32_t m = l;
      while (m < n - 1 && !(q[m] <= tol)) m++;
      if (m == l) break;
      if (++iter > 60) return 1;
      (*iters)++;
      /* Wilkinson-type shift from the leading 2×2 block */
      const double rte = __builtin_sqrt(q[l]);
      double sg = (d[l + 1] - d[l]) / (2.0 * rte);
      const double r = hyp(sg, 1.0);
      sg = d[l] - rte / (sg + (sg >= 0 ? r : -r));
      double c = 1.0, s = 0.0, gamma = d[m] - sg, p = gamma * gamma;
      for (int32_t i = (int32_t)m - 1; i >= (int32_t)l; i--) {
        const double bb = q[i], rr = p + bb;
        /* both reciprocals depend only on the step's inputs, so the two divisions overlap instead
         * of following each other (γ²/c = γ²·rr/p) */
        const double irr = 1.0 / rr, ip = 1.0 / p;
        if (i != (int32_t)m - 1) q[i + 1] = s * rr;
        const double oldc = c, oldgam = gamma, alpha = d[i];
        c = p * irr;
        s = bb * irr;
        gamma = c * (alpha - sg) - s * oldgam;
        d[i + 1] = oldgam + (alpha - gamma);
        p = c != 0.0 ? gamma * gamma * rr * ip : oldc * bb;
      }
      q[l] = s * p;
      d[l] = sg + gamma;
    }
  }
  return 0;
}

/* ---- the whole pipeline on the main thread ---- */
EXPORT("spectrum_run") int32_t spectrum_run(Job *j) {
  const uint32_t M = j->M, Mp = j->Mp;
  double *g = P(double, j->g);
  j->status = 0;
  j->scale_exp = 0;
  j->ql_iters = 0;
  const double t0 = host_now();
  if (!j->gram_ready) {
    __builtin_memset(g, 0, (uint64_t)Mp * Mp * sizeof(double));
    const int par = j->nthreads > 1 && Mp / 4 >= 16 * j->nthreads;
    for (uint32_t k0 = 0; k0 < j->K && !j->status; k0 += j->kc) {
      j->op_k0 = k0;
      j->op_kc = j->K - k0 < j->kc ? j->K - k0 : j->kc;
      parallel(j, OP_PACK, par ? 2 * j->nthreads : 1);
      if (j->status) break;
      parallel(j, OP_GRAM, par ? 4 * j->nthreads : 1);
    }
  }
  const double t1 = host_now();
  j->us_gram = (uint32_t)((t1 - t0) * 1000.0);
  if (j->status) return j->status;
  /* scale by a power of two so the largest diagonal entry is in [0.5, 1): exact, and keeps every
   * later square (Householder norms, QL rotations) far from overflow and underflow */
  double mx = 0.0;
  for (uint32_t i = 0; i < M; i++) {
    const double x = g[(uint64_t)i * Mp + i];
    if (!(x - x == 0.0)) { j->status = 2; return 2; }
    if (x > mx) mx = x;
  }
  if (mx == 0.0) {
    double *d = P(double, j->d);
    for (uint32_t i = 0; i < M; i++) d[i] = 0.0;
    return 0;
  }
  int32_t ex = 0;
  {
    double t = mx;
    while (t >= 1.0) { t *= 0.5; ex++; }
    while (t < 0.5) { t *= 2.0; ex--; }
  }
  j->scale_exp = ex;
  double sc = 1.0;
  for (int32_t i = 0; i < ex; i++) sc *= 0.5;
  for (int32_t i = 0; i > ex; i--) sc *= 2.0;
  const v128_t s2 = wasm_f64x2_splat(sc);
  for (uint32_t i = 0; i < M; i++) {
    double *row = g + (uint64_t)i * Mp;
    uint32_t k = 0;
    for (; k + 2 <= i + 1; k += 2) wasm_v128_store(row + k, wasm_f64x2_mul(wasm_v128_load(row + k), s2));
    for (; k <= i; k++) row[k] *= sc;
  }
  tridiagonalize(j);
  if (j->status) return j->status;
  const double t2 = host_now();
  const int32_t st = tql(P(double, j->d), P(double, j->e), M, &j->ql_iters);
  j->us_tri = (uint32_t)((t2 - t1) * 1000.0);
  j->us_ql = (uint32_t)((host_now() - t2) * 1000.0);
  j->status = st;
  return st;
}

/* only the tridiagonalization + QL of an already formed lower-triangular G (used by tests) */
EXPORT("eig_run") int32_t eig_run(Job *j) {
  tridiagonalize(j);
  j->ql_iters = 0;
  const int32_t st = tql(P(double, j->d), P(double, j->e), j->M, &j->ql_iters);
  j->status = st;
  return st;
}
