using System.Text.Json.Nodes;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.DomainData;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Catalog;

public class CatalogLoaderTests
{
    private const string Minimal = """
        {
          "version": "test.1",
          "stages": [ { "number": 1, "code": "s1", "nameZh": "一", "nameEn": "One" }, { "number": 2, "code": "s2", "nameZh": "二", "nameEn": "Two" } ],
          "departments": [ { "code": "D1", "nameZh": "部门", "nameEn": "Dept" } ],
          "regionalAssessmentKinds": [ { "code": "energy", "nameZh": "能评", "nameEn": "Energy" } ],
          "items": [
            { "code": "A", "nameZh": "甲", "nameEn": "A", "stage": 1, "department": "D1",
              "legalLimit": { "days": 20, "unit": "working" }, "promisedLimit": { "days": 10, "unit": "working" } },
            { "code": "B", "nameZh": "乙", "nameEn": "B", "stage": 2, "department": "D1", "prerequisites": ["A"],
              "legalLimit": { "days": 20, "unit": "working" }, "promisedLimit": { "days": 10, "unit": "working" } }
          ]
        }
        """;

    private static ApprovalCatalog Load(string json) => CatalogLoader.Load(Stream(json), "catalog.json");

    private static DomainDataException Fails(Action<JsonNode> change)
    {
        var node = JsonNode.Parse(Minimal)!;
        change(node);
        return Assert.Throws<DomainDataException>(() => Load(node.ToJsonString()));
    }

    private static JsonNode Item(JsonNode root, int i) => root["items"]![i]!;

    [Fact]
    public void A_valid_catalog_loads_with_its_version() => Assert.Equal("test.1", Load(Minimal).Version);

    [Fact]
    public void An_unknown_department_names_the_item()
    {
        var ex = Fails(n => Item(n, 1)["department"] = "D9");
        Assert.Equal("catalog.json", ex.File);
        Assert.Equal("items[1] (B)", ex.Location);
        Assert.Contains("unknown department 'D9'", ex.Problem);
    }

    [Fact]
    public void A_prerequisite_cycle_names_the_items_in_the_cycle()
    {
        var ex = Fails(n =>
        {
            Item(n, 1)["stage"] = 1;
            Item(n, 0)["prerequisites"] = new JsonArray("B");
        });
        Assert.Contains("prerequisite cycle", ex.Problem);
        Assert.Contains("A -> B -> A", ex.Problem);
    }

    [Fact]
    public void A_missing_legal_limit_names_the_item()
    {
        var ex = Fails(n => Item(n, 0).AsObject().Remove("legalLimit"));
        Assert.Equal("items[0] (A)", ex.Location);
        Assert.Contains("legalLimit", ex.Problem);
    }

    [Fact]
    public void A_missing_promised_limit_names_the_item() =>
        Assert.Contains("promisedLimit", Fails(n => Item(n, 1).AsObject().Remove("promisedLimit")).Problem);

    [Fact]
    public void A_limit_without_days_is_rejected() =>
        Assert.Contains("legalLimit.days", Fails(n => Item(n, 0)["legalLimit"]!.AsObject().Remove("days")).Problem);

    [Fact]
    public void A_limit_unit_must_be_working_or_natural() =>
        Assert.Contains("expected working or natural", Fails(n => Item(n, 0)["legalLimit"]!["unit"] = "weeks").Problem);

    [Fact]
    public void A_promised_limit_longer_than_the_legal_one_is_rejected() =>
        Assert.Contains("longer than the legal limit", Fails(n => Item(n, 0)["promisedLimit"]!["days"] = 30).Problem);

    [Fact]
    public void Duplicate_item_codes_are_rejected()
    {
        var ex = Fails(n => Item(n, 1)["code"] = "A");
        Assert.Equal("items[1] (A)", ex.Location);
        Assert.Contains("duplicate item code 'A'", ex.Problem);
    }

    [Fact]
    public void An_unknown_prerequisite_is_rejected() =>
        Assert.Contains("unknown prerequisite 'Z'", Fails(n => Item(n, 1)["prerequisites"] = new JsonArray("Z")).Problem);

    [Fact]
    public void A_prerequisite_in_a_later_stage_is_rejected() =>
        Assert.Contains("later stage", Fails(n => Item(n, 0)["prerequisites"] = new JsonArray("B")).Problem);

    [Fact]
    public void An_item_cannot_be_its_own_prerequisite() =>
        Assert.Contains("itself", Fails(n => Item(n, 0)["prerequisites"] = new JsonArray("A")).Problem);

    [Fact]
    public void An_unknown_stage_is_rejected() =>
        Assert.Contains("unknown stage 7", Fails(n => Item(n, 0)["stage"] = 7).Problem);

    [Fact]
    public void An_unknown_regional_assessment_kind_is_rejected() =>
        Assert.Contains("unknown regional assessment kind 'noise'", Fails(n => Item(n, 0)["waivedByRegionalAssessments"] = new JsonArray("noise")).Problem);

    [Fact]
    public void Tolerance_acceptance_needs_a_materials_deadline() =>
        Assert.Contains("toleranceMaterialsLimit", Fails(n => Item(n, 0)["toleranceAllowed"] = true).Problem);

    [Fact]
    public void Duplicate_department_codes_are_rejected() =>
        Assert.Contains("used twice", Fails(n => n["departments"]!.AsArray().Add(JsonNode.Parse("""{ "code": "D1", "nameZh": "x", "nameEn": "x" }"""))).Problem);

    [Fact]
    public void A_missing_version_is_rejected() =>
        Assert.Equal("version", Fails(n => n.AsObject().Remove("version")).Location);

    [Fact]
    public void An_unknown_field_is_rejected_naming_it() =>
        Assert.Contains("comitmentAllowed", Fails(n => Item(n, 0)["comitmentAllowed"] = true).Message);

    [Fact]
    public void An_unknown_investment_nature_names_the_line()
    {
        var json = Minimal.Replace("\"stage\": 1,", "\"stage\": 1,\n \"appliesTo\": { \"investmentNatures\": [\"private\"] },");
        var ex = Assert.Throws<DomainDataException>(() => Load(json));
        Assert.Equal("line 8", ex.Location); // the first item's appliesTo
    }

    [Fact]
    public void Invalid_JSON_names_the_line()
    {
        var ex = Assert.Throws<DomainDataException>(() => Load("{\n  \"version\": \"x\",\n  \"stages\": [ }\n}"));
        Assert.Equal("line 3", ex.Location);
    }

    [Fact]
    public void A_missing_catalog_file_is_named() =>
        Assert.Contains("/nowhere/catalog.json", Assert.Throws<DomainDataException>(() => CatalogLoader.LoadFile("/nowhere/catalog.json")).Message);

    [Fact]
    public void Items_come_in_stage_order_with_prerequisites_first()
    {
        var catalog = Support.Domain.Catalog;
        var position = catalog.Items.Select((item, i) => (item.Code, i)).ToDictionary(x => x.Code, x => x.i);
        foreach (var item in catalog.Items)
            foreach (var p in item.Prerequisites)
                Assert.True(position[p] < position[item.Code], $"{p} should come before {item.Code}");
        Assert.Equal(catalog.Items.Select(i => i.Stage).Order(), catalog.Items.Select(i => i.Stage));
    }
}
