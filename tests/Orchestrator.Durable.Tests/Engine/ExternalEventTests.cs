using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class ExternalEventTests
{
    private static Task<DurableTestHost> StartAsync() => DurableTestHost.StartAsync(r => r
        .AddOrchestratorFunc<string?, List<string>>("Collect3", async (ctx, _) =>
        {
            await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None); // events arrive before anyone waits
            var items = new List<string>();
            for (var i = 0; i < 3; i++)
                items.Add(await ctx.WaitForExternalEvent<string>("Item"));
            return items;
        })
        .AddOrchestratorFunc<int, string>("WaitWithTimeout", async (ctx, seconds) =>
        {
            try
            {
                return await ctx.WaitForExternalEvent<string>("Answer", TimeSpan.FromSeconds(seconds));
            }
            catch (TaskCanceledException)
            {
                return "timed out";
            }
        })
        .AddOrchestratorFunc<string?, List<string>>("TwoAnswers", async (ctx, _) =>
        {
            var answers = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                try { answers.Add(await ctx.WaitForExternalEvent<string>("Answer", TimeSpan.FromHours(1))); }
                catch (TaskCanceledException) { answers.Add("none"); }
            }
            return answers;
        }));

    [Fact]
    public async Task Events_raised_before_anyone_waits_are_buffered_FIFO_per_name()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Collect3");
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "Item", "a");
        await host.Client.RaiseEventAsync(id, "Other", "ignored");
        await host.Client.RaiseEventAsync(id, "Item", "b");
        await host.Client.RaiseEventAsync(id, "Item", "c");
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(["a", "b", "c"], result.ReadOutputAs<List<string>>());
    }

    [Fact]
    public async Task WaitForExternalEvent_with_timeout_returns_the_event_when_it_arrives_in_time()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitWithTimeout", 30);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(29));
        await host.Client.RaiseEventAsync(id, "Answer", "42");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("42", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_with_timeout_throws_TaskCanceledException_when_the_timer_wins()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitWithTimeout", 30);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(31));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("timed out", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RaiseEvent_with_the_same_idempotency_key_is_applied_once()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("TwoAnswers");
        await host.RunUntilIdleAsync();
        var options = new RaiseEventOptions { IdempotencyKey = "post-123" };
        await host.Client.RaiseEventAsync(id, "Answer", "first", options);
        await host.Client.RaiseEventAsync(id, "Answer", "first", options); // retried request, still in the inbox
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "Answer", "first", options); // retried after it was processed
        await host.AdvanceTimeAsync(TimeSpan.FromHours(2));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(["first", "none"], result.ReadOutputAs<List<string>>());
        Assert.Single(await host.Client.GetHistoryAsync(id), e => e.EventType == HistoryEventType.EventRaised);
    }

    [Fact]
    public async Task RaiseEvent_without_key_is_applied_each_time()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("TwoAnswers");
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "Answer", "one");
        await host.Client.RaiseEventAsync(id, "Answer", "two");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(["one", "two"], result.ReadOutputAs<List<string>>());
    }

    [Fact]
    public async Task RaiseEvent_on_a_missing_instance_throws_OrchestrationNotFoundException()
    {
        await using var host = await StartAsync();
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.RaiseEventAsync("nobody", "Answer", "x"));
    }

    [Fact]
    public async Task RaiseEvent_on_a_completed_instance_throws_OrchestrationNotRunningException()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitWithTimeout", 1);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<OrchestrationNotRunningException>(() => host.Client.RaiseEventAsync(id, "Answer", "x"));
    }

    [Fact]
    public async Task SendEvent_delivers_an_event_to_another_instance()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Receiver", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Ping"))
            .AddOrchestratorFunc<string, string>("Sender", (ctx, target) =>
            {
                ctx.SendEvent(target, "Ping", $"from {ctx.InstanceId}");
                return Task.FromResult("sent");
            }));
        var receiver = await host.Client.ScheduleNewOrchestrationInstanceAsync("Receiver", null, new StartOrchestrationOptions { InstanceId = "receiver" });
        var sender = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sender", receiver, new StartOrchestrationOptions { InstanceId = "sender" });
        await host.RunUntilIdleAsync();
        var result = await host.Client.WaitForInstanceCompletionAsync(receiver, true);
        Assert.Equal("from sender", result.ReadOutputAs<string>());
        Assert.Single(await host.Client.GetHistoryAsync(sender), e => e.EventType == HistoryEventType.EventSent && e.InstanceId == "receiver");
    }
}
