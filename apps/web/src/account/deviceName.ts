/**
 * A session's user agent as a person names their device: "Firefox on Windows". The raw
 * string is unreadable ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 …"), and the
 * sessions list only needs enough to tell "my laptop" from "my phone".
 */

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\b(?:HeadlessChrome|Chrome|CriOS)\//, 'Chrome'],
  [/\bChromium\//, 'Chromium'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//i, 'curl'],
  [/^node(?:-fetch)?\b|\bundici\b/i, 'Node.js'],
  [/^python-requests\/|^python-urllib|^aiohttp\//i, 'Python'],
  [/^Go-http-client\//, 'Go'],
];

const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

export const UNKNOWN_DEVICE = 'unknown device';

export function deviceName(userAgent: string | null): string {
  const agent = userAgent?.trim();
  if (!agent) return UNKNOWN_DEVICE;
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `Browser on ${system}`;
  // Some tool: its product token ("taskboard-cli/1.2" → "taskboard-cli"), kept short.
  const product = agent.split(/[\s/;(]/)[0] ?? '';
  return product ? product.slice(0, 40) : UNKNOWN_DEVICE;
}
