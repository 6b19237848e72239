import { describe, expect, it } from 'vitest';
import { forbidden, invalid, newPath, required } from './field-errors.js';
import {
  fromStatus,
  isStatusError,
  newAlreadyExists,
  newApplyConflict,
  newBadRequest,
  newConflict,
  newForbidden,
  newGenerateNameConflict,
  newGone,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotAcceptable,
  newNotAcceptableConversion,
  newNotFound,
  newRequestEntityTooLargeError,
  newResourceExpired,
  newServerTimeout,
  newServiceUnavailable,
  newTimeoutError,
  newTooManyRequests,
  newTooManyRequestsError,
  newUnauthorized,
  newUnsupportedMediaType,
  StatusError,
  type Status,
} from './status-error.js';

const fd = { group: 'federation.example.io', resource: 'federateddeployments' };
const pods = { group: '', resource: 'pods' };
const fdKind = { group: 'federation.example.io', kind: 'FederatedDeployment' };

function failure(code: number, reason: string, message: string, details?: object): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, ...(details ? { details } : {}) } as Status;
}

describe('status error constructors', () => {
  it.each<{ name: string; err: StatusError; want: Status }>([
    {
      name: 'newNotFound names the qualified resource and quotes the name',
      err: newNotFound(fd, 'x'),
      want: failure(404, 'NotFound', 'federateddeployments.federation.example.io "x" not found', { name: 'x', group: 'federation.example.io', kind: 'federateddeployments' }),
    },
    {
      name: 'newNotFound in the core group has no dot and no group detail',
      err: newNotFound(pods, 'x'),
      want: failure(404, 'NotFound', 'pods "x" not found', { name: 'x', kind: 'pods' }),
    },
    {
      name: 'newNotFound with an empty name leaves the name detail out',
      err: newNotFound(fd, ''),
      want: failure(404, 'NotFound', 'federateddeployments.federation.example.io "" not found', { group: 'federation.example.io', kind: 'federateddeployments' }),
    },
    {
      name: 'newAlreadyExists is a 409',
      err: newAlreadyExists(fd, 'x'),
      want: failure(409, 'AlreadyExists', 'federateddeployments.federation.example.io "x" already exists', { name: 'x', group: 'federation.example.io', kind: 'federateddeployments' }),
    },
    {
      name: 'newGenerateNameConflict explains and carries a retry hint',
      err: newGenerateNameConflict(fd, 'web-abcde', 1),
      want: failure(
        409,
        'AlreadyExists',
        'federateddeployments.federation.example.io "web-abcde" already exists, the server was not able to generate a unique name for the object',
        { name: 'web-abcde', group: 'federation.example.io', kind: 'federateddeployments', retryAfterSeconds: 1 },
      ),
    },
    {
      name: 'newConflict prefixes the reason with the object',
      err: newConflict(fd, 'x', new Error('the object has been modified; please apply your changes to the latest version and try again')),
      want: failure(
        409,
        'Conflict',
        'Operation cannot be fulfilled on federateddeployments.federation.example.io "x": the object has been modified; please apply your changes to the latest version and try again',
        { name: 'x', group: 'federation.example.io', kind: 'federateddeployments' },
      ),
    },
    {
      name: 'newApplyConflict carries its causes',
      err: newApplyConflict([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }], 'Apply failed with 1 conflict'),
      want: failure(409, 'Conflict', 'Apply failed with 1 conflict', {
        causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }],
      }),
    },
    {
      name: 'newForbidden with a name quotes it',
      err: newForbidden(fd, 'x', 'User "bob" cannot get resource'),
      want: failure(403, 'Forbidden', 'federateddeployments.federation.example.io "x" is forbidden: User "bob" cannot get resource', {
        name: 'x',
        group: 'federation.example.io',
        kind: 'federateddeployments',
      }),
    },
    {
      name: 'newForbidden without a name speaks of the collection',
      err: newForbidden(fd, '', new Error('nope')),
      want: failure(403, 'Forbidden', 'federateddeployments.federation.example.io is forbidden: nope', { group: 'federation.example.io', kind: 'federateddeployments' }),
    },
    {
      name: 'newForbidden without a resource says only forbidden, with empty details',
      err: newForbidden({ group: '', resource: '' }, '', new Error('nope')),
      want: failure(403, 'Forbidden', 'forbidden: nope', {}),
    },
    { name: 'newUnauthorized defaults its message', err: newUnauthorized(), want: failure(401, 'Unauthorized', 'not authorized') },
    { name: 'newUnauthorized keeps a given reason', err: newUnauthorized('token expired'), want: failure(401, 'Unauthorized', 'token expired') },
    { name: 'newBadRequest keeps free text', err: newBadRequest('bad'), want: failure(400, 'BadRequest', 'bad') },
    {
      name: 'newMethodNotSupported quotes the qualified resource',
      err: newMethodNotSupported(fd, 'watch'),
      want: failure(405, 'MethodNotAllowed', 'watch is not supported on resources of kind "federateddeployments.federation.example.io"', {
        group: 'federation.example.io',
        kind: 'federateddeployments',
      }),
    },
    { name: 'newServiceUnavailable is a 503', err: newServiceUnavailable('member clusters unreachable'), want: failure(503, 'ServiceUnavailable', 'member clusters unreachable') },
    {
      name: 'newServerTimeout puts the operation in the name detail',
      err: newServerTimeout(fd, 'list', 2),
      want: failure(500, 'ServerTimeout', 'The list operation against federateddeployments.federation.example.io could not be completed at this time, please try again.', {
        name: 'list',
        group: 'federation.example.io',
        kind: 'federateddeployments',
        retryAfterSeconds: 2,
      }),
    },
    {
      name: 'newTimeoutError prefixes Timeout and carries the retry hint',
      err: newTimeoutError('took too long', 3),
      want: failure(504, 'Timeout', 'Timeout: took too long', { retryAfterSeconds: 3 }),
    },
    {
      name: 'newTooManyRequests keeps its message and retry hint',
      err: newTooManyRequests('slow down', 5),
      want: failure(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 5 }),
    },
    {
      name: 'newTooManyRequests without a retry hint still has empty details',
      err: newTooManyRequests('slow down', 0),
      want: failure(429, 'TooManyRequests', 'slow down', {}),
    },
    { name: 'newTooManyRequestsError prefixes its message', err: newTooManyRequestsError('queue full'), want: failure(429, 'TooManyRequests', 'Too many requests: queue full') },
    {
      name: 'newRequestEntityTooLargeError prefixes its message',
      err: newRequestEntityTooLargeError('limit is 3145728'),
      want: failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
    },
    {
      name: 'newInternalError prefixes the message and keeps the bare error as a cause',
      err: newInternalError(new Error('boom')),
      want: failure(500, 'InternalError', 'Internal error occurred: boom', { causes: [{ message: 'boom' }] }),
    },
    { name: 'newGone is a 410 Gone', err: newGone('gone'), want: failure(410, 'Gone', 'gone') },
    { name: 'newResourceExpired is a 410 Expired', err: newResourceExpired('too old resource version: 1 (5)'), want: failure(410, 'Expired', 'too old resource version: 1 (5)') },
    {
      name: 'newNotAcceptable lists the accepted media types',
      err: newNotAcceptable(['application/json', 'application/yaml']),
      want: failure(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml'),
    },
    {
      name: 'newNotAcceptableConversion names the conversion target',
      err: newNotAcceptableConversion('meta.k8s.io/v1, Kind=Table', ['application/json']),
      want: failure(406, 'NotAcceptable', 'only the following media types are accepted when converting to meta.k8s.io/v1, Kind=Table: application/json'),
    },
    {
      name: 'newUnsupportedMediaType lists the accepted media types',
      err: newUnsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']),
      want: failure(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      ),
    },
  ])('$name', ({ err, want }) => {
    expect(err.status).toEqual(want);
    expect(err.message).toBe(want.message);
    expect(err.code).toBe(want.code);
    expect(err.reason).toBe(want.reason);
  });
});

describe('newInvalid', () => {
  const replicas = invalid(newPath('spec', 'replicas'), -1, 'must be greater than or equal to 0');
  const name = required(newPath('metadata', 'name'), 'name or generateName is required');
  it.each([
    {
      name: 'prints one error bare after the kind and name',
      errs: [replicas],
      message: 'FederatedDeployment.federation.example.io "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    },
    {
      name: 'brackets several errors',
      errs: [replicas, name],
      message:
        'FederatedDeployment.federation.example.io "x" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, metadata.name: Required value: name or generateName is required]',
    },
    {
      name: 'prints a repeated error once but keeps one cause per error',
      errs: [replicas, replicas],
      message: 'FederatedDeployment.federation.example.io "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    },
    { name: 'stops after "is invalid" when there are no errors', errs: [], message: 'FederatedDeployment.federation.example.io "x" is invalid' },
  ])('$name', ({ errs, message }) => {
    const err = newInvalid(fdKind, 'x', errs);
    expect(err.status.code).toBe(422);
    expect(err.status.reason).toBe('Invalid');
    expect(err.status.message).toBe(message);
    const causes = errs.map((e) => ({ reason: e.type, message: e.errorBody(), field: e.field }));
    expect(err.status.details).toEqual({ name: 'x', group: 'federation.example.io', kind: 'FederatedDeployment', ...(causes.length ? { causes } : {}) });
  });

  it('uses the bare Kind for the core group and leaves out an empty name', () => {
    const err = newInvalid({ group: '', kind: 'ConfigMap' }, '', [forbidden(newPath('data'), 'nope')]);
    expect(err.status.message).toBe('ConfigMap "" is invalid: data: Forbidden: nope');
    expect(err.status.details).toEqual({ kind: 'ConfigMap', causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: nope', field: 'data' }] });
  });
});

describe('StatusError', () => {
  it('is an Error that serializes to its Status', () => {
    const err = newNotFound(pods, 'x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('StatusError');
    expect(JSON.parse(JSON.stringify(err))).toEqual(err.status);
  });

  it.each([
    { name: 'recognizes a StatusError', value: newBadRequest('x') as unknown, want: true },
    { name: 'recognizes a wrapped Status', value: fromStatus(failure(418, '', 'teapot')) as unknown, want: true },
    { name: 'rejects a plain Error', value: new Error('x') as unknown, want: false },
    { name: 'rejects a look-alike object that is not an Error', value: { isStatusError: true } as unknown, want: false },
    { name: 'rejects undefined', value: undefined as unknown, want: false },
  ])('$name', ({ value, want }) => {
    expect(isStatusError(value)).toBe(want);
  });
});
