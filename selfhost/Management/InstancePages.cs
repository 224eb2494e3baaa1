using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Orchestrator.SelfHost.Management;

/// <summary>One page of an instance query (the client's pageable, read a page at a time with its continuation token).</summary>
internal static class InstancePages
{
    public static async Task<Page<OrchestrationMetadata>> FirstAsync(DurableTaskClient client, OrchestrationQuery query, CancellationToken ct)
    {
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(query.ContinuationToken, query.PageSize).WithCancellation(ct))
            return page;
        return new Page<OrchestrationMetadata>([], null);
    }
}
