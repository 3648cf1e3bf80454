/**
 * Typed errors. Every error esdlab raises on bad input is an {@link EsdlabError} with a stable
 * `code`, and, where known, the file, the tensor and the position the problem was found at, so a
 * CLI can print one clear line and a notebook can branch on `err.code`.
 */

/** Stable machine-readable error codes. */
export type EsdlabErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_SHAPE'
  | 'NON_FINITE'
  | 'NEGATIVE_VALUE'
  | 'TOO_FEW_POINTS'
  | 'PARSE_ERROR'
  | 'UNSUPPORTED_FORMAT'
  | 'UNSUPPORTED_DTYPE'
  | 'TRUNCATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'IO_ERROR'
  | 'NOT_CONVERGED'
  | 'INTERNAL';

/** Where an error was found: any subset of file, tensor (layer) name and position. */
export interface ErrorLocation {
  /** File path or URL the data came from. */
  file?: string;
  /** Tensor or layer name inside the file. */
  tensor?: string;
  /** Line number (1-based) for text inputs. */
  line?: number;
  /** Flat element index, or [row, col], of the offending value. */
  index?: number | number[];
  /** Byte offset for binary inputs. */
  offset?: number;
}

/** Base class of every error esdlab throws on purpose. */
export class EsdlabError extends Error {
  /** Stable code, e.g. `NON_FINITE`. */
  readonly code: EsdlabErrorCode;
  /** Where the problem was found. */
  readonly location: ErrorLocation;
  /** The message without its location prefix. */
  readonly detail: string;

  constructor(code: EsdlabErrorCode, message: string, location: ErrorLocation = {}) {
    super(formatMessage(message, location));
    this.name = 'EsdlabError';
    this.code = code;
    this.location = location;
    this.detail = message;
    Object.setPrototypeOf(this, new.target.prototype);
  }

  /** Returns a copy of this error with extra location fields (e.g. a loader adding the file name). */
  withLocation(extra: ErrorLocation): EsdlabError {
    return new EsdlabError(this.code, this.detail, { ...extra, ...this.location });
  }
}

function formatMessage(message: string, loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.tensor !== undefined) parts.push(`tensor '${loc.tensor}'`);
  if (loc.offset !== undefined) parts.push(`byte ${loc.offset}`);
  if (loc.index !== undefined) parts.push(`at ${Array.isArray(loc.index) ? `[${loc.index.join(', ')}]` : `index ${loc.index}`}`);
  return parts.length ? `[${parts.join(', ')}] ${message}` : message;
}

/** True when `e` is an {@link EsdlabError} (works across copies of the package). */
export function isEsdlabError(e: unknown): e is EsdlabError {
  return e instanceof EsdlabError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'EsdlabError' && typeof (e as { code?: unknown }).code === 'string');
}
