import * as assert from "node:assert/strict";

import { PackageSchema, packageSchema, PropertySchema } from "./packageSchema";

/** A property's type in short: `string`, `string[]`, `map<string>`, or the last part of a `$ref`. */
function typeOf(property: PropertySchema): string {
    if (property.$ref) {
        return property.$ref.replace(/^.*[:/]/, "").replace(/%2F/g, "/");
    }
    if (property.type === "array" && property.items) {
        return `${typeOf(property.items)}[]`;
    }
    if (property.type === "object" && property.additionalProperties) {
        return `map<${typeOf(property.additionalProperties)}>`;
    }
    return property.type ?? "?";
}

/** Each property as `name: type` with `?` where optional, sorted. */
function signature(properties: Record<string, PropertySchema>, required: string[]): string[] {
    return Object.entries(properties)
        .map(([name, property]) => `${name}${required.includes(name) ? "" : "?"}: ${typeOf(property)}`)
        .sort();
}

const sharedInputs = [
    "additionalServiceAccounts?: ServiceAccountSubject[]",
    "addon?: AddonArgs",
    "eksAddon?: EksAddonArgs",
    "allowBroadPermissions?: boolean",
    "allowServiceAccountPatterns?: boolean",
    "description?: string",
    "maxSessionDurationSeconds?: number",
    "namespace?: string",
    "permissionsBoundaryArn?: string",
    "policyArns?: string[]",
    "policyStatements?: PolicyStatementArgs[]",
    "reader?: ReaderArgs",
    "restartDeploymentNames?: string[]",
    "roleArn?: string",
    "roleName?: string",
    "roleNamePrefix?: string",
    "rolePath?: string",
    "s3Read?: S3ReadArgs",
    "serviceAccountMode?: string",
    "serviceAccountName?: string",
    "tags?: map<string>",
];

const sharedOutputs = [
    "deployment?: Deployment",
    "eksAddon?: Addon",
    "namespace: string",
    "requiredTrustStatements?: string",
    "role: Role",
    "roleArn: string",
    "roleName: string",
    "serviceAccount?: ServiceAccount",
    "serviceAccountAnnotations: map<string>",
    "serviceAccountName: string",
    "serviceAccountPatch?: ServiceAccountPatch",
    "trustPolicy: string",
];

describe("the package schema other Pulumi languages see", function () {
    // Deriving the schema compiles the package's TypeScript, which takes seconds.
    this.timeout(60000);
    let schema: PackageSchema;

    before(async () => {
        schema = await packageSchema();
    });

    it("is package eks-irsa with the two bindings and the fleet", () => {
        assert.equal(schema.name, "eks-irsa");
        assert.deepEqual(Object.keys(schema.resources).sort(), ["eks-irsa:index:IrsaBinding", "eks-irsa:index:PodIdentityBinding", "eks-irsa:index:WorkloadIdentities"]);
        assert.ok(schema.resources["eks-irsa:index:IrsaBinding"].isComponent);
        assert.deepEqual(schema.dependencies.map((dependency) => dependency.name).sort(), ["aws", "kubernetes"]);
    });

    it("gives IrsaBinding every input with its type and whether it is required", () => {
        const resource = schema.resources["eks-irsa:index:IrsaBinding"];
        assert.deepEqual(
            signature(resource.inputProperties, resource.requiredInputs),
            [
                ...sharedInputs,
                "additionalOidcProviderArns?: string[]",
                "audience?: string",
                "oidcProviderArn: string",
                "transitionalPodIdentityClusterName?: string",
                "trustPolicyLengthLimit?: number",
            ].sort(),
        );
    });

    it("gives PodIdentityBinding the same inputs, with its clusters and target role in place of the OIDC ones", () => {
        const resource = schema.resources["eks-irsa:index:PodIdentityBinding"];
        assert.deepEqual(
            signature(resource.inputProperties, resource.requiredInputs),
            [
                ...sharedInputs,
                "additionalClusterNames?: string[]",
                "additionalClusters?: PodIdentityClusterArgs[]",
                "clusterName: string",
                "clusterRegion?: string",
                "disableSessionTags?: boolean",
                "sessionPolicyStatements?: PolicyStatementArgs[]",
                "targetRoleArn?: string",
                "transitionalOidcProviderArn?: string",
                "trustPolicyLengthLimit?: number",
            ].sort(),
        );
    });

    it("describes the nested argument types", () => {
        const s3Read = schema.types["eks-irsa:index:S3ReadArgs"];
        assert.deepEqual(signature(s3Read.properties, s3Read.required ?? []), ["bucketArns: string[]", "keyPrefixes?: string[]", "kmsKeyArns?: string[]"]);
        const subject = schema.types["eks-irsa:index:ServiceAccountSubject"];
        assert.deepEqual(signature(subject.properties, subject.required ?? []), ["namespace: string", "serviceAccountName: string"]);
        const statement = schema.types["eks-irsa:index:PolicyStatementArgs"];
        assert.deepEqual(signature(statement.properties, statement.required ?? []), ["actions: string[]", "conditions?: PolicyConditionArgs[]", "resources: string[]"]);
        const condition = schema.types["eks-irsa:index:PolicyConditionArgs"];
        assert.deepEqual(signature(condition.properties, condition.required ?? []), ["test: string", "values: string[]", "variable: string"]);
        const reader = schema.types["eks-irsa:index:ReaderArgs"];
        assert.deepEqual(signature(reader.properties, reader.required ?? []), [
            "enabled?: boolean",
            "image?: string",
            "intervalSeconds?: number",
            "name?: string",
            "replicas?: number",
        ]);
    });

    it("gives both components their outputs, resources as references to the AWS and Kubernetes schemas", () => {
        const irsa = schema.resources["eks-irsa:index:IrsaBinding"];
        assert.deepEqual(signature(irsa.properties, irsa.required), sharedOutputs);
        const podIdentity = schema.resources["eks-irsa:index:PodIdentityBinding"];
        assert.deepEqual(
            signature(podIdentity.properties, podIdentity.required),
            [...sharedOutputs, "association?: PodIdentityAssociation", "associations: PodIdentityAssociation[]", "targetRoleTrustPolicy?: string"].sort(),
        );
        assert.match(irsa.properties.role.$ref ?? "", /^\/aws\/v7\.[\d.]+\/schema\.json#\/resources\/aws:iam%2Frole:Role$/);
    });

    it("carries the doc comments as descriptions", () => {
        const inputs = schema.resources["eks-irsa:index:IrsaBinding"].inputProperties;
        for (const [name, property] of Object.entries(inputs)) {
            assert.ok((property.description ?? "").length > 10, `${name} has no description`);
        }
        assert.match(inputs.oidcProviderArn.description ?? "", /OIDC provider/);
    });

    it("gives WorkloadIdentities its fleet as data every language can write, a kubeconfig per cluster rather than a provider", () => {
        const fleet = schema.resources["eks-irsa:index:WorkloadIdentities"];
        assert.ok(fleet.isComponent);
        assert.deepEqual(signature(fleet.inputProperties, fleet.requiredInputs), [
            "clusters: FleetClusterArgs[]",
            "defaults?: WorkloadDefaultsArgs",
            "roleNamePrefix?: string",
            "trustPolicyLengthLimit?: number",
            "workloads: FleetWorkloadArgs[]",
        ]);
        const cluster = schema.types["eks-irsa:index:FleetClusterArgs"];
        assert.deepEqual(signature(cluster.properties, cluster.required ?? []), [
            "kubeconfig?: string",
            "name: string",
            "oidcProviderArn?: string",
            "podIdentityClusterName?: string",
            "region?: string",
        ]);
        const workload = schema.types["eks-irsa:index:FleetWorkloadArgs"];
        const workloadFields = [
            "additionalServiceAccounts?: ServiceAccountSubject[]",
            "addon?: AddonArgs",
            "allowBroadPermissions?: boolean",
            "clusters?: string[]",
            "description?: string",
            "namespace?: string",
            "policyArns?: string[]",
            "policyStatements?: PolicyStatementArgs[]",
            "roleArn?: string",
            "s3Read?: S3ReadArgs",
            "serviceAccountMode?: string",
            "serviceAccountName?: string",
            "tags?: map<string>",
        ];
        assert.deepEqual(signature(workload.properties, workload.required ?? []), [...workloadFields, "name: string"].sort());
        const defaults = schema.types["eks-irsa:index:WorkloadDefaultsArgs"];
        assert.deepEqual(signature(defaults.properties, defaults.required ?? []), workloadFields);
        assert.deepEqual(signature(fleet.properties, fleet.required), ["identities: map<map<WorkloadClusterIdentity>>", "summary: FleetSummary"]);
        const identity = schema.types["eks-irsa:index:WorkloadClusterIdentity"];
        assert.deepEqual(signature(identity.properties, identity.required ?? []), [
            "associationIds: string[]",
            "mechanism: string",
            "roleArn: string",
            "roleName: string",
            "serviceAccountAnnotations: map<string>",
        ]);
        const summary = schema.types["eks-irsa:index:FleetSummary"];
        assert.deepEqual(signature(summary.properties, summary.required ?? []), ["oidcProviderQuota: number", "oidcProvidersNamed: number", "roles: FleetRoleSummary[]", "rolesCreated: number"]);
        for (const [propertyName, property] of Object.entries({ ...fleet.inputProperties, ...cluster.properties, ...workload.properties })) {
            assert.ok((property.description ?? "").length > 10, `${propertyName} has no description`);
        }
    });
});
