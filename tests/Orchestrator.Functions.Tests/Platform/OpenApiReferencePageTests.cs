using Microsoft.Playwright;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>The API reference page in a real headless Chromium (Debian's system browser; no network): it lists the operations from /openapi/v1.json.</summary>
public sealed class OpenApiReferencePageTests(FakeLifecycleHostFixture fixture) : IClassFixture<FakeLifecycleHostFixture>
{
    private static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    [Fact]
    public async Task The_reference_page_lists_the_operations_with_their_parameters_and_bodies()
    {
        Assert.True(File.Exists(ChromiumPath), $"No Chromium at {ChromiumPath}; install Debian's chromium package (test.sh does) or set CHROMIUM_PATH.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true, Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
        });
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(new Uri(fixture.Host.BaseAddress, $"/openapi?code={HostUnderTest.ViewerKey}").ToString());
        Assert.Equal(200, response!.Status);

        await page.WaitForSelectorAsync("details.op", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal("Orchestrator v1", await page.InnerTextAsync("#title"));
        var summaries = await page.Locator("details.op > summary").AllInnerTextsAsync();
        Assert.Contains(summaries, s => s.Contains("POST") && s.Contains("/api/projects") && s.Contains("File a project"));
        Assert.Contains(summaries, s => s.Contains("/api/departments/{departmentCode}/items/{projectCode}/{itemCode}/decisions"));
        Assert.Contains(summaries, s => s.Contains("GET") && s.Contains("/api/sla/board"));
        foreach (var tag in new[] { "Projects", "Departments", "SLA", "Management" })
            Assert.Contains(tag, await page.Locator("h2").AllInnerTextsAsync());

        var decide = page.Locator("details#RecordDecision");
        await decide.Locator("summary").ClickAsync();
        var text = await decide.InnerTextAsync();
        Assert.Contains("Idempotency-Key", text);
        Assert.Contains("\"kind\"", text);         // the request body's shape
        Assert.Contains("application/problem+json", text);

        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "openapi-reference.png"), FullPage = true });
    }
}
