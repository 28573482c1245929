import type { z } from 'zod';

/**
 * One call to the API's REST surface (`/api/v1`), with a bearer token when given; the answer
 * is parsed with `schema`, and anything but a 2xx throws with the status and body, so a scene
 * that could not be set fails the test where it was set.
 */
export async function restCall<S extends z.ZodType>(
  apiUrl: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  token: string | null,
  schema: S,
  body?: unknown,
): Promise<z.output<S>> {
  const response = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token !== null && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return schema.parse(text === '' ? null : JSON.parse(text));
}
