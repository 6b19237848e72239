import { describe, expect, it } from 'vitest';
import type { AuthenticationResponse, RequestHeaders, TokenAuthenticator } from './authentication-request.js';
import {
  BEARER_PROTOCOL_PREFIX,
  BearerTokenAuthenticator,
  bearerTokenFromHeaders,
  bearerTokenFromWebSocket,
  unionTokenAuthenticator,
  WebSocketProtocolAuthenticator,
} from './bearer-token.js';

function fixed(table: Record<string, string>, error?: string): TokenAuthenticator {
  return {
    async authenticateToken(token: string): Promise<AuthenticationResponse | undefined> {
      if (Object.hasOwn(table, token)) return { user: { name: table[token]!, groups: [], extra: {} } };
      if (error !== undefined) throw new Error(error);
      return undefined;
    },
  };
}

const ws = (protocols: string[]): RequestHeaders => ({ upgrade: ['websocket'], connection: ['Upgrade'], 'sec-websocket-protocol': protocols });
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

describe('bearerTokenFromHeaders', () => {
  it.each([
    { name: 'reads a bearer token', headers: { authorization: ['Bearer abc'] }, want: 'abc' },
    { name: 'accepts the scheme in any case', headers: { authorization: ['bEaReR abc'] }, want: 'abc' },
    { name: 'trims the header', headers: { authorization: ['  Bearer abc  '] }, want: 'abc' },
    { name: 'ignores text after a second space', headers: { authorization: ['Bearer abc def'] }, want: 'abc' },
    { name: 'reads only the first Authorization header', headers: { authorization: ['Basic x', 'Bearer abc'] }, want: undefined },
    { name: 'ignores other schemes', headers: { authorization: ['Basic dXNlcjpwYXNz'] }, want: undefined },
    { name: 'ignores a scheme without a token', headers: { authorization: ['Bearer'] }, want: undefined },
    { name: 'treats a double space as an empty token', headers: { authorization: ['Bearer  abc'] }, want: undefined },
    { name: 'finds nothing without the header', headers: {}, want: undefined },
  ])('$name', ({ headers, want }) => {
    expect(bearerTokenFromHeaders(headers)).toBe(want);
  });
});

describe('bearerTokenFromWebSocket', () => {
  it.each([
    { name: 'reads the token and keeps the other protocols', headers: ws([`v4.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${b64('tok')}`]), want: { token: 'tok', protocols: ['v4.channel.k8s.io'] } },
    { name: 'reads protocols spread over repeated headers', headers: ws(['a', `${BEARER_PROTOCOL_PREFIX}${b64('tok')}`, 'b']), want: { token: 'tok', protocols: ['a', 'b'] } },
    { name: 'finds nothing outside a websocket upgrade', headers: { 'sec-websocket-protocol': [`a, ${BEARER_PROTOCOL_PREFIX}${b64('tok')}`] }, want: undefined },
    { name: 'finds nothing without a token protocol', headers: ws(['a']), want: undefined },
    { name: 'treats an empty encoded token as absent', headers: ws([`a,${BEARER_PROTOCOL_PREFIX}`]), want: undefined },
  ])('$name', ({ headers, want }) => {
    expect(bearerTokenFromWebSocket(headers)).toEqual(want);
  });

  it.each([
    { name: 'rejects two token protocols', protocols: ['a', `${BEARER_PROTOCOL_PREFIX}${b64('x')}`, `${BEARER_PROTOCOL_PREFIX}${b64('y')}`], error: 'multiple base64.bearer.authorization tokens specified' },
    { name: 'rejects padded or non-URL base64', protocols: ['a', `${BEARER_PROTOCOL_PREFIX}dG9r=`], error: 'invalid base64.bearer.authorization token encoding' },
    { name: 'rejects a token that is not UTF-8', protocols: ['a', `${BEARER_PROTOCOL_PREFIX}${Buffer.from([0xff, 0xfe]).toString('base64url')}`], error: 'invalid base64.bearer.authorization token' },
    { name: 'rejects a token without another protocol to echo', protocols: [`${BEARER_PROTOCOL_PREFIX}${b64('tok')}`], error: 'missing additional subprotocol' },
  ])('$name', ({ protocols, error }) => {
    expect(() => bearerTokenFromWebSocket(ws(protocols))).toThrow(error);
  });
});

describe('token request authenticators', () => {
  it('reports the Authorization header as consumed', async () => {
    const res = await new BearerTokenAuthenticator(fixed({ t: 'alice' })).authenticate({ headers: { authorization: ['Bearer t'] } });
    expect(res).toEqual({ user: { name: 'alice', groups: [], extra: {} }, consumedHeaders: ['authorization'], rewrittenHeaders: {} });
  });

  it('turns an unknown token into an invalid bearer token error', async () => {
    await expect(new BearerTokenAuthenticator(fixed({})).authenticate({ headers: { authorization: ['Bearer nope'] } })).rejects.toThrow('invalid bearer token');
  });

  it('rewrites the websocket protocols without the token', async () => {
    const res = await new WebSocketProtocolAuthenticator(fixed({ t: 'bob' })).authenticate({ headers: ws([`a, ${BEARER_PROTOCOL_PREFIX}${b64('t')}, b`]) });
    expect(res?.rewrittenHeaders).toEqual({ 'sec-websocket-protocol': 'a,b' });
    expect(res?.user.name).toBe('bob');
  });
});

describe('unionTokenAuthenticator', () => {
  it.each([
    { name: 'returns the first acceptance', list: [fixed({}), fixed({ t: 'second' }), fixed({ t: 'third' })], want: 'second' },
    { name: 'keeps trying after a failure', list: [fixed({}, 'review failed'), fixed({ t: 'second' })], want: 'second' },
  ])('$name', async ({ list, want }) => {
    expect((await unionTokenAuthenticator(list).authenticateToken('t'))?.user.name).toBe(want);
  });

  it('resolves undefined when nobody knows the token and nobody failed', async () => {
    expect(await unionTokenAuthenticator([fixed({}), fixed({})]).authenticateToken('t')).toBeUndefined();
  });

  it.each([
    { name: 'passes a single failure on', list: [fixed({}, 'a'), fixed({})], error: /^a$/ },
    { name: 'aggregates several failures, de-duplicated', list: [fixed({}, 'a'), fixed({}, 'b'), fixed({}, 'a')], error: /^\[a, b\]$/ },
  ])('$name', async ({ list, error }) => {
    await expect(unionTokenAuthenticator(list).authenticateToken('t')).rejects.toThrow(error);
  });
});
