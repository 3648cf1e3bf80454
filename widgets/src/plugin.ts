/**
 * JupyterLab 4 plugin: registers the `esdlab-widgets` module (models and views of widget.ts) with
 * the widget manager's registry (IJupyterWidgetRegistry from @jupyterlab_widgets).
 */
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { MODULE_NAME, MODULE_VERSION } from './version';

/** The plugin object JupyterLab activates (typed structurally: no @jupyterlab/application needed). */
const plugin = {
  id: 'esdlab-widgets:plugin',
  description: 'esdlab ESD explorer, dashboard and comparison widgets',
  autoStart: true,
  requires: [IJupyterWidgetRegistry],
  activate(_app: unknown, registry: IJupyterWidgetRegistry): void {
    registry.registerWidget({ name: MODULE_NAME, version: MODULE_VERSION, exports: () => import('./widget') as never });
  },
};

export default plugin;
