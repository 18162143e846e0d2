/**
 * The wiring both bindings share: the role with its permissions, the ServiceAccount and the reader.
 * The bindings differ only in who the role trusts and how pods find it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { BindingArgs, BindingShape, broadPolicyArnAllowed, defaultReaderName, policyArnFieldOf } from "./bindingArgs";
import { BindingPlan, s3ReadPolicyName, statementsPolicyName } from "./bindingPlan";
import { judgedCustomerPolicies } from "./customerPolicies";
import { Eventually, select, selectWith } from "./eventually";
import { defaultReaderImage, defaultReaderIntervalSeconds, defaultReaderReplicas, identityHashAnnotation, readerDeployment } from "./reader";
import { createServiceAccountObjects, ServiceAccountObjects } from "./serviceAccount";
import { PolicyDocument } from "./policy";
import { accountOfArn, checkRoleArn, partitionOfArn, roleNameOfArn } from "./validation";

/** A binding's role and the resources that grant its permissions. */
export interface BindingRole {
    role: aws.iam.Role;
    /** The role's ARN: the created role's, or `roleArn` as given. */
    roleArn: pulumi.Output<string>;
    /** The role's name. */
    roleName: pulumi.Output<string>;
    /** The role, which carries the inline policies, and the attachments: pods must not start before they exist. */
    permissions: pulumi.Resource[];
}

/** Creates a binding's role with the trust policy (JSON) and the plan's permissions. */
export function createBindingRole(
    parent: pulumi.Resource,
    name: string,
    args: BindingArgs,
    plan: Eventually<BindingPlan>,
    trustPolicy: pulumi.Input<string>,
    options: { statementsPolicy: boolean; shape: BindingShape },
): BindingRole {
    const opts = { parent };
    if (args.roleArn !== undefined) {
        // A role the binding did not create: read, never changed. Reading it fails the preview when it does not exist.
        const roleArn = pulumi.output(args.roleArn);
        const roleName = roleArn.apply(roleNameOfArn);
        const role = aws.iam.Role.get(name, roleName, undefined, opts);
        return { role, roleArn, roleName, permissions: [] };
    }
    const inlinePolicies: { name: string; policy: pulumi.Input<string> }[] = [];
    if (args.s3Read !== undefined) {
        inlinePolicies.push({ name: s3ReadPolicyName, policy: select(plan, (known) => known.s3ReadPolicy!) });
    }
    if (options.statementsPolicy) {
        inlinePolicies.push({ name: statementsPolicyName, policy: select(plan, (known) => known.statementsPolicy!) });
    }
    const policyArns = (args.policyArns ?? []).map((_, index) => select(plan, (known) => known.policyArns[index]));
    // The role waits for the customer-managed policies' judgement, so a refused one creates nothing.
    const customerPolicies = judgedCustomerPolicies(parent, policyArns, broadPolicyArnAllowed(options.shape), policyArnFieldOf(options.shape.addon));
    const role = new aws.iam.Role(
        name,
        {
            name: args.roleName,
            namePrefix: args.roleNamePrefix,
            path: args.rolePath ?? "/",
            description: args.description ?? select(plan, (known) => known.description),
            assumeRolePolicy: customerPolicies === undefined ? trustPolicy : pulumi.all([trustPolicy, customerPolicies]).apply(([policy]) => policy),
            // The role's inline policies are these and no others: one added out of band is removed on the next update
            // (an empty block says "none"). Carried by the role itself, they cost no resource of their own.
            inlinePolicies: inlinePolicies.length > 0 ? inlinePolicies : [{}],
            permissionsBoundary: args.permissionsBoundaryArn === undefined ? undefined : select(plan, (known) => known.permissionsBoundaryArn),
            maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
            tags: args.tags,
        },
        opts,
    );
    const attachments = policyArns.map((policyArn, index) => new aws.iam.RolePolicyAttachment(`${name}-policy-${index}`, { role: role.name, policyArn }, opts));
    return { role, roleArn: role.arn, roleName: role.name, permissions: [role, ...attachments] };
}

/** The statements of a policy (JSON), as a JSON list: what the owner of an existing role adds to its trust. */
export function statementsOfPolicy(policy: string): string {
    return JSON.stringify((JSON.parse(policy) as PolicyDocument).Statement);
}

/** The problem of an existing role outside the account and partition of what it must trust, if it is. */
export function checkExistingRoleAccount(roleArn: string | undefined, trusted: { partition: string; accountId: string }, what: string, why: string): string | undefined {
    if (roleArn === undefined) {
        return undefined;
    }
    return checkRoleArn("roleArn", roleArn) ??
        (partitionOfArn(roleArn) === trusted.partition && accountOfArn(roleArn) === trusted.accountId
            ? undefined
            : `roleArn ${JSON.stringify(roleArn)} is invalid: it is not in the account of ${what} (${trusted.partition}, ${trusted.accountId}); ${why}`);
}

/** A binding's Kubernetes objects. */
export interface BindingPods extends ServiceAccountObjects {
    /** Undefined when the reader is off. */
    deployment: k8s.apps.v1.Deployment | undefined;
    /** The patches that restart `restartDeploymentNames` when the identity changes. */
    restartPatches: k8s.apps.v1.DeploymentPatch[];
}

/**
 * Creates the ServiceAccount (as the mode says) and, unless it is off, the reader, whose pods start
 * only once everything in `dependsOn` exists: before the role can do what they ask, their first
 * reads are refused. The pods carry `identityHash`, so they restart when it changes.
 */
export function createBindingPods(
    parent: pulumi.Resource,
    name: string,
    args: BindingArgs,
    shape: BindingShape,
    plan: Eventually<BindingPlan>,
    pods: {
        annotations: { [key: string]: pulumi.Input<string> };
        /** The region of the cluster, for the reader's SDK; undefined when not known. */
        region: pulumi.Input<string | undefined>;
        /** The `identityHash` of what the pods' credentials depend on; asked for only where some pods carry it. */
        identityHash: () => pulumi.Output<string>;
        dependsOn: pulumi.Resource[];
    },
): BindingPods {
    const namespace = select(plan, (known) => known.namespace);
    const objects = createServiceAccountObjects(parent, name, shape.mode, {
        namespace,
        name: select(plan, (known) => known.serviceAccountName),
        annotations: pods.annotations,
    });
    const restartNames = args.restartDeploymentNames ?? [];
    const hash = shape.readerEnabled || restartNames.length > 0 ? pods.identityHash() : undefined;
    const restartPatches = restartNames.map(
        (deploymentName) =>
            new k8s.apps.v1.DeploymentPatch(
                `${name}-restart-${deploymentName}`,
                { metadata: { name: deploymentName, namespace }, spec: { template: { metadata: { annotations: { [identityHashAnnotation]: hash! } } } } },
                { parent, dependsOn: pods.dependsOn },
            ),
    );
    if (!shape.readerEnabled || hash === undefined) {
        return { ...objects, deployment: undefined, restartPatches };
    }
    // Chained rather than pulumi.all, which walks its arguments and captures a stack each time.
    const hashAndRegion = hash.apply((knownHash) => pulumi.output(pods.region).apply((region) => ({ knownHash, region })));
    const manifest = selectWith(plan, hashAndRegion, (known, { knownHash, region }) =>
        readerDeployment({
            name: args.reader?.name ?? defaultReaderName(known.serviceAccountName),
            namespace: known.namespace,
            serviceAccountName: known.serviceAccountName,
            image: args.reader?.image ?? defaultReaderImage,
            replicas: args.reader?.replicas ?? defaultReaderReplicas,
            intervalSeconds: args.reader?.intervalSeconds ?? defaultReaderIntervalSeconds,
            region,
            locations: known.readLocations,
            identityHash: knownHash,
        }),
    );
    const serviceAccountObject = objects.serviceAccount ?? objects.serviceAccountPatch;
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-reader`,
        { metadata: manifest.metadata, spec: manifest.spec },
        { parent, dependsOn: [...(serviceAccountObject ? [serviceAccountObject] : []), ...pods.dependsOn] },
    );
    return { ...objects, deployment, restartPatches };
}
