using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class QueryTests
{
    [Fact]
    public async Task Query_pages_through_all_matches_with_a_continuation_token()
    {
        await using var host = await DurableTestHost.StartAsync(r => r.AddOrchestratorFunc<int, int>("Id", (_, x) => Task.FromResult(x)));
        for (var i = 0; i < 25; i++)
            await host.Client.ScheduleNewOrchestrationInstanceAsync("Id", i, new StartOrchestrationOptions { InstanceId = $"q-{i:D2}" });
        await host.RunUntilIdleAsync();

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await host.Client.QueryInstancesAsync(new OrchestrationQuery { PageSize = 10, ContinuationToken = token, InstanceIdPrefix = "q-" });
            seen.AddRange(page.Instances.Select(i => i.InstanceId));
            token = page.ContinuationToken;
            pages++;
        } while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"q-{i:D2}"), seen);
    }

    [Fact]
    public async Task Query_filters_by_status_name_creation_time_and_tags()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Id", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<string?, string>("Waits", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Go")));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Id", 1, new StartOrchestrationOptions { InstanceId = "done", Tags = new Dictionary<string, string> { ["team"] = "a" } });
        await host.AdvanceTimeAsync(TimeSpan.FromHours(1));
        var later = host.Clock.GetUtcNow();
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waits", null, new StartOrchestrationOptions { InstanceId = "waiting", Tags = new Dictionary<string, string> { ["team"] = "b" } });
        await host.RunUntilIdleAsync();

        async Task<string[]> Ids(OrchestrationQuery q) => (await host.Client.QueryInstancesAsync(q)).Instances.Select(i => i.InstanceId).ToArray();
        Assert.Equal(["waiting"], await Ids(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running] }));
        Assert.Equal(["done"], await Ids(new OrchestrationQuery { Name = "Id" }));
        Assert.Equal(["waiting"], await Ids(new OrchestrationQuery { CreatedFrom = later }));
        Assert.Equal(["done"], await Ids(new OrchestrationQuery { CreatedTo = later }));
        Assert.Equal(["waiting"], await Ids(new OrchestrationQuery { Tags = new Dictionary<string, string> { ["team"] = "b" } }));
    }

    [Fact]
    public async Task GetInstance_returns_inputs_and_outputs_only_when_asked()
    {
        await using var host = await DurableTestHost.StartAsync(r => r.AddOrchestratorFunc<int, int>("Id", (_, x) => Task.FromResult(x)));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Id", 7);
        await host.RunUntilIdleAsync();
        var bare = await host.Client.GetInstanceAsync(id);
        var full = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Null(bare!.SerializedOutput);
        Assert.Equal(7, full!.ReadInputAs<int>());
        Assert.Equal(7, full.ReadOutputAs<int>());
        Assert.NotNull(full.CompletedAt);
    }
}
