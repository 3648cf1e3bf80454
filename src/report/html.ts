/**
 * Escaping for the HTML report: text into element content/attributes, JSON into a `<script>` data
 * block. Pure functions.
 * @packageDocumentation
 */

/** Escapes `& < > " '` so any string is inert inside element content or a quoted attribute. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] as string));
}

/**
 * JSON safe to place inside `<script type="application/json">`: `<`, `>`, `&`, U+2028 and U+2029
 * are written as `\uXXXX` escapes, so no string in the data can close the script element.
 * Non-finite numbers (which JSON cannot carry) become null.
 */
export function jsonForScript(value: unknown): string {
  const s = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  return (s === undefined ? 'null' : s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Makes an inline JavaScript source safe inside `<script>…</script>` (no `</script`, no `<!--`). */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
