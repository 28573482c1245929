import { restErrorBodySchema } from '@taskboard/schema';
import { z } from 'zod';
import { SESSION_COOKIE } from '../context';
import { procedureInfo } from '@taskboard/api/host';
import { pathParams, type RestRoute } from './routes';

type JsonSchema = Record<string, unknown>;

/** A Zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Embedded schemas take the document's dialect: no `$schema` of their own.
  return Object.fromEntries(
    Object.entries(z.toJSONSchema(schema, { io, unrepresentable: 'any' })).filter(
      ([key]) => key !== '$schema',
    ),
  );
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .safeParse(schema.properties);
  return properties.data ?? {};
}

function requiredOf(schema: JsonSchema): string[] {
  return z.array(z.string()).safeParse(schema.required).data ?? [];
}

/** The object schema without the fields that come from the path. */
function without(schema: JsonSchema, fields: string[]): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(propertiesOf(schema)).filter(([name]) => !fields.includes(name)),
  );
  const required = requiredOf(schema).filter((name) => !fields.includes(name));
  return { ...schema, properties, ...(required.length > 0 ? { required } : { required: [] }) };
}

/** The body of a wrapped output; a write's `eventId` stands next to the wrapper (`restBody`). */
function wrapped(key: string, output: JsonSchema): JsonSchema {
  const eventId = propertiesOf(output).eventId;
  if (!eventId) return { type: 'object', required: [key], properties: { [key]: output } };
  return {
    type: 'object',
    required: [key, 'eventId'],
    properties: { [key]: without(output, ['eventId']), eventId },
  };
}

/** The error body of SPEC.md, from the one schema the server's answers are typed by. */
const errorBodySchema = jsonSchemaOf(restErrorBodySchema, 'output');

const errorResponses = {
  '400': 'VALIDATION_ERROR (with details by field) or BAD_REQUEST',
  '401': 'UNAUTHORIZED (no valid session) or INVALID_CREDENTIALS',
  '403': 'FORBIDDEN: signed in, but the role does not allow it',
  '404': 'NOT_FOUND: missing, or not visible to the caller',
  '409': 'CONFLICT (stale expectedVersion; details hold the current task) or USER_EXISTS',
  '413': "PAYLOAD_TOO_LARGE: body, URL or headers over the server's limits",
  '429': 'TOO_MANY_REQUESTS; see the Retry-After header',
  '500': 'INTERNAL_SERVER_ERROR, without internals',
  '503': 'SERVICE_UNAVAILABLE: a dependency (database, disk) is down; see the Retry-After header',
} as const;

function errorResponse(description: string) {
  return {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

function operationOf(route: RestRoute) {
  const info = procedureInfo(route.procedure);
  const names = pathParams(route.path);
  const fieldOf = (name: string) => route.params?.[name] ?? name;
  const input = info.input ? jsonSchemaOf(info.input, 'input') : undefined;
  const inputFields = input ? propertiesOf(input) : {};

  const parameters: JsonSchema[] = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: inputFields[fieldOf(name)] ?? { type: 'string' },
  }));
  const fromPath = names.map(fieldOf);
  if (route.from === 'query' && input) {
    const required = requiredOf(input);
    for (const [name, schema] of Object.entries(inputFields)) {
      if (fromPath.includes(name)) continue;
      parameters.push({ name, in: 'query', required: required.includes(name), schema });
    }
  }

  const output = info.output ? jsonSchemaOf(info.output, 'output') : { type: 'object' };
  const body: JsonSchema = route.wrap ? wrapped(route.wrap, output) : output;
  const status = String(route.status ?? 200);
  const success =
    route.status === 204
      ? { description: 'Done; no content' }
      : { description: 'Success', content: { 'application/json': { schema: body } } };

  return {
    operationId: route.procedure.replace('.', '_'),
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length > 0 && { parameters }),
    ...(route.from === 'body' &&
      input && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: without(input, fromPath) } },
        },
      }),
    responses: {
      [status]: success,
      ...Object.fromEntries(
        Object.entries(errorResponses).map(([code, text]) => [code, errorResponse(text)]),
      ),
    },
    ...(route.public && { security: [] }),
  };
}

/** The OpenAPI 3.1 document of the REST surface, built from the procedures' own schemas. */
export function buildOpenApiDocument(routes: readonly RestRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Taskboard REST API',
      version: '1.0.0',
      description:
        'Projects, members and tasks of Taskboard over plain HTTP and JSON: the same operations, ' +
        'rules and errors as the typed tRPC API at /trpc. Authenticate with ' +
        '`Authorization: Bearer <token>` (the token from /auth/login) or the session cookie; ' +
        'a cookie-authenticated change must come from an allowed Origin.',
    },
    servers: [{ url: '/api/v1' }],
    tags: [
      { name: 'auth', description: 'Accounts and sessions' },
      { name: 'projects', description: 'Projects and their boards' },
      { name: 'members', description: 'Who may do what in a project' },
      { name: 'tasks', description: 'Tasks: filters, pages, changes, moves' },
    ],
    security: [{ bearer: [] }, { cookie: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token from /auth/login' },
        cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas: { Error: errorBodySchema },
    },
    paths,
  };
}
