using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;
using MovieRecs.Tests;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;

namespace MovieRecs.Web.Tests;

/// <summary>
/// The page in a real browser: search titles, pick five favourites (the fifth with the keyboard only), get
/// recommendations with "because you liked …" and similar movies, and a screenshot of the result. The screenshots go
/// to the folder named by <c>MOVIERECS_SCREENSHOTS</c>, a full path, since the tests run in their output folder (the
/// README's is docs/images/web-page.png, from the ml-100k test), else to a temporary folder that is deleted.
/// </summary>
public sealed class IndexPageTests(ServiceData data, BrowserSession browser) : IClassFixture<ServiceData>, IClassFixture<BrowserSession>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _temporary = Directory.CreateTempSubdirectory("movierecs-page-");

    public void Dispose() => _temporary.Delete(recursive: true);

    [BrowserFact]
    public void Page_FiveFavouritesPicked_ShowsRecommendationsWithExplanationsAndSimilarMovies()
    {
        // Five of the most rated movies, each searched by its title without the year.
        var picks = data.Dataset.Movies
            .Where(m => data.Interactions.Items.Contains(m.Id))
            .OrderByDescending(m => data.Interactions.UserItems.GetColumnCounts()[data.Interactions.Items.IndexOf(m.Id)])
            .ThenBy(m => m.Id)
            .Take(5)
            .Select(m => (Query: m.Title[..m.Title.LastIndexOf(" (", StringComparison.Ordinal)].ToLowerInvariant(), Title: m.Title))
            .ToArray();

        Run(data.ModelFiles[0], data.DataFolder, picks, "web-page-synthetic.png");
    }

    [BrowserFact("ml-100k")]
    public void Page_RealTitles_ShowsRecommendationsWithExplanations()
    {
        var folder = TestData.Release("ml-100k")!;
        var dataset = MovieLensDataset.Load(folder);
        var interactions = InteractionMatrix.Build(dataset.Ratings);
        var model = new AlsTrainer(new AlsOptions { Factors = 64, Iterations = 15, Regularization = 0.01, Seed = 1 }).Fit(interactions.UserItems);
        var modelFile = Path.Combine(_temporary.FullName, "ml-100k.mrals");
        AlsModelFile.Save(model, modelFile, interactions.Users, interactions.Items);
        (string, string)[] picks =
        [
            ("star wars (1977)", "Star Wars (1977)"),
            ("jurassic park", "Jurassic Park (1993)"),
            ("men in black", "Men in Black (1997)"),
            ("terminator 2", "Terminator 2: Judgment Day (1991)"),
            ("the terminator", "Terminator, The (1984)"),
        ];

        Run(modelFile, folder, picks, "web-page.png");
    }

    private void Run(string modelFile, string dataFolder, IReadOnlyList<(string Query, string Title)> picks, string screenshotName)
    {
        using var factory = new ServiceFactory(modelFile, dataFolder);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(address + "/");
        Until(driver, () => driver.FindElement(By.Id("model-status")).Text.StartsWith("Model version 1:", StringComparison.Ordinal));
        Assert.False(driver.FindElement(By.Id("recommend")).Enabled);

        // Four favourites with the mouse: type, press Enter, click Add on the movie found.
        var search = driver.FindElement(By.Id("search-input"));
        for (var i = 0; i < picks.Count - 1; i++)
        {
            var add = Search(driver, search, picks[i]);
            add.Click();
            Until(driver, () => driver.FindElement(By.Id("favourite-count")).Text == $"({i + 1})");
        }

        // The fifth with the keyboard only: Enter searches, Tab passes the Search button to the first Add button.
        var last = Search(driver, search, picks[^1]);
        Assert.Equal(search, driver.SwitchTo().ActiveElement());
        new Actions(driver).SendKeys(Keys.Tab).SendKeys(Keys.Tab).Perform();
        Assert.Equal(last, driver.SwitchTo().ActiveElement());
        Assert.StartsWith("Add ", last.GetAttribute("aria-label"), StringComparison.Ordinal);
        new Actions(driver).SendKeys(Keys.Enter).Perform();
        Until(driver, () => driver.FindElement(By.Id("favourite-count")).Text == $"({picks.Count})");
        var favourites = driver.FindElements(By.CssSelector("#favourites .title")).Select(e => FirstLine(e.Text)).ToArray();
        Assert.Equal(picks.Select(p => p.Title), favourites);

        driver.FindElement(By.Id("recommend")).Click();
        Until(driver, () => driver.FindElement(By.Id("recommend-status")).Text == $"10 movies for {picks.Count} favourites.");
        var recommendations = driver.FindElements(By.CssSelector("#recommendations li"));
        Assert.Equal(10, recommendations.Count);
        var reasons = recommendations.Select(r => r.FindElement(By.ClassName("because")).Text).ToArray();
        Assert.All(reasons, reason => Assert.True(
            reason.StartsWith("Because you liked ", StringComparison.Ordinal) || reason == "No favourite of yours stands out for this one.", reason));
        Assert.Contains(reasons, reason => favourites.Any(f => reason.Contains(f, StringComparison.Ordinal)));
        var recommended = recommendations.Select(r => r.FindElement(By.CssSelector(".title")).Text).ToArray();
        Assert.DoesNotContain(recommended, title => favourites.Any(f => title.EndsWith(f, StringComparison.Ordinal)));

        recommendations[0].FindElement(By.ClassName("similar")).Click();
        Until(driver, () => driver.FindElement(By.Id("similar-panel")).Displayed && driver.FindElements(By.CssSelector("#similar li")).Count == 6);
        Assert.Equal(driver.FindElement(By.Id("similar-panel")), driver.SwitchTo().ActiveElement());

        SaveScreenshot(driver, screenshotName);
    }

    /// <summary>Searches and waits until the movie is listed; returns its Add button.</summary>
    private static IWebElement Search(ChromeDriver driver, IWebElement input, (string Query, string Title) pick)
    {
        input.Clear();
        input.SendKeys(pick.Query + Keys.Enter);
        IWebElement? add = null;
        Until(driver, () =>
        {
            var first = driver.FindElements(By.CssSelector("#search-results li")).FirstOrDefault();
            add = first is not null && FirstLine(first.FindElement(By.ClassName("title")).Text) == pick.Title ? first.FindElement(By.ClassName("add")) : null;
            return add is { Enabled: true };
        });
        return add!;
    }

    private void SaveScreenshot(ChromeDriver driver, string name)
    {
        // The whole page in one picture: a viewport as tall as the page, scrolled to the top.
        driver.ExecuteScript("document.activeElement.blur(); window.scrollTo(0, 0);");
        var chrome = Convert.ToInt32(driver.ExecuteScript("return window.outerHeight - window.innerHeight;"), System.Globalization.CultureInfo.InvariantCulture);
        var height = Convert.ToInt32(driver.ExecuteScript("return document.documentElement.scrollHeight;"), System.Globalization.CultureInfo.InvariantCulture);
        driver.Manage().Window.Size = new System.Drawing.Size(1280, Math.Min(height + chrome, 4000));
        var folder = Environment.GetEnvironmentVariable("MOVIERECS_SCREENSHOTS") is { Length: > 0 } chosen ? chosen : _temporary.FullName;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        driver.GetScreenshot().SaveAsFile(path);
        var png = File.ReadAllBytes(path);
        Assert.True(png.Length > 10_000, $"{path}: {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static void Until(ChromeDriver driver, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (StaleElementReferenceException)
            {
                // The page re-rendered the list meanwhile: look again.
            }
            catch (NoSuchElementException)
            {
            }

            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds} s. The page said: {driver.FindElement(By.TagName("main")).Text}");
            }

            Thread.Sleep(50);
        }
    }
}
