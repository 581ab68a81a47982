// Single entry point for the conformance helpers used by the emulator contract tests.
export { DEFAULT_APIM_REST_ROOT, ApimSpec, loadSpec } from './spec.ts';
export type { OperationMatch, QueryInput, SpecOperation, SpecParameter, SpecResponse } from './spec.ts';
export { ConformanceValidator, getValidator, validateExchange } from './validate.ts';
export type { Exchange, ExchangeResult, ValidatorOptions } from './validate.ts';
export { buildExampleRequest, loadExampleCorpus, loadExamples } from './examples.ts';
export type { ExampleCorpus, ExampleRequest, ExampleResponse, SkippedExample } from './examples.ts';
export { compareShape } from './shape.ts';
