using Orchestrator.Functions.Hosting;

var builder = OrchestratorHost.CreateBuilder(args);
var app = OrchestratorHost.Build(builder);
await app.RunAsync();
