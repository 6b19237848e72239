import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AGGREGATED_DISCOVERY_V2_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  encodeDiscoveryDocument,
  ifNoneMatchHits,
} from '../../pkg/apimachinery/discovery.js';
import { encodeOpenAPIV2, encodeOpenAPIV3, type EncodedDocument, type EncodedOpenAPIV3 } from '../../pkg/apimachinery/openapi.js';
import type { ApiGroupRegistry } from '../../pkg/registry/api-group-registry.js';
import { fleetApiGroup, fleetGroupDiscovery, fleetResourceList } from '../../api/fleet/v1alpha1/fleet-discovery-documents.js';
import { FLEET_GROUP, FLEET_VERSION } from '../../api/fleet/v1alpha1/well-known.js';

/** Discovery and OpenAPI routes; `register` adds them to the app. */
export interface ApiDocuments {
  register(app: FastifyInstance): void;
}

interface Encoded {
  readonly generation: number;
  readonly groupList: { body: string; etag: string };
  readonly aggregated: { body: string; etag: string };
  readonly group: { body: string; etag: string } | undefined;
  readonly resources: { body: string; etag: string };
  readonly fleetGroup: { body: string; etag: string };
  readonly fleetResources: { body: string; etag: string };
  readonly v2: EncodedDocument;
  readonly v3: EncodedOpenAPIV3;
}

function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((r) => /as=APIGroupDiscoveryList/.test(r) && /g=apidiscovery\.k8s\.io/.test(r) && /v=v2(;|$|\s)/.test(r.replace(/\s/g, '') + ';'));
}

/**
 * Discovery (`/apis`, `/apis/<g>`, `/apis/<g>/<v>`, aggregated v2 with ETag) and OpenAPI (v2, v3 index and
 * per-group-version documents), all derived from the registry's definitions and encoded once per registry change.
 */
export function apiDocuments(registry: ApiGroupRegistry): ApiDocuments {
  let cache: Encoded | undefined;
  const encoded = (): Encoded => {
    if (cache && cache.generation === registry.generation) return cache;
    const defs = registry.definitions();
    const group = apiGroup(defs, registry.group);
    const groups = apiGroupList(defs);
    const aggregated = aggregatedDiscovery(defs);
    // The fleet view's group is served by the same process (its own APIService), outside the registry.
    groups.groups.push(fleetApiGroup);
    aggregated.items.push(fleetGroupDiscovery);
    cache = {
      generation: registry.generation,
      groupList: encodeDiscoveryDocument(groups),
      aggregated: encodeDiscoveryDocument(aggregated),
      fleetGroup: encodeDiscoveryDocument({ kind: 'APIGroup', apiVersion: 'v1', ...fleetApiGroup }),
      fleetResources: encodeDiscoveryDocument(fleetResourceList),
      group: group ? encodeDiscoveryDocument(group) : undefined,
      resources: encodeDiscoveryDocument(apiResourceList(defs, registry.group, registry.version)),
      v2: encodeOpenAPIV2(defs, { info: { title: 'Herd', version: registry.version } }),
      v3: encodeOpenAPIV3(defs, { info: { title: 'Herd', version: registry.version } }),
    };
    return cache;
  };

  const sendDoc = (request: FastifyRequest, reply: FastifyReply, doc: { body: string; etag: string }, type = 'application/json') => {
    reply.header('etag', `"${doc.etag}"`);
    if (ifNoneMatchHits(request.headers['if-none-match'], doc.etag)) return reply.code(304).send();
    return reply.header('content-type', type).send(doc.body);
  };

  return {
    register(app) {
      app.get('/apis', async (request, reply) => {
        const e = encoded();
        if (wantsAggregated(request.headers.accept)) {
          reply.header('vary', 'Accept');
          return sendDoc(request, reply, e.aggregated, AGGREGATED_DISCOVERY_V2_CONTENT_TYPE);
        }
        return sendDoc(request, reply, e.groupList);
      });
      app.get(`/apis/${registry.group}`, async (request, reply) => {
        const e = encoded();
        if (!e.group) return reply.callNotFound();
        return sendDoc(request, reply, e.group);
      });
      app.get(`/apis/${registry.group}/${registry.version}`, async (request, reply) => sendDoc(request, reply, encoded().resources));
      app.get(`/apis/${FLEET_GROUP}`, async (request, reply) => sendDoc(request, reply, encoded().fleetGroup));
      app.get(`/apis/${FLEET_GROUP}/${FLEET_VERSION}`, async (request, reply) => sendDoc(request, reply, encoded().fleetResources));
      app.get('/openapi/v2', async (request, reply) => {
        const v2 = encoded().v2;
        return sendDoc(request, reply, { body: v2.body, etag: v2.hash });
      });
      app.get('/openapi/v3', async (_request, reply) => reply.type('application/json').send(JSON.stringify(encoded().v3.index)));
      app.get('/openapi/v3/apis/:group/:version', async (request, reply) => {
        const { group, version } = request.params as { group: string; version: string };
        const doc = encoded().v3.documents.get(`apis/${group}/${version}`);
        if (!doc) return reply.callNotFound();
        const query = request.query as { hash?: string };
        // A request for the current hash may be cached forever; any other is answered with the current document
        // (never redirected: the aggregator refuses redirects).
        reply.header('cache-control', query.hash === doc.hash ? 'public, immutable' : 'no-cache, private');
        return sendDoc(request, reply, { body: doc.body, etag: doc.hash });
      });
    },
  };
}
