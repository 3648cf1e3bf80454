/** npm name of the frontend module (`_model_module` of esdlab's widget models). */
export const MODULE_NAME = 'esdlab-widgets';
/** Version registered with the widget registry (kernel models ask for `^0.1.0`). */
export const MODULE_VERSION = '0.1.0';
