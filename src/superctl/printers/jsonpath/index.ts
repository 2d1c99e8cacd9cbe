// kubectl's JSONPath template dialect: parse once, print many.
export { JsonPathTemplate } from './evaluate.js';
export { JsonPathSyntaxError, parseTemplate } from './parser.js';
