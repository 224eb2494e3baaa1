using Orchestrator.SelfHost.Hosting;
using Orchestrator.SelfHost.Scheduled;

var builder = OrchestratorHost.CreateBuilder(args);
builder.AddApprovalLifecycle(); // project lifecycle orchestrations, application services, daily SLA sweep
var app = OrchestratorHost.Build(builder);
await app.RunAsync();
