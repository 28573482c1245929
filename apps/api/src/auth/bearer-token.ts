/**
 * The token of an `Authorization: Bearer …` header (the scheme name is case-insensitive):
 * a session token for the API, the metrics token for `/metrics`.
 */
export function bearerTokenOf(header: string | undefined): string | null {
  const token = header ? /^bearer +(.*)$/i.exec(header)?.[1]?.trim() : undefined;
  return token === undefined || token === '' ? null : token;
}
