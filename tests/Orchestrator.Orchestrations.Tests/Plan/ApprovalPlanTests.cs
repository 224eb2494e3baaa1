using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Tests.Support;
using Xunit.Abstractions;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Plan;

public class ApprovalPlanTests(ITestOutputHelper output)
{
    [Fact]
    public void Jinchang_sample_shows_where_the_saving_comes_from()
    {
        var plan = Domain.Planner().Plan(Domain.JinchangFactoryPhaseII(), D("2026-03-02"));
        output.WriteLine(PlanReport.Render(plan));
    }
}
