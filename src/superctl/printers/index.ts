// The printers every verb shares.
export { TabWriter, alignColumns } from './tab-writer.js';
export { toGoJson } from './go-json.js';
export { toGoYaml } from './go-yaml.js';
export { parseOutputFormat, type OutputFormat } from './output-format.js';
export { asList, jsonPathText, nameOf, printObjects, type PrintableObject } from './object-printers.js';
export { customColumnLines, parseCustomColumns, relaxedTemplate } from './custom-columns.js';
export { formatLabels, headerCells, rowCells, tableLines, TABLE_ACCEPT, type ServerTable, type TableColumnDefinition, type TablePrintOptions, type TableRow } from './server-table.js';
export { JsonPathTemplate } from './jsonpath/index.js';
