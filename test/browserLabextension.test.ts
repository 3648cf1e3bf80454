/**
 * The built JupyterLab extension (widgets/labextension, made by scripts/setup.d/30-widgets.sh) and
 * its installed copy in .venv: federated build metadata, @jupyter-widgets/base consumed from
 * JupyterLab (never bundled), install.json beside it. Skips locally when not built; fails under CI.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');
const BUILT = path.join(REPO, 'widgets', 'labextension');
const INSTALLED = path.join(REPO, '.venv', 'share', 'jupyter', 'labextensions', 'esdlab-widgets');

const built = fs.existsSync(path.join(BUILT, 'package.json'));
if (!built && process.env.CI === 'true') throw new Error('widgets/labextension is not built: run scripts/setup.d/30-widgets.sh');
const d = built ? describe : describe.skip;

d('esdlab-widgets labextension build', () => {
  const pkg = built ? JSON.parse(fs.readFileSync(path.join(BUILT, 'package.json'), 'utf8')) : {};

  test('federated build metadata and files', () => {
    expect(pkg.name).toBe('esdlab-widgets');
    const load: string = pkg.jupyterlab._build.load;
    expect(load).toMatch(/^static\/remoteEntry\.[0-9a-f]+\.js$/);
    expect(fs.existsSync(path.join(BUILT, load))).toBe(true);
    expect(pkg.jupyterlab._build.extension).toBe('./extension');
    // the module version the kernel asks for (^0.1.0) is the one registered
    const version = fs.readFileSync(path.join(REPO, 'widgets', 'src', 'version.ts'), 'utf8');
    expect(version).toContain(`MODULE_VERSION = '${pkg.version}'`);
  });

  test('@jupyter-widgets/base is shared with JupyterLab (consumed, not bundled)', () => {
    const entry = fs.readFileSync(path.join(BUILT, pkg.jupyterlab._build.load), 'utf8');
    expect(entry).toContain('"@jupyter-widgets/base"');
    expect(pkg.jupyterlab.sharedPackages['@jupyter-widgets/base']).toEqual({ bundled: false, singleton: true });
    const chunks = fs.readdirSync(path.join(BUILT, 'static')).filter((f) => f.endsWith('.js'));
    // a bundled copy would carry the base package's own class source
    for (const f of chunks) expect(fs.readFileSync(path.join(BUILT, 'static', f), 'utf8')).not.toContain('Syncing error: no comm channel defined');
  });

  const inst = fs.existsSync(path.join(INSTALLED, 'package.json'));
  (inst ? test : test.skip)('installed copy in .venv matches the build and carries install.json', () => {
    const ip = JSON.parse(fs.readFileSync(path.join(INSTALLED, 'package.json'), 'utf8'));
    expect(ip.jupyterlab._build.load).toBe(pkg.jupyterlab._build.load);
    const install = JSON.parse(fs.readFileSync(path.join(INSTALLED, 'install.json'), 'utf8'));
    expect(install).toEqual(JSON.parse(fs.readFileSync(path.join(REPO, 'install.json'), 'utf8')));
    expect(install.packageManager).toBe('npm');
  });
});
