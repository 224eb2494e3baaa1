using Microsoft.Extensions.Options;
using Orchestrator.SelfHost.Hosting;

namespace Orchestrator.SelfHost.Management;

/// <summary>
/// The management URIs of one instance, as Durable Functions returns them from a start. They carry no key: the
/// caller adds its own (x-functions-key header or ?code=), so that keys are never echoed into logs or bodies.
/// </summary>
public sealed record ManagementPayload(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string SuspendPostUri,
    string ResumePostUri,
    string RestartPostUri,
    string PurgeHistoryDeleteUri)
{
    public static ManagementPayload For(HttpContext context, string instanceId)
    {
        var hosting = context.RequestServices.GetRequiredService<IOptions<HostingOptions>>().Value;
        var root = string.IsNullOrWhiteSpace(hosting.PublicBaseUrl)
            ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}"
            : hosting.PublicBaseUrl.TrimEnd('/');
        var instance = $"{root}{ManagementApi.RoutePrefix}/instances/{Uri.EscapeDataString(instanceId)}";
        return new ManagementPayload(
            instanceId,
            instance,
            $"{instance}/raiseEvent/{{eventName}}",
            $"{instance}/terminate?reason={{text}}",
            $"{instance}/suspend?reason={{text}}",
            $"{instance}/resume?reason={{text}}",
            $"{instance}/restart",
            instance);
    }
}
