/**
 * The HTML report renderer (no browser): escaping of names and text, safe JSON data block, no
 * external resources, typed errors on bad input. The browser behaviour is in browserReport.test.ts.
 */
import { escapeHtml, jsonForScript, scriptSafe, renderReportHtml, explorerDataOf, type ReportInput } from '../src/report';
import { isEsdlabError } from '../src/core/errors';
import { heavyTailedEigenvalues } from './browserHarness';

const EVIL = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';

function input(): ReportInput {
  return {
    title: 'model <b>x</b>',
    source: '/tmp/a&b.safetensors',
    layers: [
      { name: EVIL, N: 400, M: 200, Q: 2, alpha: 2.5, xmin: 0.2, xmax: null, D: 0.05, sigma: 0.1, num_pl_spikes: 50, phase: { phase: 'heavy-tailed', subclass: 'fat', summary: 'summary with <i>markup</i>' }, sigma_mp: 0.3, bulk_max: 0.5 },
      { name: 'no.eigs', alpha: null, status: 'failed', reason: 'all-zero <weights>' },
    ],
    summary: { alpha: 2.5, log_norm: 1.25 },
    esds: { [EVIL]: heavyTailedEigenvalues(300, 1.6, 3) },
  };
}

describe('report html', () => {
  const html = renderReportHtml(input(), { viewerScript: 'window.esdlabViewer={boot(){}};' });

  test('escaping helpers', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(jsonForScript({ s: '</script><!--', u: '\u2028' })).toBe('{"s":"\\u003c/script\\u003e\\u003c!--","u":"\\u2028"}');
    expect(JSON.parse(jsonForScript({ s: '</script>' })).s).toBe('</script>');
    expect(jsonForScript({ x: NaN })).toBe('{"x":null}');
    expect(scriptSafe('a="</script>"')).toBe('a="<\\/script>"');
  });

  test('names, titles, reasons and summaries appear only escaped', () => {
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    expect(html).toContain('<title>model &lt;b&gt;x&lt;/b&gt;</title>');
    expect(html).toContain('all-zero &lt;weights&gt;');
    expect(html).toContain('summary with &lt;i&gt;markup&lt;/i&gt;');
    expect(html).toContain('/tmp/a&amp;b.safetensors');
    // exactly the three script elements we write: data, viewer, boot
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  test('the data block parses back to the original names', () => {
    const m = html.match(/<script type="application\/json" id="esdlab-report-data">([\s\S]*?)<\/script>/);
    expect(m).not.toBeNull();
    const data = JSON.parse((m as RegExpMatchArray)[1]);
    expect(data.dashboard[0].name).toBe(EVIL);
    expect(data.explorers[0].name).toBe(EVIL);
    expect(data.explorers[1]).toBeNull();
    expect(data.explorers[0].mp.sigma2).toBeCloseTo(0.09, 15);
    expect(data.explorers[0].spikes.every((v: number) => v > 0.5)).toBe(true);
  });

  test('no external resources and a no-network CSP', () => {
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).toContain('content="default-src &#39;none&#39;; script-src');
  });

  test('bad input gives typed errors', () => {
    const bad = (f: () => unknown, re: RegExp): void => {
      try { f(); throw new Error('no throw'); } catch (e) { expect(isEsdlabError(e)).toBe(true); expect(String((e as Error).message)).toMatch(re); }
    };
    bad(() => renderReportHtml({ layers: 3 } as unknown as ReportInput, { viewerScript: '' }), /layers must be an array/);
    bad(() => renderReportHtml({ layers: [{ name: 'a' }], esds: [] }, { viewerScript: '' }), /esds has 0 entries/);
    bad(() => explorerDataOf({ layers: [{ name: 'a' }], esds: [[1, NaN, 3]] }, 0), /eigenvalue 1 of layer 'a' is not finite/);
  });
});
