using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Departments;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Http;

/// <summary>The department API under /api/departments/{departmentCode} (api/Http/Departments): a department key acts for its own code only.</summary>
public static class DepartmentsFunctions
{
    [Function("ListDepartmentItems")]
    public static Task<IResult> ListDepartmentItems(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/departments/{departmentCode}/items")] HttpRequest req,
        string departmentCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, [ApiPolicies.DepartmentRead],
            (http, sp, ct) => DepartmentsApi.ListItemsAsync(departmentCode, http, sp.GetRequiredService<IProjectQueries>(), ct),
            (ApiPolicies.DepartmentRouteValue, departmentCode));

    [Function("RecordDecision")]
    public static Task<IResult> RecordDecision(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/departments/{departmentCode}/items/{projectCode}/{itemCode}/decisions")] HttpRequest req,
        string departmentCode, string projectCode, string itemCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, [ApiPolicies.DepartmentRead, ApiPolicies.DepartmentWrite],
            (http, sp, ct) => DepartmentsApi.RecordDecisionAsync(departmentCode, projectCode, itemCode, http,
                sp.GetRequiredService<IProjectCommands>(), sp.GetRequiredService<IProjectQueries>(), ct),
            (ApiPolicies.DepartmentRouteValue, departmentCode), ("projectCode", projectCode), ("itemCode", itemCode));
}
