using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>Request shorthands of the platform and department API.</summary>
public static class PlatformRequests
{
    /// <summary>A valid enterprise (the standard's worked example, grade data in the credit seed may differ).</summary>
    public const string Uscc = "91350100M000100Y43";

    public static string NewProjectCode() => $"2603-141124-89-05-{Random.Shared.Next(0, 1_000_000):D6}";

    /// <summary>A filing body that passes validation; <paramref name="edit"/> changes it.</summary>
    public static JsonObject Filing(string projectCode, Action<JsonObject>? edit = null)
    {
        var body = new JsonObject
        {
            ["projectCode"] = projectCode,
            ["projectName"] = "标准化厂房二期 standardised factory phase II",
            ["uscc"] = Uscc,
            ["enterpriseName"] = "金昌示范制造有限公司",
            ["investmentNature"] = "EnterpriseFiling",
            ["totalInvestmentWan"] = 12000,
            ["landRightsHeld"] = true,
        };
        edit?.Invoke(body);
        return body;
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> FileAsync(this HttpClient client, JsonObject filing) =>
        client.PostAsync("/api/projects", Json(filing));

    public static async Task<HttpResponseMessage> DecideAsync(this HttpClient client, string department, string projectCode, string itemCode,
        object decision, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/departments/{department}/items/{projectCode}/{itemCode}/decisions")
        {
            Content = decision is JsonNode node ? Json(node) : Json(decision),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, object? body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : body is JsonNode n ? Json(n) : Json(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    /// <summary>Asserts a 400 validation problem naming <paramref name="field"/>; returns its messages.</summary>
    public static async Task<string[]> AssertFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await Infrastructure.Api.AssertProblemAsync(response, System.Net.HttpStatusCode.BadRequest, "validation");
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"no error for '{field}' in {problem.ToJsonString()}");
        return errors![field]!.AsArray().Select(m => (string)m!).ToArray();
    }
}
