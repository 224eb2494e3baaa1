using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class VersioningAndValidationTests
{
    private static Task<DurableTestHost> StartAsync(Action<IServiceCollection>? services = null) => DurableTestHost.StartAsync(r => r
        .AddOrchestratorFunc<string?, string>("Project", async (ctx, _) => $"v1 after {await ctx.WaitForExternalEvent<string>("Go")}", version: "1")
        .AddOrchestratorFunc<string?, string>("Project", async (ctx, _) =>
        {
            await ctx.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None); // different shape from v1
            return $"v2 after {await ctx.WaitForExternalEvent<string>("Go")}";
        }, version: "2")
        .AddOrchestratorFunc<string?, string>("Plain", (_, s) => Task.FromResult(s ?? "")), services);

    [Fact]
    public async Task Running_instance_stays_on_the_version_it_started_with()
    {
        await using var host = await StartAsync();
        var v1 = await host.Client.ScheduleNewOrchestrationInstanceAsync("Project", null, new StartOrchestrationOptions { Version = "1" });
        var latest = await host.Client.ScheduleNewOrchestrationInstanceAsync("Project");
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(5));
        await host.Client.RaiseEventAsync(v1, "Go", "go");
        await host.Client.RaiseEventAsync(latest, "Go", "go");
        var r1 = await host.Client.WaitForInstanceCompletionAsync(v1, true);
        var r2 = await host.Client.WaitForInstanceCompletionAsync(latest, true);
        Assert.Equal(("1", "v1 after go"), (r1.Version, r1.ReadOutputAs<string>()));
        Assert.Equal(("2", "v2 after go"), (r2.Version, r2.ReadOutputAs<string>()));
    }

    [Fact]
    public async Task Unknown_orchestrator_name_is_refused_at_schedule_time()
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<UnknownOrchestratorException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync("Nope"));
        Assert.Contains("Register it", ex.Message);
        Assert.Empty((await host.Client.QueryInstancesAsync(new OrchestrationQuery())).Instances);
    }

    [Fact]
    public async Task Unknown_version_is_refused_at_schedule_time()
    {
        await using var host = await StartAsync();
        await Assert.ThrowsAsync<UnknownOrchestratorException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Project", null, new StartOrchestrationOptions { Version = "3" }));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\tb")]
    [InlineData("")]
    public async Task Invalid_instance_id_is_refused_and_nothing_is_stored(string id)
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<InvalidInstanceIdException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Plain", null, new StartOrchestrationOptions { InstanceId = id }));
        Assert.Contains("without '/', '\\', '#', '?' or control characters", ex.Message);
        Assert.Empty((await host.Client.QueryInstancesAsync(new OrchestrationQuery())).Instances);
    }

    [Fact]
    public async Task Instance_id_longer_than_256_characters_is_refused()
    {
        await using var host = await StartAsync();
        await Assert.ThrowsAsync<InvalidInstanceIdException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Plain", null, new StartOrchestrationOptions { InstanceId = new string('x', 257) }));
        var ok = await host.Client.ScheduleNewOrchestrationInstanceAsync("Plain", null, new StartOrchestrationOptions { InstanceId = new string('x', 256) });
        Assert.Equal(256, ok.Length);
    }

    [Fact]
    public async Task Oversized_input_is_refused_at_submission_and_nothing_is_stored()
    {
        await using var host = await StartAsync(s => s.Configure<DurableTaskOptions>(o => o.MaxPayloadBytes = 1000));
        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Plain", new string('x', 2000), new StartOrchestrationOptions { InstanceId = "big" }));
        Assert.Equal(1000, ex.LimitBytes);
        Assert.Null(await host.Client.GetInstanceAsync("big"));
        Assert.Empty((await host.Client.QueryInstancesAsync(new OrchestrationQuery())).Instances);
    }

    [Fact]
    public async Task Oversized_event_payload_is_refused_and_not_delivered()
    {
        await using var host = await StartAsync(s => s.Configure<DurableTaskOptions>(o => o.MaxPayloadBytes = 1000));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Project", null, new StartOrchestrationOptions { Version = "1" });
        await host.RunUntilIdleAsync();
        await Assert.ThrowsAsync<PayloadTooLargeException>(() => host.Client.RaiseEventAsync(id, "Go", new string('x', 2000)));
        await host.RunUntilIdleAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        Assert.DoesNotContain(await host.Client.GetHistoryAsync(id), e => e.EventType == HistoryEventType.EventRaised);
    }

    [Fact]
    public async Task Reads_of_an_impossible_id_answer_not_found_instead_of_throwing()
    {
        await using var host = await StartAsync();
        Assert.Null(await host.Client.GetInstanceAsync("a/b"));
        Assert.Empty(await host.Client.GetHistoryAsync("a#b"));
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync("a?b")).PurgedInstanceCount);
        await Assert.ThrowsAsync<InvalidInstanceIdException>(() => host.Client.RaiseEventAsync("a/b", "E"));
    }
}
