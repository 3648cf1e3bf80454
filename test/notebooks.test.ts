/**
 * Executes every notebook in notebooks/ with nbclient (PyPI, from <repo>/.venv) and esdlab's kernel,
 * and fails on any cell error — every notebook ends its claims with explicit checks that throw.
 * Executed copies (outputs and widget state) are kept in artifacts/notebooks/.
 * Needs `bash setup.sh --test` (the venv and the registered kernel). Locally, without .venv, the
 * suite is skipped with a message; under CI (CI=true) a missing venv is a failure.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const repo = path.resolve(__dirname, '..');
const py = path.join(repo, '.venv', 'bin', 'python');
const haveVenv = fs.existsSync(py);
const nbDir = path.join(repo, 'notebooks');
const notebooks = fs.readdirSync(nbDir).filter((f) => f.endsWith('.ipynb')).sort();

describe('notebooks', () => {
  it('are up to date with their sources in notebooks/src', () => {
    const r = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build-notebooks.js'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(notebooks.length).toBe(fs.readdirSync(path.join(nbDir, 'src')).filter((f) => f.endsWith('.ts')).length);
  });

  if (!haveVenv) {
    it('need the project venv', () => {
      if (process.env.CI) throw new Error('.venv is missing: run `bash setup.sh --test` first');
      console.warn('notebook execution skipped: no .venv (run `bash setup.sh --test`)');
    });
    return;
  }

  for (const nb of notebooks) {
    it(`${nb} runs top to bottom and its checks pass`, () => {
      const out = path.join(repo, 'artifacts', 'notebooks', nb);
      const r = spawnSync(py, [path.join(repo, 'test', 'notebooks', 'run_notebook.py'), path.join(nbDir, nb), out, '900'], {
        encoding: 'utf8', cwd: repo, timeout: 1_200_000,
      });
      const report = /^REPORT (.*)$/m.exec(r.stdout);
      if (r.status !== 0 || !report) throw new Error(`${nb} failed (exit ${r.status}):\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-3000)}`);
      const parsed = JSON.parse(report[1]) as { status: number; checks: string[] };
      expect(parsed.status).toBe(0);
      expect(parsed.checks.length).toBeGreaterThan(0);
      expect(fs.existsSync(out)).toBe(true);
    }, 1_300_000);
  }
});
