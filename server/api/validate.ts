/** Request bodies checked against valibot schemas: one named error with every field's problem. */
import * as v from 'valibot';
import { HttpError } from '../http/errors.ts';

export type FieldError = { field: string; message: string };

export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  return issues.map((issue) => ({ field: v.getDotPath(issue) ?? '(body)', message: issue.message }));
}

/** The parsed value, or 422 `validation` with `fields: [{ field, message }]`. */
export function parseBody<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortEarly: false });
  if (result.success) return result.output;
  const fields = fieldErrors(result.issues);
  throw new HttpError(422, 'validation', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}
