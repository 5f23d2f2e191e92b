using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MovieRecs.MovieLens;
using MovieRecs.Web.Api;

namespace MovieRecs.Web.Tests;

/// <summary>Every endpoint of the service and every error it answers, in memory (<c>WebApplicationFactory</c>),
/// checked against what the library answers for the same model and data.</summary>
public sealed class MovieRecsApiTests : IClassFixture<ServiceData>, IDisposable
{
    private readonly ServiceData _data;
    private readonly ServiceFactory _factory;
    private readonly HttpClient _client;
    private readonly MovieRecommender _library;

    public MovieRecsApiTests(ServiceData data)
    {
        _data = data;
        _factory = new ServiceFactory(data.ModelFiles[0], data.DataFolder);
        _client = _factory.CreateClient();
        _library = data.Recommender(data.ModelFiles[0]);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private int SomeUser => _data.Interactions.Users[17];

    private Movie SomeMovie => _data.Dataset.Movies[4];

    [Fact]
    public async Task RecommendForUser_KnownUser_AnswersTheLibrarysRecommendations()
    {
        using var response = await _client.GetAsync($"/users/{SomeUser}/recommendations?count=7");
        var answer = await response.Content.ReadFromJsonAsync(WebJsonContext.Default.UserRecommendations);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal(SomeUser, answer!.UserId);
        Assert.Equal(Expected(_library.RecommendForUser(SomeUser, 7)), answer.Recommendations);
        var row = _data.Interactions.Users.IndexOf(SomeUser);
        var rated = _data.Interactions.UserItems.GetColumnIndices(row).ToArray().Select(c => _data.Interactions.Items[c]);
        Assert.DoesNotContain(answer.Recommendations, r => rated.Contains(r.MovieId));

        var byDefault = await _client.GetFromJsonAsync($"/users/{SomeUser}/recommendations", WebJsonContext.Default.UserRecommendations);
        Assert.Equal(10, byDefault!.Recommendations.Count);
    }

    [Fact]
    public async Task RecommendForUser_UnknownUser_IsProblem404()
    {
        using var response = await _client.GetAsync("/users/999999/recommendations");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "Unknown user");
        Assert.Contains("999999", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("101")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public async Task EveryCountedEndpoint_BadCount_IsProblem400(string count)
    {
        string[] paths =
        [
            $"/users/{SomeUser}/recommendations?count={count}",
            $"/movies/{SomeMovie.Id}/similar?count={count}",
            $"/users/{SomeUser}/explanations/{SomeMovie.Id}?count={count}",
            $"/movies/search?q=synthetic&count={count}",
        ];
        foreach (var path in paths)
        {
            using var response = await _client.GetAsync(path);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using var post = await _client.PostAsync("/recommendations", Json($$"""{"movieIds": [{{SomeMovie.Id}}], "count": "{{count}}"}"""));
        await ProblemAssert.IsProblemAsync(post, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/users/99999999999/recommendations", "user id", "'99999999999'")]
    [InlineData("/users/-2147483649/recommendations", "user id", "'-2147483649'")]
    [InlineData("/users/abc/recommendations", "user id", "'abc'")]
    [InlineData("/movies/1.5/similar", "movie id", "'1.5'")]
    [InlineData("/movies/%01%1b[31m/similar", "movie id", @"'\x01\x1b[31m'")]
    [InlineData("/users/%E2%80%AE1/recommendations", "user id", @"'\u202e1'")]
    [InlineData("/movies/%E2%81%A61%E2%81%A9/similar", "movie id", @"'\u20661\u2069'")]
    [InlineData("/users/1/explanations/%C2%85%E2%80%A8%D8%9C", "movie id", @"'\x85\u2028\u061c'")]
    [InlineData("/users/1/explanations/4294967296", "movie id", "'4294967296'")]
    public async Task RouteIdNotAnInteger_IsProblem400SayingWhichAndWhy(string path, string what, string quoted)
    {
        using var response = await _client.GetAsync(path);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal($"The {what} must be an integer from -2147483648 to 2147483647; it is {quoted}.", detail);
    }

    [Fact]
    public async Task RouteIdNotAnInteger_LongText_IsCutShortButNotInsideACharacter()
    {
        var id = new string('9', 99) + "\U0001F3AC" + new string('9', 20);

        using var response = await _client.GetAsync($"/movies/{Uri.EscapeDataString(id)}/similar");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.EndsWith($"it is '{new string('9', 99)}...'.", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "count must be an integer from 1 to 100; it is 'abc'.")]
    [InlineData("1e3", "count must be an integer from 1 to 100; it is '1e3'.")]
    [InlineData("99999999999", "count must be an integer from 1 to 100; it is '99999999999'.")]
    [InlineData("%0a%07", @"count must be an integer from 1 to 100; it is '\n\x07'.")]
    [InlineData("1&count=2", "Give count once; it is given 2 times.")]
    public async Task CountNotAnInteger_IsProblem400SayingWhy(string count, string expected)
    {
        using var response = await _client.GetAsync($"/users/{SomeUser}/recommendations?count={count}");

        Assert.Equal(expected, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("/movies/search?q=star%FFwars", "q")]
    [InlineData("/movies/search?q=%C3", "q")]
    [InlineData("/movies/search?q=%ED%A0%80", "q")]
    [InlineData("/movies/search?q=star&count=1%FE", "count")]
    [InlineData("/users/1/recommendations?count=%C0%80", "count")]
    [InlineData("/movies/search?Q=%FF", "Q")]
    [InlineData("/movies/search?q=star&%63ount=%FF", "count")]
    public async Task QueryNotUtf8_IsProblem400NamingTheParameter(string path, string name)
    {
        using var response = await _client.GetAsync(path);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith($"The query parameter '{name}' is not UTF-8 text once its %XX escapes are decoded", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("star%20wars")]
    [InlineData("star+wars")]
    [InlineData("%E2%9C%93%F0%9F%8E%AC")]
    [InlineData("100%")]
    [InlineData("%zz")]
    public async Task Search_QueryUtf8OrNoEscape_IsSearched(string q)
    {
        using var response = await _client.GetAsync($"/movies/search?q={q}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task QueryNotUtf8_InAParameterTheApiDoesNotRead_IsIgnored()
    {
        using var response = await _client.GetAsync("/health?x=%FF&%FF=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Search_QueryGivenTwice_IsProblem400()
    {
        using var response = await _client.GetAsync("/movies/search?q=synthetic&q=other");

        Assert.Contains("Give q once", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{bad", "at $ (line 1, byte 2)")]
    [InlineData("""{"movieIds": [1, null]}""", "at $.movieIds[1] (line 1, byte 22)")]
    [InlineData("""{"movieIds": [99999999999]}""", "at $.movieIds[0] (line 1, byte 26)")]
    [InlineData("""{"titles": "star wars"}""", "at $.titles (line 1, byte 23)")]
    [InlineData("{\n\"count\": 1.5}", "at $.count (line 2, byte 13)")]
    [InlineData("[1, 2]", "at $ (line 1, byte 2)")]
    public async Task RecommendForNewUser_BodyNotTheJsonExpected_IsProblem400SayingWhere(string body, string where)
    {
        using var response = await _client.PostAsync("/recommendations", Json(body));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("The body is not the JSON of a new user " + where + ":", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecommendForNewUser_NotJson_IsProblem415SayingWhatToSend()
    {
        using var response = await _client.PostAsync("/recommendations", new StringContent("""{"movieIds": [1]}""", Encoding.UTF8, "text/plain"));

        Assert.Contains("Content-Type: application/json", await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)415), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/users/1/nothing%0d", HttpStatusCode.NotFound, @"The API has no GET /users/1/nothing\r; its endpoints are described at /openapi/v1.json.")]
    [InlineData("GET", "/users/1/%E2%80%AEnothing", HttpStatusCode.NotFound, @"The API has no GET /users/1/\u202enothing; its endpoints are described at /openapi/v1.json.")]
    [InlineData("DELETE", "/health", HttpStatusCode.MethodNotAllowed, "The API has no DELETE /health; that path allows GET.")]
    public async Task NoSuchEndpoint_IsProblemSayingSo(string method, string path, HttpStatusCode status, string expected)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, await ProblemAssert.IsProblemAsync(response, status));
    }

    /// <summary>Every answer names the model, errors refused before a handler ran and static files included.</summary>
    [Theory]
    [InlineData("GET", "/users/1/recommendations?count=0", null)]
    [InlineData("GET", "/users/1/recommendations?count=abc", null)]
    [InlineData("GET", "/users/abc/recommendations", null)]
    [InlineData("GET", "/movies/search", null)]
    [InlineData("GET", "/nothing", null)]
    [InlineData("PUT", "/health", null)]
    [InlineData("POST", "/recommendations", "{bad")]
    [InlineData("POST", "/recommendations", "{}")]
    [InlineData("GET", "/app.js", null)]
    [InlineData("GET", "/openapi/v1.json", null)]
    public async Task EveryAnswer_NamesTheModelVersion(string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) };

        using var response = await _client.SendAsync(request);

        Assert.True(response.Headers.TryGetValues(MovieRecsApi.ModelVersionHeader, out var versions), $"{(int)response.StatusCode} {method} {path} has no {MovieRecsApi.ModelVersionHeader}");
        Assert.Equal("1", versions.Single());
    }

    [Fact]
    public async Task SimilarMovies_KnownMovie_AnswersTheLibrarysSimilarMovies()
    {
        var answer = await _client.GetFromJsonAsync($"/movies/{SomeMovie.Id}/similar?count=6", WebJsonContext.Default.SimilarMovies);

        Assert.Equal(SomeMovie.Id, answer!.MovieId);
        Assert.Equal(SomeMovie.Title, answer.Title);
        Assert.Equal(Expected(_library.SimilarMovies(SomeMovie.Id, 6)), answer.Similar);
        Assert.Equal(SomeMovie.Id, answer.Similar[0].MovieId);
    }

    [Theory]
    [InlineData(999_999, "Unknown movie")]
    [InlineData(ServiceData.UnratedMovieId, "Movie not in the model")]
    public async Task SimilarMovies_UnknownOrUnmodelledMovie_IsProblem404(int movieId, string title)
    {
        using var response = await _client.GetAsync($"/movies/{movieId}/similar");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, title);
        Assert.Contains(movieId.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_KnownUserAndMovie_AnswersTheLibrarysContributions()
    {
        var movieId = _library.RecommendForUser(SomeUser, 1)[0].Movie.Id;

        var answer = await _client.GetFromJsonAsync($"/users/{SomeUser}/explanations/{movieId}?count=4", WebJsonContext.Default.UserExplanation);

        var expected = _library.Explain(SomeUser, movieId, 4);
        Assert.Equal((SomeUser, movieId, expected.Movie.Title, expected.Score), (answer!.UserId, answer.MovieId, answer.Title, answer.Score));
        Assert.Equal(Expected(expected.Contributions), answer.Contributions);
        Assert.Equal(4, answer.Contributions.Count);
    }

    [Theory]
    [InlineData(999_999, 0, "Unknown user")]
    [InlineData(0, 999_999, "Unknown movie")]
    [InlineData(0, ServiceData.UnratedMovieId, "Movie not in the model")]
    public async Task Explain_UnknownUserOrMovie_IsProblem404(int userId, int movieId, string title)
    {
        userId = userId == 0 ? SomeUser : userId;
        movieId = movieId == 0 ? SomeMovie.Id : movieId;

        using var response = await _client.GetAsync($"/users/{userId}/explanations/{movieId}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, title);
    }

    [Fact]
    public async Task Search_OneTitle_IsFound()
    {
        var answer = await _client.GetFromJsonAsync($"/movies/search?q={Uri.EscapeDataString(SomeMovie.Title.ToUpperInvariant())}", WebJsonContext.Default.TitleSearch);

        Assert.Equal("found", answer!.Outcome);
        Assert.Null(answer.Message);
        var movie = Assert.Single(answer.Movies);
        Assert.Equal((SomeMovie.Id, SomeMovie.Title, SomeMovie.Year, true), (movie.MovieId, movie.Title, movie.Year, movie.InModel));
        Assert.Equal(SomeMovie.Genres, movie.Genres);
    }

    [Fact]
    public async Task Search_SharedBeginning_IsAmbiguousAndListsTheLibrarysCandidates()
    {
        var answer = await _client.GetFromJsonAsync("/movies/search?q=synthetic+movie&count=4", WebJsonContext.Default.TitleSearch);

        var unresolved = _library.Titles.Match(["synthetic movie"]).Unresolved.Single();
        Assert.Equal("ambiguous", answer!.Outcome);
        Assert.Equal(unresolved.ToString(), answer.Message);
        Assert.Equal(unresolved.Candidates.Take(4).Select(m => m.Id), answer.Movies.Select(m => m.MovieId));
    }

    [Fact]
    public async Task Search_Typo_IsNotFoundWithSuggestions()
    {
        var typo = SomeMovie.Title.Replace("Synthetic", "Synthtic", StringComparison.Ordinal);

        var answer = await _client.GetFromJsonAsync($"/movies/search?q={Uri.EscapeDataString(typo)}", WebJsonContext.Default.TitleSearch);

        Assert.Equal("notFound", answer!.Outcome);
        Assert.StartsWith($"No movie is titled '{typo}'. Did you mean '{SomeMovie.Title}'", answer.Message, StringComparison.Ordinal);
        Assert.Equal(SomeMovie.Id, answer.Movies[0].MovieId);
    }

    [Fact]
    public async Task Search_UnratedMovie_IsFoundButNotInTheModel()
    {
        var answer = await _client.GetFromJsonAsync("/movies/search?q=unrated+film", WebJsonContext.Default.TitleSearch);

        Assert.False(Assert.Single(answer!.Movies).InModel);
    }

    [Theory]
    [InlineData("/movies/search")]
    [InlineData("/movies/search?q=")]
    [InlineData("/movies/search?q=%20%20")]
    public async Task Search_NoQuery_IsProblem400(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Contains("q=", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecommendForNewUser_TitlesAndIds_AnswersTheLibrarysRecommendationsWithExplanations()
    {
        var movies = _data.Dataset.Movies;
        var body = Json($$"""
            {"titles": ["{{movies[1].Title.ToLowerInvariant()}}", "synthtic muvie 9", "synthetic movie", "{{ServiceData.UnratedTitle}}"],
             "movieIds": [{{movies[2].Id}}, {{movies[3].Id}}, {{movies[2].Id}}], "count": 6}
            """);

        using var response = await _client.PostAsync("/recommendations", body);
        var answer = await response.Content.ReadFromJsonAsync(WebJsonContext.Default.NewUserRecommendations);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        int[] liked = [movies[2].Id, movies[3].Id, movies[1].Id];
        Assert.Equal(liked, answer!.Liked.Select(m => m.MovieId));
        Assert.Equal(["synthtic muvie 9", "synthetic movie", ServiceData.UnratedTitle], answer.Unresolved.Select(u => u.Title));
        Assert.Equal([false, true, false], answer.Unresolved.Select(u => u.Ambiguous));
        Assert.Contains("not in the model", answer.Unresolved[2].Message, StringComparison.Ordinal);
        Assert.Equal(10, answer.Unresolved[1].Candidates.Count);

        var expected = _library.RecommendForMovies(liked, 6);
        var why = _library.ExplainForMovies(liked, expected.Select(e => e.Movie.Id).ToArray(), 3);
        Assert.Equal(Expected(expected), answer.Recommendations.Select(r => new ScoredMovieJson(r.MovieId, r.Title, r.Score)));
        for (var i = 0; i < why.Count; i++)
        {
            Assert.Equal(Expected(why[i].Contributions), answer.Recommendations[i].Because);
            Assert.All(answer.Recommendations[i].Because, b => Assert.Contains(b.MovieId, liked));
        }

        Assert.DoesNotContain(answer.Recommendations, r => liked.Contains(r.MovieId));
    }

    [Fact]
    public async Task RecommendForNewUser_NothingFound_AnswersNoRecommendations()
    {
        var answer = await (await _client.PostAsync("/recommendations", Json("""{"titles": ["no such film"]}""")))
            .Content.ReadFromJsonAsync(WebJsonContext.Default.NewUserRecommendations);

        Assert.Empty(answer!.Liked);
        Assert.Single(answer.Unresolved);
        Assert.Empty(answer.Recommendations);
    }

    [Theory]
    [InlineData(999_999, "Unknown movie")]
    [InlineData(ServiceData.UnratedMovieId, "Movie not in the model")]
    public async Task RecommendForNewUser_UnknownOrUnmodelledMovieId_IsProblem404(int movieId, string title)
    {
        using var response = await _client.PostAsync("/recommendations", Json($$"""{"movieIds": [{{SomeMovie.Id}}, {{movieId}}]}"""));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, title);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"titles": [], "movieIds": []}""")]
    [InlineData("{\"titles\": [\"star wars\"")]
    [InlineData("""{"movieIds": ["one"]}""")]
    [InlineData("""{"titles": [null]}""")]
    [InlineData("[1, 2]")]
    public async Task RecommendForNewUser_BadBody_IsProblem400(string body)
    {
        using var response = await _client.PostAsync("/recommendations", Json(body));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RecommendForNewUser_TooManyLikedMovies_IsProblem400()
    {
        var ids = string.Join(", ", Enumerable.Repeat(SomeMovie.Id, 101));

        using var response = await _client.PostAsync("/recommendations", Json($$"""{"movieIds": [{{ids}}]}"""));

        Assert.Contains("at most 100", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecommendForNewUser_OversizedBody_IsProblem413(bool chunked)
    {
        // The limit is Kestrel's (the endpoint's request size limit), which the in-memory server does not apply.
        using var factory = new ServiceFactory(_data.ModelFiles[0], _data.DataFolder);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();
        var titles = string.Join(", ", Enumerable.Repeat($"\"{new string('x', 150)}\"", 120));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/recommendations") { Content = Json($$"""{"titles": [{{titles}}]}""") };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await client.SendAsync(request);

        Assert.Equal(chunked, request.Content.Headers.ContentLength is null);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        using var small = await client.PostAsync("/recommendations", Json($$"""{"movieIds": [{{SomeMovie.Id}}]}"""));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    /// <summary>Matching titles costs time in proportion to the titles and the catalogue (about 8 ms a typed title on
    /// ml-100k's 1,682 movies); requests that match titles beyond the limit of concurrent ones and its queue are
    /// answered 503 with Retry-After at once instead of taking every core from the other endpoints.</summary>
    [Fact]
    public async Task TitleMatching_BeyondTheConcurrencyLimit_IsProblem503WithRetryAfter()
    {
        using var factory = new ServiceFactory(_data.ModelFiles[0], _data.DataFolder);
        using var limited = factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("MovieRecs:MaxConcurrentTitleMatching", "1");
            web.UseSetting("MovieRecs:TitleMatchingQueue", "0");
        });
        using var client = limited.CreateClient();
        var random = new Random(5);
        var titles = string.Join(", ", Enumerable.Range(0, 100).Select(_ => $"\"{new string([.. Enumerable.Range(0, 150).Select(_ => (char)('a' + random.Next(26)))])}\""));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PostAsync("/recommendations", Json($$"""{"titles": [{{titles}}]}"""))));

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.NotEmpty(refused);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)r.StatusCode}"));
        Assert.Equal(TimeSpan.FromSeconds(1), refused[0].Headers.RetryAfter?.Delta);
        Assert.Contains("titles", await ProblemAssert.IsProblemAsync(refused[0], HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        using var ids = await client.GetAsync($"/users/{SomeUser}/recommendations");
        Assert.Equal(HttpStatusCode.OK, ids.StatusCode);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Health_NamesTheServedModel()
    {
        using var response = await _client.GetAsync("/health");
        var health = await response.Content.ReadFromJsonAsync(WebJsonContext.Default.ServiceHealth);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", health!.Status);
        Assert.Equal((1, Path.GetFullPath(_data.ModelFiles[0]), "MovieRecs model"), (health.Model.Version, health.Model.Path, health.Model.Format));
        Assert.Equal((_data.Interactions.Users.Count, _data.Interactions.Items.Count, 8), (health.Model.Users, health.Model.Movies, health.Model.Factors));
        Assert.Equal((0, 0), (health.Reloads.Swapped, health.Reloads.Rejected));
    }

    [Fact]
    public async Task OpenApi_DescribesEveryEndpoint()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/users/{id}/recommendations").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/movies/{id}/similar").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/users/{id}/explanations/{movieId}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/movies/search").GetProperty("get").GetProperty("responses").TryGetProperty("503", out _));
        Assert.True(paths.GetProperty("/health").TryGetProperty("get", out _));
        var post = paths.GetProperty("/recommendations").GetProperty("post");
        foreach (var status in new[] { "200", "400", "404", "413", "415", "503" })
        {
            Assert.True(post.GetProperty("responses").TryGetProperty(status, out _), $"POST /recommendations does not declare {status}");
        }

        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));

        // The schemas carry the answers' XML documentation.
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.Equal("The answer of `GET /health`.", schemas.GetProperty("ServiceHealth").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Page_IsServedWithItsScriptAndStyles_AndLoadsNothingFromElsewhere()
    {
        using var page = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\"", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"app.css\">", html, StringComparison.Ordinal);

        foreach (var text in new[] { html, await _client.GetStringAsync("/app.js"), await _client.GetStringAsync("/app.css") })
        {
            Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("@import", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("src=\"//", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Service_NpzModel_ServesAsTheLibraryDoes()
    {
        using var factory = new ServiceFactory(_data.NpzModelFile, _data.DataFolder);
        using var client = factory.CreateClient();

        var health = await client.GetFromJsonAsync("/health", WebJsonContext.Default.ServiceHealth);
        var answer = await client.GetFromJsonAsync($"/users/{SomeUser}/recommendations?count=5", WebJsonContext.Default.UserRecommendations);

        Assert.Equal("implicit .npz", health!.Model.Format);
        Assert.Equal(Expected(_data.Recommender(_data.NpzModelFile).RecommendForUser(SomeUser, 5)), answer!.Recommendations);
    }

    [Fact]
    public async Task Service_SparkModelDirectory_ServesAsTheLibraryDoes()
    {
        using var factory = new ServiceFactory(_data.SparkModelFolder, _data.DataFolder);
        using var client = factory.CreateClient();

        var health = await client.GetFromJsonAsync("/health", WebJsonContext.Default.ServiceHealth);
        var answer = await client.GetFromJsonAsync($"/users/{SomeUser}/recommendations?count=5", WebJsonContext.Default.UserRecommendations);

        Assert.Equal("Spark ALSModel directory", health!.Model.Format);
        Assert.Equal(Expected(_data.Recommender(_data.SparkModelFolder).RecommendForUser(SomeUser, 5)), answer!.Recommendations);
        Assert.Equal(Expected(_data.Recommender(_data.ModelFiles[0]).RecommendForUser(SomeUser, 5)), answer.Recommendations);
    }

    [Fact]
    public async Task Service_DamagedModelAtStart_DoesNotStart()
    {
        var folder = _data.NewFolder();
        var damaged = Path.Combine(folder, "model.mrals");
        File.WriteAllBytes(damaged, File.ReadAllBytes(_data.ModelFiles[0])[..200]);

        var error = Assert.IsAssignableFrom<IOException>(await StartFailureAsync("--model", damaged, "--data", _data.DataFolder));
        Assert.Contains("model.mrals", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_NoModelGiven_DoesNotStartAndSaysWhatToGive()
    {
        var error = Assert.IsType<InvalidOperationException>(await StartFailureAsync("--data", _data.DataFolder));
        Assert.Contains("--model <file> --data <folder>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("damaged", "truncated")]
    [InlineData("foreign", "not a MovieRecs model file")]
    [InlineData("missing model", "Could not find file")]
    [InlineData("missing data", "MovieLens folder not found")]
    [InlineData("no model", "--model <file> --data <folder>")]
    public void Run_CannotStart_SaysWhyOnOneLineAndExitsWith1(string what, string reason)
    {
        var folder = _data.NewFolder();
        var model = Path.Combine(folder, "model\n\u202e.mrals");
        if (what == "damaged")
        {
            File.WriteAllBytes(model, File.ReadAllBytes(_data.ModelFiles[0])[..200]);
        }
        else if (what == "foreign")
        {
            File.WriteAllText(model, "196\t242\t3\t881250949\n");
        }

        string[] args = what switch
        {
            "missing data" => ["--model", _data.ModelFiles[0], "--data", Path.Combine(folder, "no-data")],
            "no model" => ["--data", _data.DataFolder],
            _ => ["--model", model, "--data", _data.DataFolder],
        };
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        using var error = new StringWriter();

        var exitCode = ServiceSetup.Run(builder, args, error);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("MovieRecs.Web: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, c => char.IsControl(c) || c == '\u202e');
        if (what is "damaged" or "foreign" or "missing model")
        {
            Assert.Contains(@"model\n\u202e.mrals", line, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Builds the service as Program.cs does, with these command-line arguments, starts it here and returns what the
    /// start threw. (Through WebApplicationFactory the program's own thread starts the host, and when that start fails
    /// it disposes the host while the factory may still be asking it for services; under load the factory then
    /// reports a disposed service provider in place of the service's own exception.)
    /// </summary>
    private static async Task<Exception> StartFailureAsync(params string[] args)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddMovieRecsService(args);
        await using var app = builder.Build();
        app.UseMovieRecsService();
        var error = await Record.ExceptionAsync(() => app.StartAsync());
        Assert.NotNull(error);
        return error;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static ScoredMovieJson[] Expected(IReadOnlyList<MovieScore> scores) =>
        [.. scores.Select(s => new ScoredMovieJson(s.Movie.Id, s.Movie.Title, s.Score))];
}
