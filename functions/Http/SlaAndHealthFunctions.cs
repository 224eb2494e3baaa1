using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Health;
using Orchestrator.Api.Http.Sla;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Http;

/// <summary>GET /api/sla/board (any key), api/Http/Sla.</summary>
public static class SlaFunctions
{
    [Function("GetSlaBoard")]
    public static Task<IResult> GetSlaBoard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/sla/board")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, [ApiPolicies.Read],
            (http, sp, ct) => SlaApi.GetBoardAsync(sp.GetRequiredService<IProjectQueries>(), sp.GetRequiredService<TimeProvider>(), ct));
}

/// <summary>GET /health (no key): the storage probe of api/Http/Health, on the app's storage account.</summary>
public static class HealthFunctions
{
    [Function("Health")]
    public static Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client: null, policies: [],
            (http, sp, ct) => HealthEndpoints.CheckAsync(sp.GetRequiredService<IStorageProbe>(), http, ct));
}
