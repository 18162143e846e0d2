import { startStandInEngine, startPlugin, configure, servedSchema, construct, outputValue } from "./pluginHost";
import "./mocks";
describe("exp", function () {
    this.timeout(120000);
    it("runs", async () => {
        const engine = await startStandInEngine();
        const t0 = Date.now();
        const plugin = await startPlugin(engine.engineAddress);
        console.log("started", Date.now() - t0);
        try {
            console.log(await configure(plugin.client));
            const schema = JSON.parse(await servedSchema(plugin.client));
            console.log(schema.name, Object.keys(schema.resources), Date.now() - t0);
            const r = await construct(plugin.client, engine.monitorAddress, { type: "eks-irsa:index:IrsaBinding", name: "api", inputs: {
                oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                namespace: "apps", serviceAccountName: "api", policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }] } });
            console.log(JSON.stringify(r).slice(0, 1500));
            console.log(engine.registered.map((x) => x.type + " " + x.name));
            const r2 = await construct(plugin.client, engine.monitorAddress, { type: "eks-irsa:index:IrsaBinding", name: "pre", dryRun: true, inputs: {
                oidcProviderArn: outputValue(), namespace: "apps", serviceAccountName: outputValue("api", { secret: true }), addon: { awsLoadBalancerController: { clusterName: "c1" } } } });
            console.log(JSON.stringify(r2).slice(0, 1500));
            await construct(plugin.client, engine.monitorAddress, { type: "eks-irsa:index:IrsaBinding", name: "bad", inputs: { oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", serviceAccountName: "x" } }).catch((e) => console.log("ERR", e.message));
            console.log(engine.logs);
        } finally { console.log(plugin.stderr()); plugin.stop(); engine.close(); }
    });
});
