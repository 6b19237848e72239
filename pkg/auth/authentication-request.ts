// What every authenticator receives and returns. Inputs are plain values so the HTTP layer can build them from any
// server: lower-cased header names with each received value kept apart, and the peer's certificates.
import type { X509Certificate } from 'node:crypto';
import type { UserInfo } from './user-info.js';

/**
 * Request headers by lower-cased name. Repeated headers MUST be kept as separate values (Node's
 * `IncomingMessage.headersDistinct`, or `headersFromRaw(req.rawHeaders)`): Node's `headers` joins repeated
 * `X-Remote-Group` lines with ", ", which would turn two groups into one.
 */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface AuthenticationRequest {
  headers: RequestHeaders;
  /** The TLS client certificates, leaf first, as the peer sent them; empty or absent without a client certificate. */
  peerCertificates?: readonly X509Certificate[];
  /** The URL path; only consulted by anonymous access restricted to paths. */
  path?: string;
  /** Aborted when the client goes away; passed to host calls. */
  signal?: AbortSignal;
}

export interface AuthenticationResponse {
  user: UserInfo;
  /** Audiences the credential was accepted for, when the authenticator checks audiences. */
  audiences?: string[];
}

/**
 * Resolves `undefined` when the request carries no credential of its kind (the next authenticator is tried) and
 * rejects when it carries one that is not accepted.
 */
export interface RequestAuthenticator {
  authenticate(request: AuthenticationRequest): Promise<AuthenticationResponse | undefined>;
}

/** Resolves `undefined` for an unknown token; rejects when the token cannot be checked. */
export interface TokenAuthenticator {
  authenticateToken(token: string, signal?: AbortSignal): Promise<AuthenticationResponse | undefined>;
}

/** A credential was presented and rejected. The message is for logs; clients only ever see 401 Unauthorized. */
export class AuthenticationError extends Error {
  readonly isAuthenticationError = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}

export function isAuthenticationError(e: unknown): e is AuthenticationError {
  return e instanceof Error && (e as Partial<AuthenticationError>).isAuthenticationError === true;
}

/** Every value of header `name` (any case), in order; values of differently-cased keys are concatenated. */
export function headerValues(headers: RequestHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') out.push(value);
    else out.push(...value);
  }
  return out;
}

/** The first value of header `name`, or `''` (Go's `Header.Get`). */
export function firstHeaderValue(headers: RequestHeaders, name: string): string {
  return headerValues(headers, name)[0] ?? '';
}

/** Builds RequestHeaders from Node's `rawHeaders` (`[name, value, name, value, ...]`), keeping repeats apart. */
export function headersFromRaw(rawHeaders: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!.toLowerCase();
    (out[key] ??= []).push(rawHeaders[i + 1]!);
  }
  return out;
}
