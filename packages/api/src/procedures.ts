import type { ProcedureType } from '@trpc/server';
import { z } from 'zod';
import { appRouter } from './router';

export interface ProcedureInfo {
  type: ProcedureType;
  /** The input schema (undefined: the procedure takes no input). */
  input: z.ZodType | undefined;
  output: z.ZodType | undefined;
}

/** Every procedure of the router by its dotted path (tRPC keeps them flat at runtime). */
const procedures: Record<string, unknown> = appRouter._def.procedures;

/** The paths of every procedure of the router, e.g. `tasks.create`. */
export function procedurePaths(): string[] {
  return Object.keys(procedures);
}

/**
 * What the router says about one procedure: its kind and its Zod input and output schemas.
 * Throws for a path the router does not have (a typo in a route table is a start-up error).
 */
export function procedureInfo(path: string): ProcedureInfo {
  const procedure = procedures[path];
  if (typeof procedure !== 'function' || !('_def' in procedure)) {
    throw new Error(`The router has no procedure ${path}`);
  }
  const def: unknown = procedure._def;
  if (typeof def !== 'object' || def === null || !('type' in def)) {
    throw new Error(`Procedure ${path} has no definition`);
  }
  const type = z.enum(['query', 'mutation', 'subscription']).parse(def.type);
  const inputs: unknown[] = 'inputs' in def && Array.isArray(def.inputs) ? def.inputs : [];
  const [input] = inputs;
  // The output parser is on the runtime definition, though tRPC's type of it leaves it out.
  const output = 'output' in def ? def.output : undefined;
  return {
    type,
    input: input instanceof z.ZodType ? input : undefined,
    output: output instanceof z.ZodType ? output : undefined,
  };
}
