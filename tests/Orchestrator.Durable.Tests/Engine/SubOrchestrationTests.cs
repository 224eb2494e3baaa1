using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class SubOrchestrationTests
{
    private static Task<DurableTestHost> StartAsync() => DurableTestHost.StartAsync(r => r
        .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(2 * x))
        .AddOrchestratorFunc<int, int>("Child", async (ctx, x) =>
            x < 0 ? throw new ArgumentException("negative input") : await ctx.CallActivityAsync<int>("Double", x))
        .AddOrchestratorFunc<int, string>("Parent", async (ctx, x) =>
        {
            try
            {
                var r = await ctx.CallSubOrchestratorAsync<int>("Child", x, new SubOrchestrationOptions($"child-of-{ctx.InstanceId}"));
                return $"ok {r}";
            }
            catch (TaskFailedException ex)
            {
                return $"failed {ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
            }
        }));

    [Fact]
    public async Task SubOrchestration_result_returns_to_the_parent()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 21, new StartOrchestrationOptions { InstanceId = "p1" });
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("ok 42", result.ReadOutputAs<string>());
        var child = await host.Client.GetInstanceAsync("child-of-p1");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
        Assert.Equal("p1", child.ParentInstanceId);
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Single(history, e => e.EventType == HistoryEventType.SubOrchestrationInstanceCreated && e.InstanceId == "child-of-p1");
        Assert.Single(history, e => e.EventType == HistoryEventType.SubOrchestrationInstanceCompleted);
        HistoryAssert.WellFormed(history);
    }

    [Fact]
    public async Task SubOrchestration_failure_surfaces_as_TaskFailedException_in_the_parent()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", -1, new StartOrchestrationOptions { InstanceId = "p2" });
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("failed System.ArgumentException: negative input", result.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.Client.GetInstanceAsync("child-of-p2"))!.RuntimeStatus);
    }

    [Fact]
    public async Task SubOrchestration_on_an_id_that_is_already_running_fails_the_call()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Waiter", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Never"))
            .AddOrchestratorFunc<string?, string>("Starter", async (ctx, _) =>
            {
                try { return await ctx.CallSubOrchestratorAsync<string>("Waiter", null, new SubOrchestrationOptions("busy")); }
                catch (TaskFailedException ex) { return ex.FailureDetails.ErrorType; }
            }));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions { InstanceId = "busy" });
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Starter");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(typeof(OrchestrationAlreadyExistsException).FullName, result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SubOrchestration_of_an_unknown_orchestrator_fails_the_call()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Starter", async (ctx, _) =>
            {
                try { return await ctx.CallSubOrchestratorAsync<string>("Nope"); }
                catch (TaskFailedException ex) { return ex.FailureDetails.ErrorType; }
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Starter");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(typeof(UnknownOrchestratorException).FullName, result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminating_a_child_fails_the_parents_call()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Stuck", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Never"))
            .AddOrchestratorFunc<string?, string>("Parent", async (ctx, _) =>
            {
                try { return await ctx.CallSubOrchestratorAsync<string>("Stuck", null, new SubOrchestrationOptions("stuck-child")); }
                catch (TaskFailedException ex) { return ex.FailureDetails.ErrorType; }
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent");
        await host.RunUntilIdleAsync();
        await host.Client.TerminateInstanceAsync("stuck-child", "enough");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("Terminated", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminating_a_parent_terminates_its_running_children_and_theirs_but_not_ended_ones()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Stuck", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Never"))
            .AddOrchestratorFunc<string?, string>("Quick", (_, _) => Task.FromResult("done"))
            .AddOrchestratorFunc<string?, string>("Middle", async (ctx, _) =>
                await ctx.CallSubOrchestratorAsync<string>("Stuck", null, new SubOrchestrationOptions("grandchild")))
            .AddOrchestratorFunc<string?, string>("Top", async (ctx, _) =>
            {
                await ctx.CallSubOrchestratorAsync<string>("Quick", null, new SubOrchestrationOptions("quick-child"));
                var a = ctx.CallSubOrchestratorAsync<string>("Middle", null, new SubOrchestrationOptions("middle-child"));
                var b = ctx.CallSubOrchestratorAsync<string>("Stuck", null, new SubOrchestrationOptions("stuck-sibling"));
                await Task.WhenAll(a, b);
                return "unreachable";
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Top", null, new StartOrchestrationOptions { InstanceId = "top" });
        await host.RunUntilIdleAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync("grandchild"))!.RuntimeStatus);

        await host.Client.TerminateInstanceAsync(id, "project withdrawn");
        await host.RunUntilIdleAsync();

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        foreach (var child in new[] { "middle-child", "stuck-sibling", "grandchild" })
        {
            var meta = (await host.Client.GetInstanceAsync(child, getInputsAndOutputs: true))!;
            Assert.Equal(OrchestrationRuntimeStatus.Terminated, meta.RuntimeStatus);
            Assert.Contains("was terminated", meta.ReadOutputAs<string>());
        }
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.GetInstanceAsync("quick-child"))!.RuntimeStatus);
    }

    [Fact]
    public async Task Default_child_id_is_derived_from_the_parent_and_stable()
    {
        await using var host2 = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(2 * x))
            .AddOrchestratorFunc<int, int>("Child", async (ctx, x) => await ctx.CallActivityAsync<int>("Double", x))
            .AddOrchestratorFunc<int, int>("Anonymous", async (ctx, x) => await ctx.CallSubOrchestratorAsync<int>("Child", x)));
        var parent = await host2.Client.ScheduleNewOrchestrationInstanceAsync("Anonymous", 4, new StartOrchestrationOptions { InstanceId = "anon" });
        Assert.Equal(8, (await host2.Client.WaitForInstanceCompletionAsync(parent, true)).ReadOutputAs<int>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host2.Client.GetInstanceAsync("anon:0"))!.RuntimeStatus);
    }
}
