using OpenQA.Selenium.Chrome;

namespace MovieRecs.Web.Tests;

/// <summary>Debian's Chromium and ChromeDriver (packages <c>chromium</c> and <c>chromium-driver</c>), headless, driven
/// through Selenium. <c>MOVIERECS_CHROMIUM</c> and <c>MOVIERECS_CHROMEDRIVER</c> name other binaries.</summary>
internal static class Browser
{
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("MOVIERECS_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium";

    public static string DriverPath { get; } = Environment.GetEnvironmentVariable("MOVIERECS_CHROMEDRIVER") is { Length: > 0 } driver ? driver : "/usr/bin/chromedriver";

    /// <summary>Why no browser test can run here, or null when one can.</summary>
    public static string? MissingReason { get; } =
        File.Exists(ChromiumPath) && File.Exists(DriverPath)
            ? null
            : $"No browser: {(File.Exists(ChromiumPath) ? DriverPath : ChromiumPath)} not found. On Debian: apt-get install chromium chromium-driver (.ci/run installs them when it can).";

    /// <summary>Starts a headless browser with a window of the given size.</summary>
    public static ChromeDriver Start(int width, int height)
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
            "--no-first-run", "--lang=en-US", "--force-device-scale-factor=1", $"--window-size={width},{height}");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
