/**
 * Statements whose entries are not the type their field declares. A stack file's `workloads`, another
 * language's SDK or an Output can give a list where a string is expected: the document writes it as
 * given, and a one-entry list stands for its entries (`values: [["a", "*"]]` is `["a", "*"]` to IAM),
 * while a check that reads the entry as a string sees the text `"a,*"`. Every entry is refused by
 * field before anything is created; the same statements written with strings are judged as before.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { ConfigError, parseConfig } from "../program/config";
import { IrsaBinding, IrsaBindingArgs, policyStatementsDocument, PolicyStatementArgs, ResolvedPolicyStatement, WorkloadIdentities } from "../components/index";
import { allowedByIdentityPolicy } from "./iamEvaluator";
import { mockAccountId, refusals, registered, settled, uniqueName, valueOf } from "./mocks";
import { lookupWith } from "./stackFiles";

const providerArn = `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E`;
const secretArn = `arn:aws:secretsmanager:us-west-2:${mockAccountId}:secret:payroll-AbCdEf`;
/** Every secret of the account, bounded by a condition on the secrets' `team` tag. */
const everySecret = `arn:aws:secretsmanager:*:${mockAccountId}:secret:*`;

/** A statement reading every secret whose team tag matches `values` (as given, of whatever type). */
function taggedSecrets(values: unknown): PolicyStatementArgs {
    return { actions: ["secretsmanager:GetSecretValue"], resources: [everySecret], conditions: [{ test: "StringLike", variable: "aws:ResourceTag/team", values: values as string[] }] };
}

function irsaArgs(statements: unknown[]): IrsaBindingArgs {
    return { oidcProviderArn: providerArn, namespace: "apps", serviceAccountName: "api", serviceAccountMode: "none", policyStatements: statements as PolicyStatementArgs[] };
}

/** The problems of the dev stack with eks-irsa:workloads set to these entries. */
function stackProblems(entries: unknown): string[] {
    try {
        parseConfig(lookupWith("dev", { workloads: JSON.stringify(entries) }));
    } catch (error) {
        return (error as ConfigError).problems;
    }
    return [];
}

describe("statement entries of another type than declared", () => {
    it("a condition value given as a list inside the list bounds nothing (the evaluator reads the payroll team's secret), and is refused by field; a tag value that names the team stays allowed", async () => {
        // What the binding would write: the one-entry list stands for its entries, so "*" matches any team.
        const written = policyStatementsDocument([taggedSecrets([["apps", "*"]]) as unknown as ResolvedPolicyStatement]);
        const asPayroll = { action: "secretsmanager:GetSecretValue", resource: secretArn, context: { "aws:ResourceTag/team": "payroll" } };
        assert.equal(await allowedByIdentityPolicy(written, asPayroll), true);
        const named = policyStatementsDocument([taggedSecrets(["apps"]) as unknown as ResolvedPolicyStatement]);
        assert.equal(await allowedByIdentityPolicy(named, asPayroll), false);
        assert.equal(await allowedByIdentityPolicy(named, { ...asPayroll, context: { "aws:ResourceTag/team": "apps" } }), true);

        const check = refusals("eks-irsa:index:IrsaBinding");
        check.assertRefused((name) => new IrsaBinding(name, irsaArgs([taggedSecrets([["apps", "*"]])])), /^policyStatements\[0\]\.conditions\[0\]\.values\[0\] \["apps","\*"\] is invalid: expected a string/);
        // The sibling spellings of the same confusion: an action or a resource given as a list, a number, null.
        check.assertRefused(
            (name) => new IrsaBinding(name, irsaArgs([{ actions: ["secretsmanager:GetSecretValue"], resources: [[secretArn, "*"]] }])),
            /^policyStatements\[0\]\.resources\[0\] .* is invalid: expected a string/,
        );
        check.assertRefused((name) => new IrsaBinding(name, irsaArgs([{ actions: [["iam:*"]], resources: [secretArn] }])), /^policyStatements\[0\]\.actions\[0\] \["iam:\*"\] is invalid: expected a string/);
        check.assertRefused((name) => new IrsaBinding(name, irsaArgs([{ actions: null, resources: [secretArn] }])), /^policyStatements\[0\]\.actions null is invalid: expected a list of strings/);
        check.assertRefused((name) => new IrsaBinding(name, irsaArgs([{ ...taggedSecrets(["apps"]), conditions: [null] }])), /^policyStatements\[0\]\.conditions\[0\] null is invalid: expected a condition/);
        check.assertRefused((name) => new IrsaBinding(name, irsaArgs([taggedSecrets("apps")])), /^policyStatements\[0\]\.conditions\[0\]\.values "apps" is invalid: expected a list of strings/);
        check.assertRefused(
            (name) => new IrsaBinding(name, irsaArgs([{ ...taggedSecrets(["apps"]), conditions: [{ test: ["StringLike"], variable: "aws:ResourceTag/team", values: ["apps"] }] }])),
            /^policyStatements\[0\]\.conditions\[0\]\.test \["StringLike"\] is invalid: expected a string/,
        );
        // Even with the opt-in: the opt-in grants breadth on purpose, not a statement the checks read otherwise than IAM.
        check.assertRefused((name) => new IrsaBinding(name, { ...irsaArgs([taggedSecrets([["apps", "*"]])]), allowBroadPermissions: true }), /conditions\[0\]\.values\[0\] .* is invalid: expected a string/);
        await check.assertNoChildRegistered();

        // The near miss: the same statement with the team named as a string.
        const allowed = new IrsaBinding(uniqueName("types"), irsaArgs([taggedSecrets(["apps"])]));
        await valueOf(allowed.roleArn);
    });

    it("a condition value of an Output that resolves to a list is refused once known, and no role is created", async () => {
        const name = uniqueName("types");
        const binding = new IrsaBinding(name, irsaArgs([taggedSecrets([pulumi.output(["apps", "*"])])]));
        await assert.rejects(valueOf(binding.namespace), /policyStatements\[0\]\.conditions\[0\]\.values\[0\] \["apps","\*"\] is invalid: expected a string/);
        await settled();
        assert.deepEqual(registered.filter((resource) => resource.name.startsWith(name) && resource.type === "aws:iam/role:Role"), []);
        // The near miss: an Output of the team's name.
        const allowed = new IrsaBinding(uniqueName("types"), irsaArgs([taggedSecrets([pulumi.output("apps")])]));
        assert.equal(await valueOf(allowed.namespace), "apps");
    });

    it("a stack's workloads entry and a fleet's defaults are refused by index and field; a quoted number stays allowed", () => {
        const workload = (conditionValues: unknown): Record<string, unknown> => ({ name: "api", namespace: "apps", serviceAccountName: "api", policyStatements: [taggedSecrets(conditionValues)] });
        assert.match(stackProblems([workload([["apps", "*"]])]).join("\n"), /^eks-irsa:workloads\[0\] \(api\): policyStatements\[0\]\.conditions\[0\]\.values\[0\] \["apps","\*"\] is invalid: expected a string/);
        // A YAML number where IAM's condition values are strings: refused, with how to write it.
        const numeric = { name: "api", namespace: "apps", serviceAccountName: "api", policyStatements: [{ actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::reports"], conditions: [{ test: "NumericLessThanEquals", variable: "s3:max-keys", values: [10] }] }] };
        assert.match(stackProblems([numeric]).join("\n"), /policyStatements\[0\]\.conditions\[0\]\.values\[0\] 10 is invalid: expected a string.*quote a number/);
        assert.deepEqual(stackProblems([{ ...numeric, policyStatements: [{ ...numeric.policyStatements[0], conditions: [{ ...numeric.policyStatements[0].conditions[0], values: ["10"] }] }] }]), []);
        assert.deepEqual(stackProblems([workload(["apps"])]), []);

        const fleet = refusals("eks-irsa:index:WorkloadIdentities");
        fleet.assertRefused(
            (name) =>
                new WorkloadIdentities(name, {
                    clusters: [{ name: "east", oidcProviderArn: providerArn }],
                    defaults: { namespace: "apps", policyStatements: [taggedSecrets([["apps", "*"]])] },
                    workloads: [{ name: "api", serviceAccountName: "api", serviceAccountMode: "none" }],
                }),
            /^workloads\[0\] \(api\): policyStatements\[0\]\.conditions\[0\]\.values\[0\] .* is invalid: expected a string/,
        );
    });
});
