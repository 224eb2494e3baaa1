using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle.Services;

/// <summary>Maps the stored statuses to API views at an instant (SLA lights computed at read time).</summary>
public static class ProjectViews
{
    public static ItemView ToView(ItemStatus s, DateTimeOffset now, ItemClockCalculator calc)
    {
        var sla = ItemSla.Read(s, now, calc);
        DueView? due = sla.DueAt is { } d ? new DueView(d, ChinaTime.LocalDate(d), sla.Provisional, sla.DaysRemaining) : null;
        DueView? materials = null;
        if (s.MaterialsClock is { } mc)
        {
            var r = calc.Read(mc, now);
            materials = new DueView(r.DueAt, ChinaTime.LocalDate(r.DueAt), r.IsProvisional, r.DaysRemaining);
        }
        return new ItemView(s.Item.Code, s.Item.NameZh, s.Item.NameEn, s.Item.Stage, s.Item.DepartmentCode, s.Item.Mode, s.Item.ToleranceAccepted,
            s.Item.Reason, s.Round, s.Purpose, s.InstanceId, s.State, ItemStates.IsOpen(s.State), s.AcceptedAt, due, sla.Light, materials,
            s.MaterialsSuppliedAt is null ? s.MissingMaterials : [], s.SimulatedValidUntil, s.DecidedAt, s.WorkingDaysLate, s.Escalations, s.Decisions);
    }

    public static SlaLight Worst(IEnumerable<SlaLight> lights) => lights.DefaultIfEmpty(SlaLight.None).Max();

    public static ProjectView ToView(ProjectStatus p, string runtimeStatus, DateTimeOffset now, ItemClockCalculator calc, ApprovalCatalog? catalog)
    {
        var items = p.Items.Select(i => ToView(i, now, calc)).ToList();
        var stageName = catalog?.Stages.FirstOrDefault(s => s.Number == p.CurrentStage) is { } st ? $"{st.NameZh} ({st.NameEn})" : $"Stage {p.CurrentStage}";
        var escalations = p.Escalations.Select(e => ToView(p.ProjectCode, e)).ToList();
        return new ProjectView(p.ProjectCode, p.ProjectName, InstanceIds.Project(p.ProjectCode), p.Enterprise, p.Phase, p.CurrentStage, stageName, runtimeStatus,
            p.FiledAt, p.CompletedAt, p.ClosedReason, p.LandRightsHeld, p.SimulatedApproval, Worst(items.Select(i => i.Light)), items, escalations,
            p.Commitments, p.CreditEvents, p.Timeline, now);
    }

    public static EscalationView ToView(string projectCode, EscalationRecord e) =>
        new(projectCode, e.MeetingInstanceId, e.Sequence, e.Cause, e.ItemCodes, e.Departments, e.Level, e.State, e.OpenedAt, e.ConveneBy, e.ResolvedAt, e.Resolution, e.MootAt, e.MootReason);

    public static ProjectSummary ToSummary(ProjectStatus p, string runtimeStatus, DateTimeOffset now, ItemClockCalculator calc)
    {
        var lights = p.Items.Select(i => ItemSla.Read(i, now, calc).Light).ToList();
        return new ProjectSummary(p.ProjectCode, p.ProjectName, p.Enterprise.Uscc, p.Enterprise.Name, p.Phase, p.CurrentStage, Worst(lights),
            p.Items.Count(i => ItemStates.IsOpen(i.State)), lights.Count(l => l == SlaLight.Red), p.FiledAt, runtimeStatus);
    }
}
