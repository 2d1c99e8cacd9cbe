// OpenAPI v2 and v3 documents of the served resources, for kubectl apply, explain and validation,
// and server-side field validation from the same schemas.
export { openApiDocuments } from './documents.js';
export { checkFields, fieldValidationOf, warningHeaders, type FieldValidation, type KindRef } from './field-validation.js';
export { handleOpenApi } from './handler.js';
