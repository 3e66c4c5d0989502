// Hand-written types for validate.generated.js, which scripts/build-validator.mjs compiles
// from schema.json (ajv standalone). Only the parts load.ts uses.

/** One schema violation, as ajv reports it. */
export interface GeneratedValidationError {
  /** JSON pointer to the offending value ('' for the document). */
  instancePath: string;
  /** Where in schema.json the failing keyword is, e.g. `#/$defs/Port/maximum`. */
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: GeneratedValidationError[] | null;
}

/** SHA-256 of the schema.json text this validator was generated from. */
export declare const schemaSha256: string;
export declare const validate: GeneratedValidator;
export default validate;
