import { describe, expect, it } from 'vitest';
import { newRequestInfo, parseRequestTarget } from '../apimachinery/request-info.js';
import { subjectAccessReviewSpec, type SubjectAccessReviewSpec } from './subject-access-review-spec.js';
import type { UserInfo } from './user-info.js';

const G = 'federation.example.io';
const alice: UserInfo = {
  name: 'alice',
  uid: 'u-1',
  groups: ['dev', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/credential-id': ['JTI=1'] },
};

function spec(method: string, target: string, user: UserInfo | undefined = alice, selectors?: boolean): SubjectAccessReviewSpec {
  const { path, query } = parseRequestTarget(target);
  return subjectAccessReviewSpec(newRequestInfo({ method, path, query }), user, selectors === undefined ? {} : { selectors });
}

const userFields = { user: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': ['JTI=1'] } };

describe('subjectAccessReviewSpec', () => {
  it.each<{ name: string; method: string; target: string; want: SubjectAccessReviewSpec['resourceAttributes'] }>([
    {
      name: 'describes a namespaced get',
      method: 'GET',
      target: `/apis/${G}/v1alpha1/namespaces/ns1/federateddeployments/x`,
      want: { namespace: 'ns1', verb: 'get', group: G, version: 'v1alpha1', resource: 'federateddeployments', name: 'x' },
    },
    {
      name: 'leaves out the namespace and name of a cluster-wide list',
      method: 'GET',
      target: `/apis/${G}/v1alpha1/federateddeployments`,
      want: { verb: 'list', group: G, version: 'v1alpha1', resource: 'federateddeployments' },
    },
    {
      name: 'names the subresource of a status update',
      method: 'PUT',
      target: `/apis/${G}/v1alpha1/namespaces/ns1/federateddeployments/x/status`,
      want: { namespace: 'ns1', verb: 'update', group: G, version: 'v1alpha1', resource: 'federateddeployments', subresource: 'status', name: 'x' },
    },
    {
      name: 'leaves out the empty group of the core API',
      method: 'DELETE',
      target: '/api/v1/namespaces/ns1/configmaps',
      want: { namespace: 'ns1', verb: 'deletecollection', version: 'v1', resource: 'configmaps' },
    },
    {
      name: 'sends the name and field requirement of a single-object watch',
      method: 'GET',
      target: `/apis/${G}/v1alpha1/namespaces/ns1/federateddeployments?watch=1&fieldSelector=metadata.name%3Dx`,
      want: {
        namespace: 'ns1', verb: 'watch', group: G, version: 'v1alpha1', resource: 'federateddeployments', name: 'x',
        fieldSelector: { requirements: [{ key: 'metadata.name', operator: 'In', values: ['x'] }] },
      },
    },
    {
      name: 'maps field operators to In and NotIn in sorted term order',
      method: 'GET',
      target: '/apis/g/v/things?fieldSelector=status.phase!%3DDone,metadata.namespace%3D%3Da',
      want: {
        verb: 'list', group: 'g', version: 'v', resource: 'things',
        fieldSelector: {
          requirements: [
            { key: 'metadata.namespace', operator: 'In', values: ['a'] },
            { key: 'status.phase', operator: 'NotIn', values: ['Done'] },
          ],
        },
      },
    },
    {
      name: 'maps label operators and drops the ones SAR cannot express',
      method: 'GET',
      target: '/apis/g/v/things?labelSelector=env+in+(a,b),!legacy,tier,x!%3Dy,n>3',
      want: {
        verb: 'list', group: 'g', version: 'v', resource: 'things',
        labelSelector: {
          requirements: [
            { key: 'env', operator: 'In', values: ['a', 'b'] },
            { key: 'legacy', operator: 'DoesNotExist' },
            { key: 'tier', operator: 'Exists' },
            { key: 'x', operator: 'NotIn', values: ['y'] },
          ],
        },
      },
    },
    {
      name: 'leaves out a label selector whose only requirement cannot be expressed',
      method: 'GET',
      target: '/apis/g/v/things?labelSelector=n>3',
      want: { verb: 'list', group: 'g', version: 'v', resource: 'things' },
    },
    {
      name: 'leaves out a selector that does not parse',
      method: 'GET',
      target: '/apis/g/v/things?labelSelector=a+in+(&fieldSelector=nonsense',
      want: { verb: 'list', group: 'g', version: 'v', resource: 'things' },
    },
  ])('$name', ({ method, target, want }) => {
    expect(spec(method, target)).toStrictEqual({ resourceAttributes: want, ...userFields });
  });

  it('can leave selector requirements out', () => {
    const out = spec('GET', '/apis/g/v/things?labelSelector=a%3Db&fieldSelector=metadata.name%3Dx', alice, false);
    expect(out.resourceAttributes).toStrictEqual({ verb: 'list', group: 'g', version: 'v', resource: 'things', name: 'x' });
  });

  it('describes a non-resource request by path and lower-cased method', () => {
    expect(spec('GET', `/apis/${G}/v1alpha1`)).toStrictEqual({ nonResourceAttributes: { path: `/apis/${G}/v1alpha1`, verb: 'get' }, ...userFields });
  });

  it('leaves out empty user fields, as the aggregator discovery user has none', () => {
    const out = spec('GET', '/openapi/v2', { name: 'system:aggregator', groups: [], extra: {} });
    expect(out).toStrictEqual({ nonResourceAttributes: { path: '/openapi/v2', verb: 'get' }, user: 'system:aggregator' });
  });

  it('sends no user fields without a user', () => {
    const info = newRequestInfo({ method: 'GET', path: '/healthz' });
    expect(subjectAccessReviewSpec(info, undefined)).toStrictEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' } });
  });

  it('copies the user lists so later changes do not leak into the spec', () => {
    const user: UserInfo = { name: 'a', groups: ['g'], extra: { k: ['v'] } };
    const out = spec('GET', '/healthz', user);
    user.groups.push('h');
    user.extra.k!.push('w');
    expect(out).toStrictEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'a', groups: ['g'], extra: { k: ['v'] } });
  });
});
