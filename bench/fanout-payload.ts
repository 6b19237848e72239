// The objects of the fan-out benchmark: a small Deployment template, the FederatedDeployment that carries it to the
// members through Herd, and the same Deployment as Herd renders it, for the direct creates on the members.

export const FANOUT_NAMESPACE = 'bench';
/** A member's Deployments in the benchmark namespace: direct creates go here, and the watches read from here. */
export const DEPLOYMENTS_PATH = `/apis/apps/v1/namespaces/${FANOUT_NAMESPACE}/deployments`;
/** Herd's FederatedDeployments in the benchmark namespace (standalone Herd needs no Namespace object). */
export const FEDERATED_DEPLOYMENTS_PATH = `/apis/federation.herd.io/v1alpha1/namespaces/${FANOUT_NAMESPACE}/federateddeployments`;

/** Herd's label on every object it writes into a member; its member watches select on `=true`. */
const MANAGED_LABEL = 'federation.herd.io/managed';
const FEDERATED_NAME_ANNOTATION = 'federation.herd.io/federated-name';

/** Label value of the benchmark's Deployments when every object shares one template. */
const SHARED_APP = 'fanout-bench';

/** What a Deployment template holds: labels and the Deployment spec (1 replica, one container). */
export interface DeploymentTemplate {
  readonly metadata: { readonly labels: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

/** Metadata Herd adds when it renders the template for a member: its label and annotations. */
export interface RenderedMetadata {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * The Deployment template: 1 replica, one container with small requests. With `app` unset every object shares one
 * template (so Herd's template dry run, remembered by template hash, runs once); with `app` set to the object's name
 * every template differs.
 */
export function deploymentTemplate(app: string = SHARED_APP): DeploymentTemplate {
  const labels = { app };
  return {
    metadata: { labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'web', image: 'registry.example/web:1.0', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        },
      },
    },
  };
}

/** A FederatedDeployment `bench/<name>` placed on exactly `clusters`, as JSON for a POST to Herd. */
export function federatedDeployment(name: string, clusters: readonly string[], template: DeploymentTemplate): string {
  return JSON.stringify({
    apiVersion: 'federation.herd.io/v1alpha1',
    kind: 'FederatedDeployment',
    metadata: { name, namespace: FANOUT_NAMESPACE },
    spec: { template, placement: { clusters: clusters.map((c) => ({ name: c })) } },
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The label and annotations Herd put on a member copy (as a member watch delivered it). */
export function renderedMetadata(memberObject: unknown): RenderedMetadata {
  const metadata = isRecord(memberObject) && isRecord(memberObject.metadata) ? memberObject.metadata : {};
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  if (labels[MANAGED_LABEL] !== 'true') throw new Error(`the member copy has no ${MANAGED_LABEL}=true label: it was not written by Herd`);
  return { labels, annotations };
}

/**
 * The direct create: the Deployment Herd renders (template, Herd's label and annotations), named `name`. Two values
 * differ: the managed label says `false` rather than `true` (one byte more), so Herd's member watches (`managed=true`)
 * never see the direct objects, and the federated-name annotation names the object itself.
 */
export function directDeployment(name: string, template: DeploymentTemplate, rendered: RenderedMetadata): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: FANOUT_NAMESPACE,
      labels: { ...rendered.labels, ...template.metadata.labels, [MANAGED_LABEL]: 'false' },
      annotations: { ...rendered.annotations, [FEDERATED_NAME_ANNOTATION]: `${FANOUT_NAMESPACE}/${name}` },
    },
    spec: template.spec,
  });
}
