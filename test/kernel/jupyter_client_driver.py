"""Drives esdlab's kernel with PyPI jupyter_client (from the project's .venv) and prints a JSON report.

Usage: JUPYTER_PATH=<data dir holding kernels/esdlab-test> .venv/bin/python jupyter_client_driver.py <cwd>
Run by test/kernelJupyterClient.test.ts; the assertions live there.
"""
import json
import struct
import sys
import time

from jupyter_client.manager import start_new_kernel

cwd = sys.argv[1]
report = {}

WIDGET = """
import { WidgetModel, display } from 'esdlab';
class W extends WidgetModel<{ xmin: number; values: Float64Array }> {}
const w = new W({ modelName: 'M', modelModule: 'esdlab-test', modelModuleVersion: '^0.1.0',
  viewName: 'V', viewModule: 'esdlab-test', viewModuleVersion: '^0.1.0' },
  { xmin: 1, values: new Float64Array([1, 2, 4]) });
w.on('custom', (e) => w.send({ n: e.buffers.length, len: e.buffers[0].length }, e.buffers));
(globalThis as any).__w = w;
display({ widget: w, text: 'W' });
"""


def drain(kc, parent_id, timeout=30):
    """iopub messages with this parent, up to and including status idle."""
    out = []
    end = time.time() + timeout
    while time.time() < end:
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:
            continue
        if m['parent_header'].get('msg_id') != parent_id:
            continue
        out.append(m)
        if m['msg_type'] == 'status' and m['content']['execution_state'] == 'idle':
            return out
    raise RuntimeError('no idle for %s' % parent_id)


def execute(kc, code, timeout=60):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply['parent_header'].get('msg_id') != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply, drain(kc, msg_id)


def comm_msg(kc, comm_id, data, buffers=None):
    msg = kc.session.msg('comm_msg', {'comm_id': comm_id, 'data': data})
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers or [])
    return msg['header']['msg_id']


km, kc = start_new_kernel(kernel_name='esdlab-test', cwd=cwd, startup_timeout=90)
try:
    info = kc.kernel_info(reply=True)
    report['implementation'] = info['content']['implementation']
    reply, out = execute(kc, WIDGET)
    report['widget_status'] = reply['content']['status']
    opens = [m for m in out if m['msg_type'] == 'comm_open']
    report['comm_open'] = {
        'parent_type': opens[0]['parent_header']['msg_type'],
        'metadata': opens[0]['metadata'],
        'buffer_paths': opens[0]['content']['data']['buffer_paths'],
        'values': list(struct.unpack('<3d', bytes(opens[0]['buffers'][0]))),
    }
    comm_id = opens[0]['content']['comm_id']
    report['display_mimes'] = [list(m['content']['data'].keys()) for m in out if m['msg_type'] == 'display_data']

    # Frontend update with a binary buffer (replaces values); then read it back from the kernel.
    new_vals = struct.pack('<2d', 0.5, 8.0)
    mid = comm_msg(kc, comm_id, {'method': 'update', 'state': {'xmin': 2.5}, 'buffer_paths': [['values']]}, [new_vals])
    upd = drain(kc, mid)
    report['update_children'] = [m['msg_type'] if m['msg_type'] != 'comm_msg' else 'comm_msg:' + m['content']['data']['method'] for m in upd]
    reply, out = execute(kc, "const v = (globalThis as any).__w.get('values'); console.log((globalThis as any).__w.get('xmin'), v.length)")
    report['after_update_stdout'] = ''.join(m['content']['text'] for m in out if m['msg_type'] == 'stream')

    # Custom message with buffers round trip.
    mid = comm_msg(kc, comm_id, {'method': 'custom', 'content': {'hi': 1}}, [b'\x01\x02\x03', b'\xff' * 10])
    cus = [m for m in drain(kc, mid) if m['msg_type'] == 'comm_msg']
    report['custom_reply'] = {'data': cus[0]['content']['data'], 'buffers': [bytes(b).hex() for b in cus[0]['buffers']]}

    # comm_info
    kc.comm_info(target_name='jupyter.widget')
    ci = kc.get_shell_msg(timeout=10)
    report['comm_info'] = {'type': ci['msg_type'], 'content': ci['content'], 'comm_id': comm_id}

    # Interrupt a busy loop through the kernel manager (interrupt_mode: signal -> SIGINT).
    msg_id = kc.execute('console.log("spinning"); let i = 0; while (true) { i++; }')
    # Interrupt only once the loop really runs (compiling the cell can take a while on a busy machine).
    end = time.time() + 60
    while time.time() < end:
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:
            continue
        if m['parent_header'].get('msg_id') == msg_id and m['msg_type'] == 'stream':
            break
    time.sleep(0.2)
    t0 = time.time()
    km.interrupt_kernel()
    r = kc.get_shell_msg(timeout=30)
    report['interrupt'] = {'status': r['content']['status'], 'seconds': round(time.time() - t0, 2)}
    time.sleep(0.5)
    reply, out = execute(kc, 'console.log("alive after interrupt")')
    report['after_interrupt_stdout'] = ''.join(m['content']['text'] for m in out if m['msg_type'] == 'stream')

    # Restart: a fresh process, old state gone.
    pid_before = km.provisioner.pid if hasattr(km, 'provisioner') and km.provisioner else None
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=90)
    pid_after = km.provisioner.pid if hasattr(km, 'provisioner') and km.provisioner else None
    reply, out = execute(kc, 'console.log(typeof (globalThis as any).__w)')
    report['restart'] = {'new_pid': pid_before != pid_after, 'stdout': ''.join(m['content']['text'] for m in out if m['msg_type'] == 'stream')}
finally:
    t0 = time.time()
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    report['shutdown'] = {'alive': km.is_alive(), 'seconds': round(time.time() - t0, 2)}

print('REPORT ' + json.dumps(report))
