/**
 * Permissions given as typed statements, in the shape of `aws.iam.getPolicyDocument`: always
 * `Allow`, so a binding only ever adds what its workload needs.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A condition of a policy statement, as `aws.iam.getPolicyDocument` writes it. */
export interface PolicyConditionArgs {
    /** The condition operator, such as `StringEquals`, `StringLike` or `ArnLike`. */
    test: string;
    /** The condition key, such as `aws:ResourceTag/eks:cluster-name`. */
    variable: string;
    /** The values the key is compared with; at least one. */
    values: pulumi.Input<string>[];
}

/** An `Allow` statement of the role's inline policy. */
export interface PolicyStatementArgs {
    /** Actions of the form `service:Action` (`route53:ChangeResourceRecordSets`); at least one. */
    actions: string[];
    /** ARNs of the resources the actions apply to; at least one. */
    resources: pulumi.Input<string>[];
    /**
     * Conditions that must all hold.
     * @default []
     */
    conditions?: PolicyConditionArgs[];
}
