using Orchestrator.Durable.Replay;
using Orchestrator.SelfHost.Hosting;
using Orchestrator.SelfHost.Scheduled;

if (args.Length > 0 && args[0] == ReplayCheckCommand.Verb)
{
    // The replay gate: the same configuration sources and registrations as the host, client only; the app is built
    // but never started, so no hosted service runs (no task hub creation, no work, no HTTP).
    var verbArgs = args[1..];
    var checkBuilder = OrchestratorHost.CreateBuilder([.. ReplayCheckCommand.ConfigurationArgs(verbArgs), "--Durable:Worker:Enabled=false"]);
    checkBuilder.AddApprovalLifecycle();
    await using var checkApp = OrchestratorHost.Build(checkBuilder);
    return await ReplayCheckCommand.RunAsync(ReplayChecker.Create(checkApp.Services), verbArgs, Console.Out);
}

var builder = OrchestratorHost.CreateBuilder(args);
builder.AddApprovalLifecycle(); // project lifecycle orchestrations, application services, daily SLA sweep
var app = OrchestratorHost.Build(builder);
await app.RunAsync();
return 0;
