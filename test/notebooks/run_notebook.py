"""Executes one notebook with esdlab's kernel through PyPI nbclient and writes the executed copy
(outputs and widget state in metadata) to OUT. Exit status 0 on success; on a cell error prints the
cell's source head and the error, exit status 1.
Usage: .venv/bin/python test/notebooks/run_notebook.py NOTEBOOK.ipynb OUT.ipynb [TIMEOUT_S]
Run by test/notebooks.test.ts (kernel name: esdlab, registered into .venv by setup.sh --test).
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

src, out = sys.argv[1], sys.argv[2]
timeout = int(sys.argv[3]) if len(sys.argv) > 3 else 600
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, kernel_name=os.environ.get('ESDLAB_KERNEL', 'esdlab'), timeout=timeout,
                        startup_timeout=120, store_widget_state=True,
                        resources={'metadata': {'path': os.path.dirname(os.path.abspath(src))}})
t0 = time.time()
status = 0
try:
    client.execute()
except CellExecutionError as e:
    status = 1
    print('NOTEBOOK FAILED: %s\n%s' % (src, str(e)[-4000:]))
finally:
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    nbformat.write(nb, out)
checks = []
for c in nb.cells:
    for o in c.get('outputs', []):
        if o.get('output_type') == 'stream':
            checks += [l for l in o.get('text', '').splitlines() if l.startswith('✓ ')]
print('REPORT ' + json.dumps({'notebook': src, 'seconds': round(time.time() - t0, 1), 'status': status,
                              'checks': checks, 'widgets': bool(nb.metadata.get('widgets'))}))
sys.exit(status)
