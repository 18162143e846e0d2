/**
 * Permissions given as typed statements, in the shape of `aws.iam.getPolicyDocument`: always
 * `Allow`, so a binding only ever adds what its workload needs.
 */
import type * as pulumi from "@pulumi/pulumi";

import { PolicyConditions, PolicyDocument, PolicyStatement } from "./policy";

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

/** A condition with its values known. */
export interface ResolvedPolicyCondition {
    test: string;
    variable: string;
    values: string[];
}

/** A statement with its resources and condition values known. */
export interface ResolvedPolicyStatement {
    actions: string[];
    resources: string[];
    conditions: ResolvedPolicyCondition[];
}

/** The IAM statement of a typed one: `Allow`, its conditions grouped by operator as IAM writes them. */
export function policyStatementOf(statement: ResolvedPolicyStatement, sid?: string): PolicyStatement {
    const condition: PolicyConditions = {};
    for (const { test, variable, values } of statement.conditions) {
        const operator = (condition[test] ??= {});
        const existing = operator[variable];
        // Two conditions on one key under one operator must both hold; IAM can only say "any of", so they are refused by validation.
        operator[variable] = existing === undefined ? (values.length === 1 ? values[0] : values) : [existing, values].flat();
    }
    return {
        ...(sid !== undefined && { Sid: sid }),
        Effect: "Allow",
        Action: statement.actions.length === 1 ? statement.actions[0] : statement.actions,
        Resource: statement.resources.length === 1 ? statement.resources[0] : statement.resources,
        ...(statement.conditions.length > 0 && { Condition: condition }),
    };
}

/** The inline policy of typed statements, each statement numbered (`Statement0`, `Statement1`, ...). */
export function policyStatementsDocument(statements: ResolvedPolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements.map((statement, index) => policyStatementOf(statement, `Statement${index}`)) };
}
