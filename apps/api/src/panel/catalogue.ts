import { z } from 'zod';
import { procedureInfo, procedurePaths } from '@taskboard/api/host';

type JsonSchema = Record<string, unknown>;

export interface CatalogueEntry {
  /** e.g. `tasks.create` */
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The input's JSON Schema; null: the procedure takes no input. */
  input: JsonSchema | null;
  /** A starting point to edit: defaults, first enum values, placeholders for the rest. */
  example: unknown;
  output: JsonSchema | null;
}

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

const schemaShape = z
  .object({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    default: z.unknown().optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    format: z.string().optional(),
    minimum: z.number().optional(),
    minLength: z.number().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    required: z.array(z.string()).optional(),
    anyOf: z.array(z.unknown()).optional(),
    items: z.unknown().optional(),
  })
  .loose();

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/**
 * An example value of a JSON Schema: its default, its first enum value, and for an object the
 * required fields only (optional ones are in the schema beside it). Made to be edited.
 */
function exampleOf(schema: unknown, depth = 0, name = ''): unknown {
  const parsed = schemaShape.safeParse(schema);
  if (!parsed.success || depth > 6) return null;
  const s = parsed.data;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf?.length) return exampleOf(s.anyOf[0], depth + 1, name);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const required = new Set(s.required ?? []);
      return Object.fromEntries(
        Object.entries(s.properties ?? {})
          .filter(([name]) => required.has(name))
          .map(([field, property]) => [field, exampleOf(property, depth + 1, field)]),
      );
    }
    case 'array':
      return [];
    case 'string':
      if (s.format === 'uuid') return PLACEHOLDER_ID;
      // An email piped through normalisation shows no format on its input side: the name says it.
      if (s.format === 'email' || /email/i.test(name)) return 'someone@example.com';
      if (s.format === 'date-time') return new Date(0).toISOString();
      return 'text'.padEnd(s.minLength ?? 0, 'x');
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** Every procedure of the router with its schemas, for the panel to list and call. */
export function buildCatalogue(): CatalogueEntry[] {
  return procedurePaths()
    .sort()
    .map((path) => {
      const info = procedureInfo(path);
      const input = info.input ? jsonSchemaOf(info.input, 'input') : null;
      return {
        path,
        type: info.type,
        input,
        example: input ? exampleOf(input) : null,
        output: info.output ? jsonSchemaOf(info.output, 'output') : null,
      };
    });
}
