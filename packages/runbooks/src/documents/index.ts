export { contentHash, type DocumentType, type ShippedDocument } from './types.ts';
export { SHIPPED_DOCUMENTS } from './generated/catalog.ts';
export {
  checkParameterValues,
  documentParameters,
  substituteParameters,
  type ParameterCheck,
  type ParameterProblem,
} from './params.ts';
export { INJECTION_PROBES, validateDocument, type DocumentParameter } from './validate.ts';
