/**
 * Rich display from notebook code: one call sends one multi-MIME output.
 *
 * Inside esdlab's kernel the bundle carries, in order of richness: the live widget view
 * (`application/vnd.jupyter.widget-view+json`, only when the widget's comm is open), vega-lite v5
 * (`application/vnd.vegalite.v5+json`, rendered by JupyterLab's built-in renderer, also for untrusted
 * outputs), HTML, SVG/PNG (for nbconvert, GitHub) and `text/plain`. Under stock tslab the same call
 * degrades to the fallbacks (no widget view); outside any kernel it does nothing and reports
 * `route: 'none'`. It never throws for lack of a frontend.
 *
 * Note: tslab prints the value of a cell's last expression, so a cell ending in `display(...)` also
 * prints the returned {@link DisplayResult}; end such cells with another statement (or `void display(...)`).
 * @packageDocumentation
 */
import { getCommManager, type JsonObject } from '../kernel/protocol';
import { findTslabSink } from './tslabSink';

/** MIME type of vega-lite v5 specs (JupyterLab 4 renders v3–v5, not v6). */
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/** What a display needs from a widget (every {@link WidgetModel} fits, whatever its state type). */
export interface WidgetViewSource {
  /** Opens the widget's comm if possible; true when live. */
  open(): boolean;
  /** The widget-view MIME entry when live, else null. */
  viewData(): JsonObject | null;
}

/** The representations of one output; any subset, `text` is required. */
export interface DisplayParts {
  /** A widget model: opened if possible and shown as a live view. */
  widget?: WidgetViewSource | null;
  /** A vega-lite v5 spec (plain JSON object). */
  vegaLite?: JsonObject;
  /** An HTML fragment. */
  html?: string;
  /** An SVG document. */
  svg?: string;
  /** A PNG image, base64-encoded. */
  pngBase64?: string;
  /** Markdown. */
  markdown?: string;
  /** Plain text (always sent; the last-resort representation). */
  text: string;
}

/** Options of {@link display}. */
export interface DisplayOptions {
  /** Transient display id (to update this output later). */
  displayId?: string;
  /** Replace the output with `displayId` instead of adding one. */
  update?: boolean;
  /** Per-MIME metadata. */
  metadata?: JsonObject;
  /** Leave out the widget view even if a comm is live (static output, e.g. for saved notebooks). Default false. */
  static?: boolean;
}

/** Which way an output went: esdlab's kernel, stock tslab (whole bundle or one MIME type), or nowhere. */
export type DisplayRoute = 'kernel' | 'tslab' | 'tslab-single' | 'none';

/** What {@link display} did. */
export interface DisplayResult {
  /** The route taken. */
  route: DisplayRoute;
  /** The MIME types in the bundle that was built (for `tslab-single`, only the first preferred one was shown). */
  mimeTypes: string[];
  /** True if the bundle carried a live widget view. */
  widgetView: boolean;
}

/** Builds the MIME bundle for `parts` (opening the widget's comm if `withWidget` and possible). */
export function buildBundle(parts: DisplayParts, withWidget: boolean): JsonObject {
  const data: JsonObject = {};
  if (withWidget && parts.widget) {
    parts.widget.open();
    const view = parts.widget.viewData();
    if (view) Object.assign(data, view);
  }
  if (parts.vegaLite) data[VEGALITE_MIME] = parts.vegaLite;
  if (parts.html !== undefined) data['text/html'] = parts.html;
  if (parts.svg !== undefined) data['image/svg+xml'] = parts.svg;
  if (parts.pngBase64 !== undefined) data['image/png'] = parts.pngBase64;
  if (parts.markdown !== undefined) data['text/markdown'] = parts.markdown;
  data['text/plain'] = parts.text;
  return data;
}

/** Sends a prepared MIME bundle (`data`: MIME type → value) by the best available route. */
export function displayBundle(data: JsonObject, options: DisplayOptions = {}): DisplayResult {
  const mimeTypes = Object.keys(data);
  const widgetView = 'application/vnd.jupyter.widget-view+json' in data;
  const m = getCommManager();
  if (m) {
    m.display(data, { displayId: options.displayId, update: options.update, metadata: options.metadata });
    return { route: 'kernel', mimeTypes, widgetView };
  }
  const sink = findTslabSink();
  if (sink) {
    const transient: { display_id?: string } = {};
    if (options.displayId !== undefined) transient.display_id = options.displayId;
    try {
      sink.send({ data, metadata: options.metadata ?? {}, transient }, options.update === true);
    } catch {
      // tslab throws "Not ready" before the first execution: nothing to display into.
      return { route: 'none', mimeTypes, widgetView: false };
    }
    return { route: sink.kind === 'full' ? 'tslab' : 'tslab-single', mimeTypes, widgetView: false };
  }
  return { route: 'none', mimeTypes, widgetView: false };
}

/**
 * Displays `parts` as one output: a live widget view when esdlab's kernel is running, plus every
 * static representation given. Under stock tslab the widget view is left out.
 */
export function display(parts: DisplayParts, options: DisplayOptions = {}): DisplayResult {
  const live = !options.static && getCommManager() !== null;
  return displayBundle(buildBundle(parts, live), options);
}

let displayCounter = 0;

/** A fresh display id (unique within this process). */
export function newDisplayId(): string {
  displayCounter += 1;
  return `esdlab-${Date.now().toString(36)}-${displayCounter.toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** One output that can be replaced in place (progress bars, refreshed charts). */
export class UpdatingDisplay {
  /** The transient display id shared by the first output and its updates. */
  readonly displayId: string;
  private shown = false;

  constructor(displayId: string = newDisplayId()) {
    this.displayId = displayId;
  }

  /** Shows `parts`: the first call adds an output, later calls replace it. */
  show(parts: DisplayParts, options: Omit<DisplayOptions, 'displayId' | 'update'> = {}): DisplayResult {
    const r = display(parts, { ...options, displayId: this.displayId, update: this.shown });
    if (r.route !== 'none') this.shown = true;
    return r;
  }
}
