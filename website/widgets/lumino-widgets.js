/* The four Lumino widget classes ipywidgets' base and controls use, from Lumino's
 * sources: the package's single-file build cannot be tree-shaken and would add
 * every Lumino widget (dock panels, menus, command palettes) to the bundle. */
export { Widget } from '../node_modules/@lumino/widgets/src/widget';
export { Panel } from '../node_modules/@lumino/widgets/src/panel';
export { PanelLayout } from '../node_modules/@lumino/widgets/src/panellayout';
export { TabBar } from '../node_modules/@lumino/widgets/src/tabbar';
