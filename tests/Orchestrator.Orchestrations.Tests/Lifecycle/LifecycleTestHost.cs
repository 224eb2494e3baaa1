using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Durable;
using Orchestrator.Durable.Testing;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// The lifecycle on the engine's <see cref="DurableTestHost"/> (in-memory store, fake clock), registered exactly as in
/// production by <see cref="LifecycleServiceCollectionExtensions.AddApprovalLifecycle"/>, driven through the application
/// services the HTTP layer uses.
/// </summary>
internal sealed class LifecycleTestHost : IAsyncDisposable
{
    public const string GoodUscc = "91350100M000100Y43";   // grade A in the sample credit file
    public const string GradeCUscc = "9144030071526726XG"; // grade C

    private LifecycleTestHost(DurableTestHost host) => Host = host;

    public DurableTestHost Host { get; }
    public FakeTimeProvider Clock => Host.Clock;
    public IProjectCommands Commands => Host.Services.GetRequiredService<IProjectCommands>();
    public IProjectQueries Queries => Host.Services.GetRequiredService<IProjectQueries>();
    public ICreditRegistry Credit => Host.Services.GetRequiredService<ICreditRegistry>();
    public INotificationOutbox Outbox => Host.Services.GetRequiredService<INotificationOutbox>();
    public SlaSweepService Sweep => Host.Services.GetRequiredService<SlaSweepService>();
    public DurableTaskClient Client => Host.Client;
    public DateTimeOffset Now => Clock.GetUtcNow();

    public static async Task<LifecycleTestHost> StartAsync(DateTimeOffset start, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var host = await DurableTestHost.StartAsync(_ => { }, s =>
        {
            s.Configure<DurableTaskOptions>(o => o.Backend = DurableTaskOptions.InMemoryBackend);
            services?.Invoke(s);
            s.AddApprovalLifecycle(config);
        }, new FakeTimeProvider(start));
        return new LifecycleTestHost(host);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    public static Actor Platform { get; } = new("platform-key", "platform");
    public static Actor Dept(string code) => new($"{code.ToLowerInvariant()}-officer", "department", code);

    /// <summary>A filed enterprise project with land rights, in the Jinchang development zone (4 regional assessments).</summary>
    public static FileProjectRequest Request(string projectCode, string uscc = GoodUscc, bool landRights = true, SimulatedApprovalEntry? simulated = null,
        string[]? commitments = null, ToleranceRequest[]? tolerance = null, string zone = "JINCHANG-EDZ") =>
        new(projectCode, "标准化厂房二期 (standardised factory phase II)", uscc, "示例标准厂房建设有限公司", InvestmentNature.EnterpriseFiling, 5000m,
            ProjectLevel.None, null, zone, [], landRights, simulated, commitments ?? [], tolerance ?? [], Platform);

    public async Task<ProjectView> FileAsync(FileProjectRequest request)
    {
        var result = await Commands.FileProjectAsync(request);
        Assert.True(result.Outcome == FileProjectOutcome.Created, $"{result.Outcome}: {string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}"))}");
        await Host.RunUntilIdleAsync();
        return await ProjectAsync(request.ProjectCode);
    }

    public async Task<ProjectView> ProjectAsync(string code)
    {
        await Host.RunUntilIdleAsync();
        var view = await Queries.GetProjectAsync(code);
        Assert.NotNull(view);
        return view!;
    }

    public async Task<CommandResult> DecideAsync(string code, string item, DepartmentDecision decision)
    {
        var view = await ProjectAsync(code);
        var dept = view.Items.First(i => i.ItemCode == item).DepartmentCode;
        var r = await Commands.RecordDecisionAsync(dept, code, item, decision);
        await Host.RunUntilIdleAsync();
        return r;
    }

    public async Task<CommandResult> ApproveAsync(string code, string item)
    {
        var view = await ProjectAsync(code);
        var dept = view.Items.First(i => i.ItemCode == item && i.Open).DepartmentCode;
        var r = await Commands.RecordDecisionAsync(dept, code, item, DepartmentDecision.Approve(Dept(dept), $"approve-{item}-{Now.Ticks}"));
        Assert.True(r.Outcome == CommandOutcome.Applied, $"{item}: {r.Outcome} {r.State} {r.Message}");
        await Host.RunUntilIdleAsync();
        return r;
    }

    /// <summary>Approves every open item (repeating as new ones open) except those named; returns the items approved.</summary>
    public async Task<List<string>> ApproveAllOpenAsync(string code, params string[] except)
    {
        var approved = new List<string>();
        for (var guard = 0; guard < 50; guard++)
        {
            var open = (await ProjectAsync(code)).Items.Where(i => i.Open && !except.Contains(i.ItemCode)).ToList();
            if (open.Count == 0) return approved;
            foreach (var i in open)
            {
                await ApproveAsync(code, i.ItemCode);
                approved.Add(i.ItemCode);
            }
        }
        throw new InvalidOperationException("Items keep opening");
    }

    /// <summary>Moves the fake clock to a Beijing-time instant, firing the timers in between.</summary>
    public async Task AdvanceToAsync(DateTimeOffset instant)
    {
        var delta = instant - Now;
        if (delta > TimeSpan.Zero) await Host.AdvanceTimeAsync(delta);
        await Host.RunUntilIdleAsync();
    }

    public static DateTimeOffset Bj(string s) => Support.TestData.Bj(s);
}
