/**
 * The powerlaw 1.5 reference for the alternative distributions and their comparisons
 * (test/reference/alternatives/powerlaw.json, made once by that folder's script), shared by
 * alternatives.test.ts and compare.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One fitted distribution as powerlaw reported it. */
export interface RefDist {
  params: Record<string, number>;
  logLikelihood: number;
  exactLogLikelihood?: number | null;
}
/** One `distribution_compare` result. */
export interface RefCmp {
  R: number;
  p: number;
  normalizedR: number;
  pNestedFalse: number;
}
/** One data set with powerlaw's fits and comparisons. */
export interface RefCase {
  name: string;
  discrete: boolean;
  xmin: number;
  xmax: number | null;
  alpha: number;
  nTail: number;
  file: string;
  factor: number;
  distributions: Record<string, RefDist>;
  comparisons: Record<string, RefCmp>;
}

const ROOT = path.join(__dirname, '..', '..');
/** Every reference case. */
export const refCases: RefCase[] = (JSON.parse(fs.readFileSync(path.join(ROOT, 'test/reference/alternatives/powerlaw.json'), 'utf8')) as { cases: RefCase[] }).cases;

/** The case's data values (scaled by its factor, as the script fed them to powerlaw). */
export function loadCase(c: RefCase): number[] {
  const v = fs.readFileSync(path.join(ROOT, c.file), 'utf8').trim().split(/\r?\n/).map(Number);
  return c.factor === 1 ? v : v.map((x) => x * c.factor);
}
