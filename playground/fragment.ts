// The shared link: the policy (and the explain form) in the URL's fragment, which browsers
// never send to a server, so sharing a policy uploads nothing. The policy is UTF-8 in
// base64url, which survives chat programs and e-mail that mangle '%' escapes and spaces.

export interface SharedState {
  policy: string;
  client?: string;
  rcpt?: string;
}

export function encodeFragment(state: SharedState): string {
  const params = new URLSearchParams();
  params.set('policy', toBase64Url(new TextEncoder().encode(state.policy)));
  if (state.client) params.set('client', state.client);
  if (state.rcpt) params.set('rcpt', state.rcpt);
  return `#${params.toString()}`;
}

/** The state a fragment carries; undefined when it carries no policy or a damaged one. */
export function decodeFragment(fragment: string): SharedState | undefined {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const encoded = params.get('policy');
  if (encoded === null) return undefined;
  const bytes = fromBase64Url(encoded);
  if (bytes === undefined) return undefined;
  let policy: string;
  try {
    policy = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const client = params.get('client');
  const rcpt = params.get('rcpt');
  return { policy, ...(client !== null ? { client } : {}), ...(rcpt !== null ? { rcpt } : {}) };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
