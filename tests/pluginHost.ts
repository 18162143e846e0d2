/**
 * The components plugin as the Pulumi engine runs it: started the way the Node.js language host's
 * RunPlugin starts a plugin (`node @pulumi/pulumi/cmd/run-plugin <plugin folder> <engine address>`,
 * in the plugin's folder, with PULUMI_NODEJS_TYPESCRIPT set), its port read from its first line of
 * output, and spoken to over the provider protocol. The engine's side is played by a stand-in
 * Engine service (which records the plugin's log) and a stand-in resource monitor, which answers
 * registrations with the same mock engine the other tests use and records them.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import { createMockEngine, RegisteredResource } from "../scripts/offline/mocks";
import { mockAccountId, mockRegion } from "./mocks";
import { projectDir } from "./stackFiles";

export const componentsDir = path.join(projectDir, "components");

/** The wire forms of values the engine sends: an unknown, and the signatures of secrets and output values. */
export const wire = {
    unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    signatureKey: "4dabf18193072939515e22adb298388d",
    secret: "1b47061264138c4ac30d75fd1eb44270",
    output: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
    resource: "5cf8f73096256a8f31e491e813e4eb8e",
};

/** An output value as the engine sends it to a provider that accepts outputs: unknown when no value is given. */
export function outputValue(value?: unknown, options: { secret?: boolean; dependencies?: string[] } = {}): Record<string, unknown> {
    return {
        [wire.signatureKey]: wire.output,
        ...(value === undefined ? {} : { value }),
        ...(options.secret ? { secret: true } : {}),
        ...(options.dependencies ? { dependencies: options.dependencies } : {}),
    };
}

/** A gRPC server on a free local port, with the services given. */
async function serve(services: [grpc.ServiceDefinition, grpc.UntypedServiceImplementation][]): Promise<{ server: grpc.Server; address: string }> {
    const server = new grpc.Server();
    for (const [definition, implementation] of services) {
        server.addService(definition, implementation);
    }
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    return { server, address: `127.0.0.1:${port}` };
}

type Unary = (call: { request: unknown }, callback: (error: Error | null, response?: unknown) => void) => void;

/** The stand-in engine and monitor: what the plugin logged and registered. */
export interface StandInEngine {
    engineAddress: string;
    monitorAddress: string;
    /** Every resource the plugin registered, in order. */
    registered: RegisteredResource[];
    /** The plugin's log messages to the engine, with their severity. */
    logs: { severity: string; message: string }[];
    close(): void;
}

/** Starts the stand-in engine and resource monitor. */
export async function startStandInEngine(): Promise<StandInEngine> {
    const mockEngine = createMockEngine({ accountId: mockAccountId, region: mockRegion });
    const monitor = new MockMonitor(mockEngine.mocks) as unknown as Record<string, (request: unknown, callback: (error: Error | null, response?: unknown) => void) => void>;
    const logs: { severity: string; message: string }[] = [];
    const severities = Object.fromEntries(Object.entries(engineProto.LogSeverity).map(([name, value]) => [value, name.toLowerCase()]));
    const delegate =
        (method: string): Unary =>
        (call, callback) =>
            monitor[method](call.request, callback);
    const monitorService: grpc.UntypedServiceImplementation = {
        // What the mock monitor supports (all but output values in registrations, so that the recorded inputs are plain), as a message.
        supportsFeature: (call: { request: unknown }, callback: (error: Error | null, response?: unknown) => void) =>
            monitor.supportsFeature(call.request, (error, answer) => callback(error, new resourceProto.SupportsFeatureResponse().setHassupport((answer as { getHassupport(): boolean }).getHassupport()))),
        registerResource: delegate("registerResource"),
        registerResourceOutputs: (call: { request: unknown }, callback: (error: Error | null, response?: unknown) => void) =>
            monitor.registerResourceOutputs(call.request, (error) => callback(error, new Empty())),
        readResource: delegate("readResource"),
        invoke: delegate("invoke"),
        registerPackage: delegate("registerPackage"),
    };
    const engineService: grpc.UntypedServiceImplementation = {
        log: (call: { request: engineProto.LogRequest }, callback: (error: Error | null, response?: unknown) => void) => {
            logs.push({ severity: severities[call.request.getSeverity()], message: call.request.getMessage() });
            callback(null, new Empty());
        },
        getRootResource: (_call: unknown, callback: (error: Error | null, response?: unknown) => void) => callback(null, new engineProto.GetRootResourceResponse()),
        setRootResource: (_call: unknown, callback: (error: Error | null, response?: unknown) => void) => callback(null, new engineProto.SetRootResourceResponse()),
    };
    const engine = await serve([[engineRpc.EngineService, engineService]]);
    const resourceMonitor = await serve([[resourceRpc.ResourceMonitorService, monitorService]]);
    return {
        engineAddress: engine.address,
        monitorAddress: resourceMonitor.address,
        registered: mockEngine.registered,
        logs,
        close: () => {
            engine.server.forceShutdown();
            resourceMonitor.server.forceShutdown();
        },
    };
}

/** The plugin process and a provider client connected to it. */
export interface RunningPlugin {
    child: ChildProcess;
    client: providerRpc.ResourceProviderClient;
    /** What the plugin wrote to stderr. */
    stderr(): string;
    stop(): void;
}

/** Starts the plugin as the Node.js language host does, and resolves once it prints its port. */
export function startPlugin(engineAddress: string, options: { cwd?: string } = {}): Promise<RunningPlugin> {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
        // Nothing of mocha's own ts-node may reach the plugin's.
        if (!/^(TS_NODE_|PULUMI_)/.test(name) && name !== "NODE_OPTIONS") env[name] = value;
    }
    env.PULUMI_NODEJS_TYPESCRIPT = "true";
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(projectDir, "node_modules/@pulumi/pulumi/cmd/run-plugin"), componentsDir, engineAddress], {
            cwd: options.cwd ?? componentsDir,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = /^(\d+)\n/.exec(stdout);
            if (line) {
                const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${line[1]}`, grpc.credentials.createInsecure());
                resolve({
                    child,
                    client,
                    stderr: () => stderr,
                    stop: () => {
                        client.close();
                        child.removeAllListeners("exit");
                        child.kill();
                    },
                });
            }
        });
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before serving:\n${stdout}\n${stderr}`)));
    });
}

/** Calls a unary method of the provider. */
export function call<Response>(client: providerRpc.ResourceProviderClient, method: string, request: unknown): Promise<Response> {
    return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, (request: unknown, callback: (error: grpc.ServiceError | null, response: Response) => void) => void>)[method].bind(client);
        fn(request, (error, response) => (error ? reject(error) : resolve(response)));
    });
}

/** The engine's opening calls: GetPluginInfo, then Configure. Resolves with the plugin's version and what it accepts. */
export async function configure(client: providerRpc.ResourceProviderClient): Promise<{ version: string; acceptsOutputs: boolean; acceptsSecrets: boolean }> {
    const info = await call<pluginProto.PluginInfo>(client, "getPluginInfo", new Empty());
    const configured = await call<providerProto.ConfigureResponse>(
        client,
        "configure",
        new providerProto.ConfigureRequest().setAcceptsecrets(true).setAcceptresources(true).setArgs(Struct.fromJavaScript({})),
    );
    return { version: info.getVersion(), acceptsOutputs: configured.getAcceptoutputs(), acceptsSecrets: configured.getAcceptsecrets() };
}

/** The schema the plugin serves. */
export async function servedSchema(client: providerRpc.ResourceProviderClient): Promise<string> {
    return (await call<providerProto.GetSchemaResponse>(client, "getSchema", new providerProto.GetSchemaRequest().setVersion(0))).getSchema();
}

/** A Construct request as the engine sends it for a component a program declares. */
export interface ConstructCall {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    dryRun?: boolean;
}

/** Calls Construct; resolves with the component's URN and its outputs as the engine receives them. */
export async function construct(client: providerRpc.ResourceProviderClient, monitorAddress: string, request: ConstructCall): Promise<{ urn: string; state: Record<string, unknown> }> {
    const message = new providerProto.ConstructRequest()
        .setProject("eks-irsa-plugin")
        .setStack("test")
        .setOrganization("organization")
        .setType(request.type)
        .setName(request.name)
        .setDryrun(request.dryRun ?? false)
        .setParallel(4)
        .setMonitorendpoint(monitorAddress)
        .setInputs(Struct.fromJavaScript(request.inputs as never))
        .setAcceptsOutputValues(true);
    const response = await call<providerProto.ConstructResponse>(client, "construct", message);
    return { urn: response.getUrn(), state: (response.getState()?.toJavaScript() ?? {}) as Record<string, unknown> };
}
