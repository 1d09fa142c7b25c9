/**
 * Which method a request path names under one upstream profile, read as strictly as a real
 * endpoint serves its own routes: the profile's path template (`{region}`, `{consumer}`,
 * `{method}`), the method's name in the profile's own case, and the simulator's region. Any other
 * form is no route at all (the app answers 404), so an adapter that builds the central path for a
 * regional endpoint, or `CALL_NIK` where `call_nik` is served, fails in tests as it would live.
 * The consumer segment is not judged here: a wrong consumer is a login failure, as on Dukcapil.
 */
import type { DukcapilMethod, UpstreamProfile } from '../dukcapil/profile.ts';

export interface RoutedCall {
  readonly method: DukcapilMethod;
  readonly consumer: string;
}

const PLACEHOLDER = /\{(region|consumer|method)\}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A matcher for the profile's template; placeholders match one percent-decoded path segment. */
export function profileRouter(
  profile: UpstreamProfile,
  region: string,
): (path: string) => RoutedCall | undefined {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${profile.pathTemplate
      .split(PLACEHOLDER)
      .map((part, i) => {
        if (i % 2 === 0) return escapeRegExp(part);
        names.push(part);
        return '([^/]+)';
      })
      .join('')}/?$`,
  );
  const byName = new Map<string, DukcapilMethod>(
    (Object.entries(profile.methods) as [DukcapilMethod, { name: string }][]).map(
      ([method, spec]) => [spec.name, method],
    ),
  );
  return (path) => {
    const found = pattern.exec(path);
    if (found === null) return undefined;
    const segments: Record<string, string> = {};
    try {
      for (const [i, name] of names.entries())
        segments[name] = decodeURIComponent(found[i + 1] ?? '');
    } catch {
      return undefined; // a malformed percent-escape names no route
    }
    if (names.includes('region') && segments['region'] !== region) return undefined;
    const method = byName.get(segments['method'] ?? '');
    if (method === undefined) return undefined;
    return { method, consumer: segments['consumer'] ?? '' };
  };
}
