import type { z } from 'zod';

/** One line per problem: `field.path: what was expected`, the form every config error uses. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}
