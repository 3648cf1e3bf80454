/** The explorer's CSS (one string, injected once per document by {@link injectStyle}). */
export const ESDLAB_CSS = `
.esdlab-explorer{font:13px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;color:#222;max-width:760px}
.esdlab-head{display:flex;gap:10px;align-items:center;margin:4px 0}
.esdlab-name{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
.esdlab-badge{color:#fff;border-radius:10px;padding:1px 9px;font-size:12px}
.esdlab-controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:4px 0}
.esdlab-slider input{vertical-align:middle;width:200px}
.esdlab-slider-value{display:inline-block;min-width:64px;font-family:ui-monospace,Menlo,Consolas,monospace}
.esdlab-stats{display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0}
.esdlab-stat .esdlab-k{color:#666;margin-right:4px}
.esdlab-stat .esdlab-v{font-family:ui-monospace,Menlo,Consolas,monospace}
.esdlab-evidence{color:#444;font-size:12px}
`;

/** Adds {@link ESDLAB_CSS} to the document head once. */
export function injectStyle(doc: Document): void {
  if (doc.getElementById('esdlab-style')) return;
  const s = doc.createElement('style');
  s.id = 'esdlab-style';
  s.textContent = ESDLAB_CSS;
  doc.head.appendChild(s);
}
