import * as assert from "node:assert/strict";

import { checkedWebIdentityTrustPolicy, policyLength, s3ReadPolicy, serviceAccountSubject, webIdentityTrustPolicy } from "../components/index";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const providerArn = `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
const otherIssuer = "oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
const otherProviderArn = `arn:aws:iam::123456789012:oidc-provider/${otherIssuer}`;
const roleArn = "arn:aws:iam::123456789012:role/reports-reader";

describe("webIdentityTrustPolicy", () => {
    const trust = webIdentityTrustPolicy({
        providers: [{ arn: providerArn, issuer }],
        namespace: "apps",
        serviceAccountName: "reports-reader",
        audience: "sts.amazonaws.com",
    });

    /** Whether a token with these claims, issued through this provider, may assume the role. */
    function assume(claims: { sub?: string; aud?: string }, provider = { arn: providerArn, issuer }): Promise<boolean> {
        const context: Record<string, string> = {};
        if (claims.sub !== undefined) {
            context[`${provider.issuer}:sub`] = claims.sub;
        }
        if (claims.aud !== undefined) {
            context[`${provider.issuer}:aud`] = claims.aud;
        }
        return allowedByTrustPolicy(trust, { principal: provider.arn, action: "sts:AssumeRoleWithWebIdentity", roleArn, context });
    }

    it("lets the bound ServiceAccount's token for sts.amazonaws.com assume the role", async () => {
        assert.equal(await assume({ sub: "system:serviceaccount:apps:reports-reader", aud: "sts.amazonaws.com" }), true);
    });

    it("refuses another ServiceAccount, the same name elsewhere, and names that extend the bound one", async () => {
        for (const sub of [
            "system:serviceaccount:apps:default",
            "system:serviceaccount:other:reports-reader",
            "system:serviceaccount:apps:reports-reader-2",
            "system:serviceaccount:apps:reports-reader:extra",
            "system:serviceaccount:apps-2:reports-reader",
            "system:serviceaccount:apps:*",
        ]) {
            assert.equal(await assume({ sub, aud: "sts.amazonaws.com" }), false, sub);
        }
    });

    it("refuses a token without an audience or for another one", async () => {
        assert.equal(await assume({ sub: "system:serviceaccount:apps:reports-reader" }), false);
        assert.equal(await assume({ sub: "system:serviceaccount:apps:reports-reader", aud: "other-client" }), false);
        assert.equal(await assume({ aud: "sts.amazonaws.com" }), false);
    });

    it("refuses another cluster's tokens, even with the same claims", async () => {
        assert.equal(
            await assume({ sub: "system:serviceaccount:apps:reports-reader", aud: "sts.amazonaws.com" }, { arn: otherProviderArn, issuer: otherIssuer }),
            false,
        );
    });

    it("refuses other ways in: plain AssumeRole, and IAM principals of the account", async () => {
        assert.equal(await allowedByTrustPolicy(trust, { principal: providerArn, action: "sts:AssumeRole", roleArn }), false);
        assert.equal(
            await allowedByTrustPolicy(trust, { principal: "arn:aws:iam::123456789012:role/admin", action: "sts:AssumeRole", roleArn }),
            false,
        );
    });

    it("trusts each additional cluster for the same ServiceAccount only", async () => {
        const multi = webIdentityTrustPolicy({
            providers: [
                { arn: providerArn, issuer },
                { arn: otherProviderArn, issuer: otherIssuer },
            ],
            namespace: "apps",
            serviceAccountName: "reports-reader",
            audience: "sts.amazonaws.com",
        });
        const request = (sub: string, arn: string, claimsIssuer: string) =>
            allowedByTrustPolicy(multi, {
                principal: arn,
                action: "sts:AssumeRoleWithWebIdentity",
                roleArn,
                context: { [`${claimsIssuer}:sub`]: sub, [`${claimsIssuer}:aud`]: "sts.amazonaws.com" },
            });
        assert.equal(await request("system:serviceaccount:apps:reports-reader", otherProviderArn, otherIssuer), true);
        assert.equal(await request("system:serviceaccount:apps:reports-reader", providerArn, issuer), true);
        assert.equal(await request("system:serviceaccount:apps:other", otherProviderArn, otherIssuer), false);
        // One cluster's claims do not open the role to the other cluster's principal.
        assert.equal(await request("system:serviceaccount:apps:reports-reader", otherProviderArn, issuer), false);
    });

    it("never uses a wildcard or a pattern operator", () => {
        const json = JSON.stringify(trust);
        assert.ok(!json.includes("*"));
        assert.ok(!json.includes("StringLike"));
        assert.equal(serviceAccountSubject("apps", "reports-reader"), "system:serviceaccount:apps:reports-reader");
    });
});

describe("checkedWebIdentityTrustPolicy", () => {
    const clusters = (count: number) =>
        Array.from({ length: count }, (_, index) => `arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/${String(index % 10).repeat(32)}${index}`);

    it("counts length as IAM does, without white space", () => {
        const { document } = checkedWebIdentityTrustPolicy([providerArn], "apps", "reports-reader", "sts.amazonaws.com", 2048);
        assert.equal(policyLength(document), JSON.stringify(document, null, 4).replace(/\s/g, "").length);
        assert.ok(policyLength(document) < JSON.stringify(document, null, 4).length);
    });

    it("accepts as many clusters as fit the limit and refuses the next one, saying size, limit and remedy", () => {
        let fitting = 1;
        while (checkedWebIdentityTrustPolicy(clusters(fitting + 1), "apps", "reports-reader", "sts.amazonaws.com", 2048).problem === undefined) {
            fitting += 1;
        }
        const over = checkedWebIdentityTrustPolicy(clusters(fitting + 1), "apps", "reports-reader", "sts.amazonaws.com", 2048);
        assert.ok(policyLength(over.document) > 2048);
        assert.ok(policyLength(checkedWebIdentityTrustPolicy(clusters(fitting), "apps", "reports-reader", "sts.amazonaws.com", 2048).document) <= 2048);
        assert.match(
            over.problem ?? "",
            new RegExp(`^trust policy is ${policyLength(over.document)} characters \\(white space not counted\\), over the limit of 2048 for ${fitting + 1} trusted cluster\\(s\\): .*trustPolicyLengthLimit`),
        );
        assert.equal(checkedWebIdentityTrustPolicy(clusters(fitting + 1), "apps", "reports-reader", "sts.amazonaws.com", 4096).problem, undefined);
    });
});

describe("s3ReadPolicy", () => {
    const bucketArn = "arn:aws:s3:::reports-bucket";
    const keyArn = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const wholeBucket = s3ReadPolicy({ bucketArns: [bucketArn], keyPrefixes: [], kmsKeyArns: [] });
    const prefixed = s3ReadPolicy({ bucketArns: [bucketArn], keyPrefixes: ["daily/", "monthly/"], kmsKeyArns: [keyArn] });

    it("reads and lists the whole bucket when no prefix is given", async () => {
        assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:GetObject", resource: `${bucketArn}/any/key.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:ListBucket", resource: bucketArn }), true);
    });

    it("never writes, deletes, or changes ACLs or bucket settings", async () => {
        for (const [action, resource] of [
            ["s3:PutObject", `${bucketArn}/any/key.csv`],
            ["s3:DeleteObject", `${bucketArn}/any/key.csv`],
            ["s3:PutObjectAcl", `${bucketArn}/any/key.csv`],
            ["s3:DeleteObjectVersion", `${bucketArn}/any/key.csv`],
            ["s3:PutBucketPolicy", bucketArn],
            ["s3:PutBucketAcl", bucketArn],
            ["s3:DeleteBucket", bucketArn],
            ["s3:PutBucketPublicAccessBlock", bucketArn],
            ["s3:PutLifecycleConfiguration", bucketArn],
        ]) {
            assert.equal(await allowedByIdentityPolicy(wholeBucket, { action, resource }), false, action);
            assert.equal(await allowedByIdentityPolicy(prefixed, { action, resource: resource.replace("any/", "daily/") }), false, action);
        }
    });

    it("refuses other buckets, including ones whose name extends the granted one", async () => {
        for (const other of ["arn:aws:s3:::other-bucket", "arn:aws:s3:::reports-bucket-2"]) {
            assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:GetObject", resource: `${other}/key.csv` }), false, other);
            assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:ListBucket", resource: other }), false, other);
        }
    });

    it("limits reads and listing to the prefixes", async () => {
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/daily/2026-11-29.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/monthly/2026-11.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/secret/keys.csv` }), false);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/daily-archive/old.csv` }), false);
        const list = (prefix?: string) =>
            allowedByIdentityPolicy(prefixed, { action: "s3:ListBucket", resource: bucketArn, context: prefix === undefined ? {} : { "s3:prefix": prefix } });
        assert.equal(await list("daily/"), true);
        assert.equal(await list("daily/2026/"), true);
        assert.equal(await list("secret/"), false);
        assert.equal(await list(""), false);
        assert.equal(await list(), false);
    });

    it("decrypts with the given keys only", async () => {
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "kms:Decrypt", resource: keyArn }), true);
        assert.equal(
            await allowedByIdentityPolicy(prefixed, { action: "kms:Decrypt", resource: "arn:aws:kms:us-west-2:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab" }),
            false,
        );
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "kms:Encrypt", resource: keyArn }), false);
        assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "kms:Decrypt", resource: keyArn }), false);
    });

    it("works in other partitions", async () => {
        const china = s3ReadPolicy({ bucketArns: ["arn:aws-cn:s3:::reports-cn"], keyPrefixes: [], kmsKeyArns: [] });
        assert.equal(await allowedByIdentityPolicy(china, { action: "s3:GetObject", resource: "arn:aws-cn:s3:::reports-cn/key.csv" }), true);
        assert.equal(await allowedByIdentityPolicy(china, { action: "s3:GetObject", resource: "arn:aws:s3:::reports-cn/key.csv" }), false);
    });
});
