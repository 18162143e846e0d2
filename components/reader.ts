/**
 * The reader workload: a Deployment that proves a binding works by listing its S3 locations in a
 * loop, and reports ready only while its last pass succeeded.
 */
import type * as k8s from "@pulumi/kubernetes";

/** The AWS CLI image the reader runs: `amazonlinux` has no CLI, and a version tag keeps every pod alike. */
export const defaultReaderImage = "public.ecr.aws/aws-cli/aws-cli:2.31.39";
export const defaultReaderReplicas = 1;
export const defaultReaderIntervalSeconds = 60;

/** The numeric user the reader runs as: the `restricted` Pod Security profile refuses root. */
export const readerUserId = 1000;
/** HOME of the reader: an emptyDir, since the root filesystem is read-only and the CLI writes its cache there. */
export const readerHome = "/home/reader";
const readyMarker = '"$HOME/.last-read-succeeded"';
const maxBackoffSeconds = 300;

/** An S3 location the reader lists: a bucket, and a key prefix ("" for the whole bucket). */
export interface ReadLocation {
    bucket: string;
    prefix: string;
}

/** Everything the reader Deployment is built from, all values resolved. */
export interface ReaderSettings {
    name: string;
    namespace: string;
    serviceAccountName: string;
    image: string;
    replicas: number;
    intervalSeconds: number;
    /** The region for the CLI and for STS; omitted when it is not known. */
    region?: string;
    locations: ReadLocation[];
    /**
     * A hash of what the pods' credentials depend on, put on the pod template so that pods restart
     * (and pick up new credentials) whenever it changes; omitted when not known.
     */
    identityHash?: string;
}

/**
 * The reader's loop. It never exits, since a container whose command exits crash-loops and fails
 * `pulumi up`. It lists with s3api rather than `aws s3 ls`, which exits 1 on an empty prefix, and
 * backs off exponentially on failure, since a new role's permissions take a while to reach every
 * IAM endpoint. READ_LOCATIONS holds one `bucket/prefix` a line.
 */
export const readerScript = [
    "set -u",
    "backoff=5",
    "while true; do",
    '  failed=""',
    "  while IFS= read -r location; do",
    '    [ -n "$location" ] || continue',
    '    bucket="${location%%/*}"',
    '    prefix="${location#*/}"',
    '    if keys=$(aws s3api list-objects-v2 --bucket "$bucket" --prefix "$prefix" --max-keys 1000 --no-paginate --query KeyCount --output text); then',
    '      echo "$(date -u +%FT%TZ) listed s3://$bucket/$prefix: $keys keys"',
    "    else",
    '      failed="s3://$bucket/$prefix"',
    "    fi",
    "  done <<LOCATIONS",
    "$READ_LOCATIONS",
    "LOCATIONS",
    '  if [ -z "$failed" ]; then',
    `    touch ${readyMarker}`,
    "    backoff=5",
    '    sleep "$READ_INTERVAL_SECONDS"',
    "  else",
    `    rm -f ${readyMarker}`,
    '    echo "$(date -u +%FT%TZ) cannot list $failed; retrying in ${backoff}s" >&2',
    '    sleep "$backoff"',
    "    backoff=$((backoff * 2))",
    `    if [ "$backoff" -gt ${maxBackoffSeconds} ]; then backoff=${maxBackoffSeconds}; fi`,
    "  fi",
    "done",
    "",
].join("\n");

/** Ready while the last pass over every location succeeded and is no older than three intervals. */
export function readinessCheck(intervalSeconds: number): string {
    const maxAgeSeconds = intervalSeconds * 3 + 60;
    return `test -f ${readyMarker} && [ $(( $(date +%s) - $(stat -c %Y ${readyMarker}) )) -lt ${maxAgeSeconds} ]`;
}

/** The pod template annotation that holds {@link ReaderSettings.identityHash}. */
export const identityHashAnnotation = "eks-irsa/identity-hash";

/** The reader Deployment's metadata and spec. */
export function readerDeployment(settings: ReaderSettings): {
    metadata: k8s.types.input.meta.v1.ObjectMeta;
    spec: k8s.types.input.apps.v1.DeploymentSpec;
} {
    const labels = { "app.kubernetes.io/name": settings.name, "app.kubernetes.io/component": "s3-reader" };
    const regionEnv = settings.region
        ? [
              { name: "AWS_REGION", value: settings.region },
              { name: "AWS_DEFAULT_REGION", value: settings.region },
          ]
        : [];
    return {
        metadata: { name: settings.name, namespace: settings.namespace, labels },
        spec: {
            replicas: settings.replicas,
            selector: { matchLabels: labels },
            // New pods must be ready (a read succeeded) before an old one goes: the reader never stops reading during an update.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
                metadata: { labels, ...(settings.identityHash !== undefined && { annotations: { [identityHashAnnotation]: settings.identityHash } }) },
                spec: {
                    serviceAccountName: settings.serviceAccountName,
                    automountServiceAccountToken: false,
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: readerUserId,
                        runAsGroup: readerUserId,
                        // The projected web identity token is readable by the pod's fsGroup only.
                        fsGroup: readerUserId,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: "reader",
                            image: settings.image,
                            command: ["/bin/sh", "-c", readerScript],
                            env: [
                                { name: "HOME", value: readerHome },
                                ...regionEnv,
                                { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
                                { name: "AWS_PAGER", value: "" },
                                { name: "READ_LOCATIONS", value: settings.locations.map(({ bucket, prefix }) => `${bucket}/${prefix}`).join("\n") },
                                { name: "READ_INTERVAL_SECONDS", value: String(settings.intervalSeconds) },
                            ],
                            readinessProbe: {
                                exec: { command: ["/bin/sh", "-c", readinessCheck(settings.intervalSeconds)] },
                                initialDelaySeconds: 5,
                                periodSeconds: 10,
                                failureThreshold: 3,
                            },
                            resources: {
                                requests: { cpu: "50m", memory: "128Mi" },
                                limits: { memory: "256Mi" },
                            },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            volumeMounts: [
                                { name: "home", mountPath: readerHome },
                                { name: "tmp", mountPath: "/tmp" },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "home", emptyDir: {} },
                        { name: "tmp", emptyDir: {} },
                    ],
                },
            },
        },
    };
}
