/**
 * What a binding's resources are built from, computed once the shared arguments are known: the role's
 * inline policies (checked together against IAM's limit), its attachments, and the names and places
 * the reader needs. Pure: no resource, no lookup.
 */
import * as pulumi from "@pulumi/pulumi";

import { BindingArgs, BindingShape, checkBindingStatements, checkIfKnown, checkOwnServiceAccount, checkPolicyArns, failOn, firstProblem, KnownSharedInputs, resolvedStatements, sharedInputs } from "./bindingArgs";
import { Eventually, settle } from "./eventually";
import { policyStatementsDocument } from "./permissions";
import { assumeTargetRolePolicy, PolicyDocument, policyLength, s3ReadPolicy } from "./policy";
import { ReadLocation } from "./reader";
import { serviceAccountSubject } from "./subjects";
import { bucketNameOfArn, checkBucketArn, checkKmsKeyArn, checkList, checkManagedPolicyArn, checkNoDuplicates, checkSamePartition } from "./validation";

/** IAM's limit on the inline policies of one role, all together, white space not counted. */
export const inlinePolicyLengthLimit = 10240;

/** The permissions of a binding's role, known: its inline policies and attachments. */
export interface PermissionsPlan {
    /** The S3 read policy; undefined without `s3Read`. */
    s3ReadPolicy: PolicyDocument | undefined;
    /** The policy of `policyStatements` (and the assumption of a cross-account target role); undefined when empty. */
    statementsPolicy: PolicyDocument | undefined;
    policyArns: string[];
    permissionsBoundaryArn: string | undefined;
}

/**
 * Checks the shared arguments once all are known and builds the role's permissions: the S3 read
 * and statements policies, which together must fit IAM's inline limit, and the attachments.
 */
export function planPermissions(
    known: KnownSharedInputs,
    shape: BindingShape,
    options: { s3Read: boolean; targetRoleArn?: string },
): { plan: PermissionsPlan; problem?: string } {
    const statements = resolvedStatements(known.policyStatements);
    const s3Read = options.s3Read ? s3ReadPolicy({ bucketArns: known.bucketArns, keyPrefixes: shape.keyPrefixes, kmsKeyArns: known.kmsKeyArns }) : undefined;
    const statementsPolicy: PolicyDocument | undefined =
        statements.length > 0 || options.targetRoleArn !== undefined
            ? {
                  Version: "2012-10-17",
                  Statement: [
                      ...policyStatementsDocument(statements).Statement,
                      ...(options.targetRoleArn === undefined ? [] : assumeTargetRolePolicy(options.targetRoleArn).Statement),
                  ],
              }
            : undefined;
    const plan: PermissionsPlan = { s3ReadPolicy: s3Read, statementsPolicy, policyArns: known.policyArns, permissionsBoundaryArn: known.permissionsBoundaryArn };
    const inlineLength = (s3Read ? policyLength(s3Read) : 0) + (statementsPolicy ? policyLength(statementsPolicy) : 0);
    const problem = firstProblem(
        () => checkOwnServiceAccount(known),
        () => {
            const own = serviceAccountSubject(known.namespace, known.serviceAccountName);
            const index = shape.additionalServiceAccounts.findIndex((subject) => serviceAccountSubject(subject.namespace, subject.serviceAccountName) === own);
            return index < 0 ? undefined : `additionalServiceAccounts[${index}] ${JSON.stringify(own)} is invalid: it is the binding's own ServiceAccount (namespace and serviceAccountName)`;
        },
        () => (options.s3Read ? checkList("s3Read.bucketArns", known.bucketArns, checkBucketArn, { nonEmpty: true }) : undefined),
        () => checkList("s3Read.kmsKeyArns", known.kmsKeyArns, checkKmsKeyArn, { nonEmpty: false }),
        () => checkPolicyArns(known.policyArns, shape),
        () => checkNoDuplicates("policyArns", known.policyArns),
        () => checkIfKnown("permissionsBoundaryArn", known.permissionsBoundaryArn, checkManagedPolicyArn),
        () => checkBindingStatements(statements, shape),
        () => {
            if (inlineLength <= inlinePolicyLengthLimit) {
                return undefined;
            }
            const sources = [...(s3Read ? ["s3Read"] : []), ...(statementsPolicy ? ["policyStatements"] : [])];
            return (
                `${sources.join(" and ")} ${sources.length > 1 ? "are" : "is"} invalid: the role's inline policies are ${inlineLength} characters (white space not counted), ` +
                `over IAM's limit of ${inlinePolicyLengthLimit} for a role's inline policies; read fewer buckets or prefixes, or whole buckets, merge statements, or attach a managed policy through policyArns`
            );
        },
    );
    return { plan, problem };
}

/**
 * The first resource of another partition than the role's: a role is granted resources of its own
 * partition only. Known only with the role's partition, so apart from the other checks.
 */
export function checkPartitions(known: KnownSharedInputs, partition: string): string | undefined {
    return firstProblem(
        () => checkSamePartition("s3Read.bucketArns", known.bucketArns, partition),
        () => checkSamePartition("s3Read.kmsKeyArns", known.kmsKeyArns, partition),
        () => checkSamePartition("policyArns", known.policyArns, partition),
    );
}

/**
 * Everything a binding's resources are built from but the trust policy, known: it depends on the
 * shared arguments alone, so it is plain whenever they are, whatever the trust waits for.
 */
export interface BindingPlan {
    namespace: string;
    serviceAccountName: string;
    description: string;
    /** The S3 read policy as JSON; undefined without `s3Read`. */
    s3ReadPolicy: string | undefined;
    /** The statements policy as JSON; undefined without statements. */
    statementsPolicy: string | undefined;
    policyArns: string[];
    permissionsBoundaryArn: string | undefined;
    readLocations: ReadLocation[];
}

/** The plan of a binding from its checked permissions. */
export function bindingPlan(known: KnownSharedInputs, shape: BindingShape, parts: { mechanism: string; permissions: PermissionsPlan }): BindingPlan {
    return {
        namespace: known.namespace,
        serviceAccountName: known.serviceAccountName,
        description: `${parts.mechanism} role of ${serviceAccountSubject(known.namespace, known.serviceAccountName)}`,
        s3ReadPolicy: parts.permissions.s3ReadPolicy && JSON.stringify(parts.permissions.s3ReadPolicy),
        statementsPolicy: parts.permissions.statementsPolicy && JSON.stringify(parts.permissions.statementsPolicy),
        policyArns: parts.permissions.policyArns,
        permissionsBoundaryArn: parts.permissions.permissionsBoundaryArn,
        readLocations: known.bucketArns.flatMap((arn) =>
            (shape.keyPrefixes.length > 0 ? shape.keyPrefixes : [""]).map((prefix) => ({ bucket: bucketNameOfArn(arn), prefix })),
        ),
    };
}

/** The name of the role's inline policy of `s3Read`. */
export const s3ReadPolicyName = "s3-read";
/** The name of the role's inline policy of `policyStatements` (and the target role's assumption). */
export const statementsPolicyName = "statements";

/**
 * Plans a binding's permissions from the shared arguments alone: checked, and plain when they are.
 * Throws (or, for Outputs, fails the resources built from it) with the first problem.
 */
export function settleBindingPlan(
    parent: pulumi.Resource,
    args: BindingArgs,
    shape: BindingShape,
    mechanism: { name: string; targetRoleArn?: pulumi.Input<string> },
): Eventually<BindingPlan> {
    return settle({ shared: sharedInputs(args), targetRoleArn: mechanism.targetRoleArn }, (known) => {
        const permissions = planPermissions(known.shared, shape, { s3Read: args.s3Read !== undefined, targetRoleArn: known.targetRoleArn });
        failOn(parent, permissions.problem);
        return bindingPlan(known.shared, shape, { mechanism: mechanism.name, permissions: permissions.plan });
    });
}
