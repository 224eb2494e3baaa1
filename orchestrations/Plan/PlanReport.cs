using System.Text;

namespace Orchestrator.Orchestrations.Plan;

/// <summary>Renders a plan as plain text (approval map and savings breakdown) for logs, reviews and tests.</summary>
public static class PlanReport
{
    public static string Render(ApprovalPlan plan)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Approval map for {plan.ProjectCode} (enterprise {plan.EnterpriseUscc}, zone {plan.ZoneCode}, catalog {plan.CatalogVersion})");
        sb.AppendLine($"Start {plan.StartDate:yyyy-MM-dd}, finish {plan.Finish:yyyy-MM-dd}, {plan.WorkingDays} approval working days{(plan.IsProvisional ? $" (provisional: no holiday data for {string.Join(", ", plan.MissingYears)})" : "")}");
        foreach (var stage in plan.Stages)
        {
            sb.AppendLine($"Stage {stage.Number} {stage.NameZh} {stage.NameEn}: {stage.Start:yyyy-MM-dd} -> {stage.Finish:yyyy-MM-dd}, {stage.WorkingDays} working days");
            foreach (var i in stage.Items)
                sb.AppendLine($"  {i.Code,-32} {i.DepartmentCode,-5} {i.Mode,-27} {i.Limit,-20} accepted {i.AcceptedOn:yyyy-MM-dd} due {i.DueOn:yyyy-MM-dd} ({i.PlannedWorkingDays} wd)");
        }
        var c = plan.Comparison;
        sb.AppendLine($"Versus traditional: {c.TraditionalWorkingDays} -> {c.PlannedWorkingDays} working days (-{c.SavedWorkingDays}, -{c.SavedPercent}%); "
                      + $"to construction permit {c.TraditionalToConstructionPermit} -> {c.PlannedToConstructionPermit} (-{c.SavedToConstructionPermit}, -{c.SavedPercentToConstructionPermit}%)");
        foreach (var s in c.Stages)
            sb.AppendLine($"  stage {s.Stage}: {s.TraditionalWorkingDays} -> {s.PlannedWorkingDays}");
        foreach (var i in c.Items.Where(i => i.SavedWorkingDays != 0))
            sb.AppendLine($"  {i.ItemCode,-32} {i.TraditionalWorkingDays,3} -> {i.PlannedWorkingDays,3}: {string.Join("; ", i.Parts.Select(p => $"{p.Source} -{p.WorkingDays} ({p.Explanation})"))}");
        foreach (var kv in c.ItemDaysSavedBySource)
            sb.AppendLine($"  item days saved by {kv.Key}: {kv.Value}");
        foreach (var n in plan.Notes) sb.AppendLine($"Note: {n}");
        return sb.ToString();
    }
}
