"""Executes a small notebook with esdlab's kernel through PyPI nbclient and prints a JSON report of
the executed notebook (outputs + metadata.widgets). Usage:
JUPYTER_PATH=<data dir with kernels/esdlab-test> .venv/bin/python nbclient_driver.py <notebook dir> <out.ipynb>
Run by test/kernelJupyterClient.test.ts.
"""
import json
import sys

import nbformat
from nbclient import NotebookClient

nbdir, out_path = sys.argv[1], sys.argv[2]
nb = nbformat.v4.new_notebook()
nb.cells = [
    nbformat.v4.new_code_cell("""import { WidgetModel, display } from 'esdlab';
class W extends WidgetModel<{ xmin: number; values: Float64Array; label: string }> {}
const w = new W({ modelName: 'SpectrumModel', modelModule: 'esdlab-widgets', modelModuleVersion: '^0.1.0',
  viewName: 'SpectrumView', viewModule: 'esdlab-widgets', viewModuleVersion: '^0.1.0' },
  { xmin: 1, values: new Float64Array([3, 2, 1]), label: 'initial' });
display({ widget: w, vegaLite: { mark: 'point' } as any, svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>', text: 'spectrum widget' });"""),
    nbformat.v4.new_code_cell("w.set({ xmin: 2.5, label: 'changed in cell 2' });\nw.get('label')"),
]
nb.metadata['kernelspec'] = {'name': 'esdlab-test', 'display_name': 'TypeScript (esdlab)', 'language': 'typescript'}
client = NotebookClient(nb, kernel_name='esdlab-test', timeout=120, startup_timeout=90,
                        resources={'metadata': {'path': nbdir}})
client.execute()
nbformat.write(nb, out_path)
report = {
    'outputs': [[{'type': o['output_type'], 'mimes': sorted(o.get('data', {}).keys()), 'text': o.get('text')} for o in c['outputs']] for c in nb.cells],
    'widgets': nb.metadata.get('widgets'),
}
print('REPORT ' + json.dumps(report))
