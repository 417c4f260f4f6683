import type { z } from 'zod';
import { EngramError, type FieldIssue } from '../errors';

export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // Unknown keys are reported on the object; name them so the caller knows which one.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    return {
      field: keys.length ? [path, keys[0]].filter(Boolean).join('.') : path || '(body)',
      message: issue.message,
    };
  });
}

/** Parses input with a schema or throws `validation_failed` naming each bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = fieldIssues(result.error, prefix);
  const first = errors[0]!;
  throw new EngramError('validation_failed', `${first.field}: ${first.message}`, { errors });
}
