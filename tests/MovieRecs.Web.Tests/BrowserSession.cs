using OpenQA.Selenium.Chrome;

namespace MovieRecs.Web.Tests;

/// <summary>One headless browser shared by the tests of a class (starting one takes seconds), started on first use.</summary>
public sealed class BrowserSession : IDisposable
{
    private ChromeDriver? _driver;

    /// <summary>The browser, with a 1280 x 900 window.</summary>
    public ChromeDriver Driver
    {
        get
        {
            _driver ??= Browser.Start(1280, 900);
            _driver.Manage().Window.Size = new System.Drawing.Size(1280, 900);
            return _driver;
        }
    }

    public void Dispose() => _driver?.Quit();
}
