/**
 * The offline HTML report (Node): {@link renderReportHtml} and its helpers.
 * @packageDocumentation
 */
export * from './html';
export * from './reportModel';
export * from './viewerAsset';
export * from './renderReport';
