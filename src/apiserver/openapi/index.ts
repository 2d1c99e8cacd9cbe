// OpenAPI v2 and v3 documents of the served resources, for kubectl apply, explain and validation.
export { handleOpenApi, openApiDocuments } from './handler.js';
