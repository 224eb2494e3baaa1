using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Identifiers;

namespace Orchestrator.Orchestrations.Plan;

/// <summary>
/// Produces the approval map (一张图) of a project: which items it needs, how each is handled, and the dates if
/// every item uses its full limit. Deterministic: the start date is an argument.
/// </summary>
/// <remarks>
/// Scheduling: stages run in order (a stage starts when the previous one ends); inside a stage items run in
/// parallel, each starting when its prerequisites end; an item is accepted after its material preparation
/// (working days, removed by agency service or tolerance acceptance) on a working day, and ends when its
/// limit runs out. Waived and commitment items take no time. Mode precedence: regional-assessment waiver,
/// then commitment (if chosen and the credit policy allows), then simulated approval (no land rights yet),
/// then tolerance (if chosen and allowed), else normal.
/// </remarks>
public sealed class ApprovalPlanner(ApprovalCatalog catalog, ZoneRegistry zones, WorkingCalendar calendar, CreditPolicy creditPolicy, PlannerOptions options)
{
    public ApprovalPlanner(ApprovalCatalog catalog, ZoneRegistry zones, WorkingCalendar calendar, CreditPolicy creditPolicy)
        : this(catalog, zones, calendar, creditPolicy, new PlannerOptions()) { }

    public ApprovalCatalog Catalog { get; } = catalog;

    /// <summary>Items the project needs, in catalog order.</summary>
    public IReadOnlyList<CatalogItem> RequiredItems(ProjectProfile project) =>
        Catalog.Items.Where(i => Applies(i.AppliesTo, project)).ToList();

    /// <summary>Builds the plan starting on <paramref name="startDate"/> (that day is not counted).</summary>
    public ApprovalPlan Plan(ProjectProfile project, DateOnly startDate)
    {
        var projectCode = ProjectCode.Parse(project.ProjectCode);
        var uscc = UnifiedSocialCreditCode.Parse(project.EnterpriseUscc, project.UsccIsLegacyRecord ? UsccValidationMode.LegacyRecord : UsccValidationMode.Strict);
        var zone = zones.Get(project.ZoneCode);
        foreach (var code in project.ChosenCommitments.Concat(project.ChosenTolerance))
            if (!Catalog.TryGetItem(code, out _))
                throw new ArgumentException($"Chosen item '{code}' is not in catalog {Catalog.Version}.", nameof(project));

        var required = RequiredItems(project);
        var applicant = new CommitmentApplicant(project.Credit, project.Sector, project.MajorProjectLevel);
        var decisions = creditPolicy.EvaluateAll(required, applicant);
        var decisionByCode = decisions.ToDictionary(d => d.ItemCode);
        var notes = new List<string>();
        foreach (var code in project.ChosenCommitments.Concat(project.ChosenTolerance).Distinct())
            if (required.All(i => i.Code != code))
                notes.Add($"{code} was chosen but the project does not need it; the choice is ignored.");

        var missing = new SortedSet<int>();
        var plannedSpecs = required.Select(i => Decide(i, project, zone, decisionByCode[i.Code])).ToList();
        var traditionalSpecs = required.Select(i => new Spec(i, HandlingMode.Normal, false,
            "Traditional procedure within the legal limit.", i.LegalLimit, i.PreparationDays, false)).ToList();

        var planned = Schedule(plannedSpecs, startDate, missing);
        var traditional = Schedule(traditionalSpecs, startDate, missing);

        if (!project.LandRightsHeld && plannedSpecs.Any(s => s.Mode == HandlingMode.Simulated))
            notes.Add($"Simulated opinions (模拟审批) have no legal force, are valid for {options.SimulatedValidityYears} year(s), and are turned into formal approvals within "
                      + $"{options.SimulatedConversionWorkingDays} working days of signing the land contract or allocation decision; construction may not start on them.");
        if (uscc is not null && UnifiedSocialCreditCode.Validate(project.EnterpriseUscc, UsccValidationMode.LegacyRecord).Warnings.FirstOrDefault() is { } w)
            notes.Add($"USCC warning (legacy record): {w.Message}.");
        var last = Catalog.Stages[^1].Number;
        notes.Add($"Stage {last} dates assume completion acceptance is applied for as soon as stage {last - 1} ends; construction time comes in between.");

        var comparison = Compare(required, plannedSpecs, planned, traditional, missing);
        var stages = planned.Stages;
        return new ApprovalPlan(projectCode.Value, uscc!.Value, Catalog.Version, zone.Code, startDate, planned.Finish,
            stages.Sum(s => s.WorkingDays), stages, decisions, comparison, notes, missing.ToList());
    }

    private Spec Decide(CatalogItem item, ProjectProfile project, Zone zone, CommitmentDecision decision)
    {
        var chosenCommitment = project.ChosenCommitments.Contains(item.Code);
        var chosenTolerance = project.ChosenTolerance.Contains(item.Code);
        var covering = item.WaivedByRegionalAssessments.Where(zone.RegionalAssessments.Contains).ToList();
        if (covering.Count > 0)
        {
            var kinds = string.Join(", ", covering.Select(k => Catalog.RegionalAssessmentKinds.First(x => x.Code == k)).Select(k => $"{k.NameEn} ({k.NameZh})"));
            var reason = $"Waived: the {zone.NameEn} ({zone.NameZh}) has a regional assessment covering it: {kinds}. The project uses the zone's results and applies for nothing."
                         + (chosenCommitment ? " The commitment chosen for it is not needed." : "");
            return new Spec(item, HandlingMode.WaivedByRegionalAssessment, false, reason, item.PromisedLimit, 0, true);
        }

        var prefix = "";
        if (chosenCommitment)
        {
            if (decision.Allowed)
                return new Spec(item, HandlingMode.Commitment, false,
                    decision.Explanation + " Granted on acceptance (承诺即办结); the commitment is verified at joint supervision or completion acceptance.",
                    item.PromisedLimit, 0, true);
            prefix = decision.Explanation + " ";
        }

        var toleranceOk = chosenTolerance && item.ToleranceAllowed;
        if (chosenTolerance && !item.ToleranceAllowed)
            prefix += "Tolerance acceptance was asked for but is not allowed for this item: all materials are needed at acceptance. ";
        var prep = project.AgencyService || toleranceOk ? 0 : item.PreparationDays;
        var toleranceText = toleranceOk ? $" Accepted with non-key materials missing (容缺受理); they are due within {item.ToleranceMaterialsLimit} of acceptance." : "";
        var agencyText = project.AgencyService && item.PreparationDays > 0 ? " The agent (帮办代办) prepares the materials in advance." : "";

        if (!project.LandRightsHeld && item.SimulatedApproval)
            return new Spec(item, HandlingMode.Simulated, toleranceOk,
                prefix + $"Simulated approval (模拟审批) within the promised limit of {item.PromisedLimit}: reviewed before land rights exist; the opinion is marked simulated until converted." + toleranceText + agencyText,
                item.PromisedLimit, prep, false);
        if (toleranceOk)
            return new Spec(item, HandlingMode.Tolerance, true, prefix + $"Tolerance acceptance within the promised limit of {item.PromisedLimit}." + toleranceText + agencyText,
                item.PromisedLimit, prep, false);
        return new Spec(item, HandlingMode.Normal, false, prefix + $"Normal procedure within the promised limit of {item.PromisedLimit}." + agencyText,
            item.PromisedLimit, prep, false);
    }

    private Timeline Schedule(List<Spec> specs, DateOnly start, SortedSet<int> missing)
    {
        var finish = new Dictionary<string, DateOnly>();
        var result = new Dictionary<string, PlannedItem>();
        var stages = new List<PlannedStage>();
        var stageStart = start;
        foreach (var stage in Catalog.Stages)
        {
            var items = new List<PlannedItem>();
            var stageFinish = stageStart;
            foreach (var spec in specs.Where(s => s.Item.Stage == stage.Number))
            {
                var item = spec.Item;
                var ready = item.Prerequisites.Where(finish.ContainsKey).Select(p => finish[p]).Append(stageStart).Max();
                DateOnly accepted, due;
                if (spec.TakesNoTime)
                    accepted = due = ready;
                else
                {
                    accepted = calendar.NextWorkingDayOnOrAfter(Track(calendar.AddWorkingDays(ready, spec.PreparationDays), missing));
                    due = spec.Limit.Unit == DayUnit.WorkingDays
                        ? Track(calendar.AddWorkingDays(accepted, spec.Limit.Days), missing)
                        : accepted.AddDays(spec.Limit.Days);
                }
                finish[item.Code] = due;
                var dept = Catalog.GetDepartment(item.Department);
                var days = Track(calendar.CountWorkingDays(ready, due), missing);
                items.Add(new PlannedItem(item.Code, item.NameZh, item.NameEn, item.Stage, dept.Code, dept.NameZh, dept.NameEn,
                    spec.Mode, spec.ToleranceAccepted, spec.Reason, spec.Limit, spec.ToleranceAccepted ? item.ToleranceMaterialsLimit : null,
                    spec.PreparationDays, ready, accepted, due, days, item.Prerequisites, item.JointAcceptance));
                if (due > stageFinish) stageFinish = due;
            }
            stages.Add(new PlannedStage(stage.Number, stage.NameZh, stage.NameEn, stageStart, stageFinish,
                Track(calendar.CountWorkingDays(stageStart, stageFinish), missing), items));
            foreach (var i in items) result[i.Code] = i;
            stageStart = stageFinish;
        }
        return new Timeline(stages, result, stageStart);
    }

    private PlanComparison Compare(IReadOnlyList<CatalogItem> required, List<Spec> specs, Timeline planned, Timeline traditional, SortedSet<int> missing)
    {
        var savings = new List<ItemSaving>();
        foreach (var spec in specs)
        {
            var item = spec.Item;
            var t = traditional.Items[item.Code].PlannedWorkingDays;
            var p = planned.Items[item.Code].PlannedWorkingDays;
            var parts = new List<SavingPart>();
            switch (spec.Mode)
            {
                case HandlingMode.WaivedByRegionalAssessment:
                    parts.Add(new(SavingSource.RegionalAssessment, t - p, "no separate assessment: the zone's regional assessment covers it"));
                    break;
                case HandlingMode.Commitment:
                    parts.Add(new(SavingSource.Commitment, t - p, "granted at once on the enterprise's commitment"));
                    break;
                default:
                    var prepSaved = item.PreparationDays - spec.PreparationDays;
                    if (prepSaved > 0)
                        parts.Add(spec.ToleranceAccepted
                            ? new(SavingSource.ToleranceAcceptance, prepSaved, "accepted with non-key materials missing, no wait for them")
                            : new(SavingSource.AgencyService, prepSaved, "the agent prepares the materials in advance"));
                    var rest = t - p - Math.Max(0, prepSaved);
                    if (rest != 0)
                        parts.Add(new(SavingSource.PromisedLimit, rest, $"promised limit {item.PromisedLimit} instead of the legal {item.LegalLimit}"));
                    break;
            }
            savings.Add(new ItemSaving(item.Code, item.NameZh, item.NameEn, item.Stage, t, p, parts));
        }
        var stages = Catalog.Stages.Select(s => new StageComparison(s.Number,
            traditional.Stages.First(x => x.Number == s.Number).WorkingDays,
            planned.Stages.First(x => x.Number == s.Number).WorkingDays)).ToList();
        int Through(Timeline s) => s.Stages.Where(x => x.Number <= options.ConstructionPermitStage).Sum(x => x.WorkingDays);
        return new PlanComparison(traditional.Stages.Sum(s => s.WorkingDays), planned.Stages.Sum(s => s.WorkingDays),
            Through(traditional), Through(planned), stages, savings);
    }

    private static bool Applies(ItemApplicability a, ProjectProfile p) =>
        (a.InvestmentNatures is null || a.InvestmentNatures.Contains(p.InvestmentNature))
        && (a.MinInvestmentWan is null || p.InvestmentWan >= a.MinInvestmentWan)
        && (a.LandRightsHeld is null || a.LandRightsHeld == p.LandRightsHeld)
        && (a.SiteConditions is null || a.SiteConditions.Any(p.SiteConditions.Contains));

    private static T Track<T>(CalendarResult<T> r, SortedSet<int> missing)
    {
        foreach (var y in r.MissingYears) missing.Add(y);
        return r.Value;
    }

    private sealed record Spec(CatalogItem Item, HandlingMode Mode, bool ToleranceAccepted, string Reason, TimeLimit Limit, int PreparationDays, bool TakesNoTime);

    private sealed record Timeline(IReadOnlyList<PlannedStage> Stages, IReadOnlyDictionary<string, PlannedItem> Items, DateOnly Finish);
}
