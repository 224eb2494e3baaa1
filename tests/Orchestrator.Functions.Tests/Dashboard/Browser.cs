using Microsoft.Playwright;

namespace Orchestrator.Functions.Tests.Dashboard;

/// <summary>
/// Headless Chromium through Microsoft.Playwright, using the system browser (Debian's chromium package):
/// `playwright install` cannot download browsers here. The Playwright driver (node + playwright-core) comes
/// inside the NuGet package and is copied to the test output under .playwright/, so nothing else is needed.
/// CHROMIUM_PATH overrides the browser location.
/// </summary>
public static class Browser
{
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromiumPath;

    public static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}. Install Debian's package (apt-get install -y chromium; test.sh does it when missing) or set CHROMIUM_PATH.");
        }
        // The machine may be busy (CI shares its cores): give expectations more than Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(15_000);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Where screenshots go: TestResults/screenshots under the test output (override with SCREENSHOT_DIR).</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("SCREENSHOT_DIR") is { Length: > 0 } d
                ? d
                : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
