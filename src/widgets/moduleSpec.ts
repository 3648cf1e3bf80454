/**
 * Names under which the frontend (widgets/, npm package `esdlab-widgets`) registers esdlab's widget
 * models and views. Kernel models announce them in their `_model_*`/`_view_*` state keys.
 * @packageDocumentation
 */
import type { WidgetModelSpec } from '../kernel/widgetModel';

/** `_model_module` / `_view_module` of every esdlab widget. */
export const WIDGETS_MODULE = 'esdlab-widgets';
/** Semver range of the frontend module the kernel asks for. */
export const WIDGETS_MODULE_RANGE = '^0.1.0';

/** The six module keys of a model/view pair of `esdlab-widgets`. */
export function widgetSpec(model: string, view: string): WidgetModelSpec {
  return { modelName: model, modelModule: WIDGETS_MODULE, modelModuleVersion: WIDGETS_MODULE_RANGE, viewName: view, viewModule: WIDGETS_MODULE, viewModuleVersion: WIDGETS_MODULE_RANGE };
}
