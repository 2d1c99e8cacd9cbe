// What a request without credentials may see: health and version, nothing else (Kubernetes'
// system:public-info-viewer role).
//
// The check is on the raw request target and deliberately narrow (letters, digits, '-', '_' in
// each segment; no dots, no percent-escapes, no query tricks in the path), so that no path the
// router might normalize differently (`/healthz/../api`, `/healthz%2F..`) can slip through.

const PUBLIC_PATH = /^\/(?:(?:healthz|livez|readyz)(?:\/[A-Za-z0-9_-]+)*|version)\/?$/;

/** Whether an unauthenticated request for `method` and `url` (`request.url`, query included) is allowed. */
export function isAnonymousAllowed(method: string | undefined, url: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (url === undefined) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return PUBLIC_PATH.test(path);
}
