namespace Orchestrator.Functions.Tests.Dashboard;

public sealed class BrowserSmokeTests
{
    [Fact]
    public async Task System_chromium_starts_under_playwright_and_renders_a_page()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<h1 id='t'>hello</h1>");
        Assert.Equal("hello", await page.InnerTextAsync("#t"));
    }
}
