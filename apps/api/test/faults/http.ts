// Plain HTTP calls to an API process, for fault tests that count statuses and read headers
// (the tRPC client hides both): one tRPC procedure per request, no batching.

export interface CallResult {
  /** 0: no HTTP answer at all (connection refused or reset: the process is gone, say). */
  status: number;
  retryAfter: string | null;
  appCode: string | null;
  data: unknown;
  /** Milliseconds from sending to the full answer. */
  ms: number;
}

/** The result of a call that got no HTTP answer (refused, reset, timed out). */
function noAnswer(started: number): CallResult {
  return {
    status: 0,
    retryAfter: null,
    appCode: null,
    data: null,
    ms: performance.now() - started,
  };
}

/** A tRPC mutation (POST) or query (GET) of `procedure` with `input`, as a bearer. */
export async function trpcCall(
  url: string,
  procedure: string,
  input: unknown,
  options: { token?: string; method?: 'GET' | 'POST'; timeoutMs?: number } = {},
): Promise<CallResult> {
  const method = options.method ?? 'POST';
  const target =
    method === 'GET'
      ? `${url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `${url}/trpc/${procedure}`;
  const started = performance.now();
  try {
    const response = await fetch(target, {
      method,
      headers: {
        ...(method === 'POST' && { 'content-type': 'application/json' }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
      },
      ...(method === 'POST' && { body: JSON.stringify(input) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const body: unknown = await response.json().catch(() => null);
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      appCode: appCodeOf(body),
      data: dataOf(body),
      ms: performance.now() - started,
    };
  } catch {
    return noAnswer(started);
  }
}

/** A REST call under /api/v1, as a bearer. */
export async function restCall(
  url: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  token?: string,
): Promise<CallResult> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
    const parsed: unknown = await response.json().catch(() => null);
    const error = field(parsed, 'error');
    const code = field(error, 'code');
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      appCode: typeof code === 'string' ? code : null,
      data: parsed,
      ms: performance.now() - started,
    };
  } catch {
    return noAnswer(started);
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value
    ? Object.entries(value).find(([key]) => key === name)?.[1]
    : undefined;
}

function appCodeOf(body: unknown): string | null {
  const code = field(field(field(body, 'error'), 'data'), 'appCode');
  return typeof code === 'string' ? code : null;
}

function dataOf(body: unknown): unknown {
  return field(field(body, 'result'), 'data');
}

/** Creates a project; answers its id. */
export async function createProject(url: string, token: string, name: string): Promise<string> {
  const answer = await trpcCall(url, 'projects.create', { name }, { token });
  const id = field(answer.data, 'id');
  if (answer.status !== 200 || typeof id !== 'string') {
    throw new Error(`projects.create failed: ${answer.status} ${answer.appCode ?? ''}`);
  }
  return id;
}

export { field };

/** The p-th percentile (0..100) of the values, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
