using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using MovieRecs.MovieLens;
using MovieRecs.Web.Serving;

namespace MovieRecs.Web.Api;

/// <summary>
/// The HTTP API. Every handler reads the served model once (<see cref="ModelHost.Current"/>) and answers from it
/// alone, naming its version in the <c>X-Model-Version</c> header, so an answer is wholly of one model even while a
/// new one is swapped in. The handlers only translate: ids and titles in, the library's answers out.
/// </summary>
internal static class MovieRecsApi
{
    /// <summary>The response header that names the model version an answer came from.</summary>
    public const string ModelVersionHeader = "X-Model-Version";

    private const int DefaultCount = 10;
    private const int BecauseCount = 3;
    private const int MaxQueryLength = 200;
    private const int MaxCandidates = 10;

    /// <summary>Names the model in every answer, the framework's own errors and the static files included: the model
    /// current when the request came, unless a handler named the model it answered from.</summary>
    public static void UseModelVersionHeader(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var version = context.RequestServices.GetRequiredService<ModelHost>().Current.VersionText;
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers.TryAdd(ModelVersionHeader, version);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    public static void MapMovieRecsApi(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;

        app.MapGet("/users/{id}/recommendations", RecommendForUser)
            .WithName("RecommendForUser")
            .WithSummary("The best movies for a user of the data set, the movies they rated filtered.")
            .Produces<UserRecommendations>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/movies/{id}/similar", SimilarMovies)
            .WithName("SimilarMovies")
            .WithSummary("The movies most similar to a movie, the movie itself first.")
            .Produces<SimilarMovies>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/users/{id}/explanations/{movieId}", Explain)
            .WithName("Explain")
            .WithSummary("Why a movie scores as it does for a user: each of their liked movies' contribution (count: how many).")
            .Produces<UserExplanation>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/movies/search", Search)
            .WithName("SearchTitles")
            .WithSummary("Finds movies by title as a person types it: one movie, several (ambiguous), or suggestions.")
            .Produces<TitleSearch>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(TitleMatching.Policy);

        app.MapPost("/recommendations", RecommendForNewUser)
            .WithName("RecommendForNewUser")
            .WithSummary("Recommendations with explanations for a new user given by liked titles or movie ids (fold-in, no retraining).")
            .Accepts<NewUserRequest>("application/json")
            .Produces<NewUserRecommendations>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(TitleMatching.Policy)
            .WithMetadata(new RequestSizeLimitAttribute(settings.MaxRequestBodyBytes));

        app.MapGet("/health", Health)
            .WithName("Health")
            .WithSummary("The model served, and what became of the model files replaced since the start.")
            .Produces<ServiceHealth>();
    }

    private static IResult RecommendForUser(int id, int? count, ModelHost host, IOptions<ServiceOptions> options, HttpContext context)
    {
        if (Problems.BadCount(count, options.Value.MaxCount) is { } bad)
        {
            return bad;
        }

        var served = Serve(host, context);
        if (UserProblem(served, id) is { } unknown)
        {
            return unknown;
        }

        var top = served.Recommender.RecommendForUser(id, count ?? DefaultCount);
        return TypedResults.Ok(new UserRecommendations(id, Scored(top)));
    }

    private static IResult SimilarMovies(int id, int? count, ModelHost host, IOptions<ServiceOptions> options, HttpContext context)
    {
        if (Problems.BadCount(count, options.Value.MaxCount) is { } bad)
        {
            return bad;
        }

        var served = Serve(host, context);
        if (MovieProblem(host, served, id) is { } unknown)
        {
            return unknown;
        }

        var similar = served.Recommender.SimilarMovies(id, count ?? DefaultCount);
        return TypedResults.Ok(new SimilarMovies(id, host.Movie(id).Title, Scored(similar)));
    }

    private static IResult Explain(int id, int movieId, int? count, ModelHost host, IOptions<ServiceOptions> options, HttpContext context)
    {
        if (Problems.BadCount(count, options.Value.MaxCount) is { } bad)
        {
            return bad;
        }

        var served = Serve(host, context);
        if ((UserProblem(served, id) ?? MovieProblem(host, served, movieId)) is { } unknown)
        {
            return unknown;
        }

        var why = served.Recommender.Explain(id, movieId, count ?? DefaultCount);
        return TypedResults.Ok(new UserExplanation(id, movieId, why.Movie.Title, why.Score, Scored(why.Contributions)));
    }

    private static IResult Search(string? q, int? count, ModelHost host, IOptions<ServiceOptions> options, HttpContext context)
    {
        if (context.Request.Query["q"].Count > 1)
        {
            return Problems.BadRequest("Give q once: /movies/search?q=star+wars.");
        }

        if (string.IsNullOrWhiteSpace(q) || q.Length > MaxQueryLength)
        {
            return Problems.BadRequest($"Give the title to look for as q, 1 to {MaxQueryLength} characters: /movies/search?q=star+wars.");
        }

        if (Problems.BadCount(count, options.Value.MaxCount) is { } bad)
        {
            return bad;
        }

        var served = Serve(host, context);
        var match = served.Recommender.Titles.Match([q]);
        if (match.Found.Count == 1)
        {
            return TypedResults.Ok(new TitleSearch(q, "found", null, [ToJson(served, match.Found[0])]));
        }

        var unresolved = match.Unresolved[0];
        var movies = unresolved.Candidates.Take(count ?? DefaultCount).Select(m => ToJson(served, m)).ToArray();
        return TypedResults.Ok(new TitleSearch(q, unresolved.IsAmbiguous ? "ambiguous" : "notFound", unresolved.ToString(), movies));
    }

    private static IResult RecommendForNewUser(NewUserRequest? request, ModelHost host, IOptions<ServiceOptions> options, HttpContext context)
    {
        var settings = options.Value;
        var titles = request?.Titles ?? [];
        var movieIds = request?.MovieIds ?? [];
        if (titles.Count + movieIds.Count == 0)
        {
            return Problems.BadRequest("""Name at least one liked movie: {"titles": ["star wars"], "movieIds": [1], "count": 10}.""");
        }

        if (titles.Count + movieIds.Count > settings.MaxLiked)
        {
            return Problems.BadRequest($"A new user may like at most {settings.MaxLiked} movies; {titles.Count + movieIds.Count} were given.");
        }

        if (titles.Any(t => t is null || t.Length > MaxQueryLength))
        {
            return Problems.BadRequest($"Each title must be a string of at most {MaxQueryLength} characters.");
        }

        if (Problems.BadCount(request!.Count, settings.MaxCount) is { } bad)
        {
            return bad;
        }

        var served = Serve(host, context);
        var recommender = served.Recommender;
        var liked = new List<int>();
        foreach (var id in movieIds)
        {
            if (MovieProblem(host, served, id) is { } unknown)
            {
                return unknown;
            }

            if (!liked.Contains(id))
            {
                liked.Add(id);
            }
        }

        var unresolved = new List<UnresolvedTitleJson>();
        if (titles.Count > 0)
        {
            var matches = recommender.Titles.Match(titles);
            foreach (var title in matches.Unresolved)
            {
                unresolved.Add(new UnresolvedTitleJson(title.Title, title.IsAmbiguous, title.ToString(), [.. title.Candidates.Take(MaxCandidates).Select(m => ToJson(served, m))]));
            }

            foreach (var movie in matches.Found)
            {
                if (!recommender.Interactions.Items.Contains(movie.Id))
                {
                    unresolved.Add(new UnresolvedTitleJson(movie.Title, false, NotInModel(movie), [ToJson(served, movie)]));
                }
                else if (!liked.Contains(movie.Id))
                {
                    liked.Add(movie.Id);
                }
            }
        }

        var likedIds = liked.ToArray();
        var top = recommender.RecommendForMovies(likedIds, request.Count ?? DefaultCount);
        var why = top.Count == 0 ? [] : recommender.ExplainForMovies(likedIds, top.Select(t => t.Movie.Id).ToArray(), BecauseCount);
        var recommendations = new ExplainedMovieJson[top.Count];
        for (var i = 0; i < recommendations.Length; i++)
        {
            recommendations[i] = new ExplainedMovieJson(top[i].Movie.Id, top[i].Movie.Title, top[i].Score, Scored(why[i].Contributions));
        }

        return TypedResults.Ok(new NewUserRecommendations([.. liked.Select(id => ToJson(served, host.Movie(id)))], unresolved, recommendations));
    }

    private static IResult Health(ModelHost host, HttpContext context)
    {
        var served = Serve(host, context);
        var recommender = served.Recommender;
        var model = new ModelJson(
            served.Version,
            served.Path,
            served.Format,
            served.LoadedAt,
            served.LoadSeconds,
            recommender.Interactions.Users.Count,
            recommender.Interactions.Items.Count,
            recommender.Model.Factors);
        var status = host.Status;
        return TypedResults.Ok(new ServiceHealth(status.State, model, status));
    }

    /// <summary>The model this request answers from, named in the response.</summary>
    private static ServedModel Serve(ModelHost host, HttpContext context)
    {
        var served = host.Current;
        context.Response.Headers[ModelVersionHeader] = served.VersionText;
        return served;
    }

    private static IResult? UserProblem(ServedModel served, int id) =>
        served.Recommender.Interactions.Users.Contains(id)
            ? null
            : Problems.NotFound("Unknown user", $"No user has the id {id} in the model ({served.Recommender.Interactions.Users.Count} users).");

    private static IResult? MovieProblem(ModelHost host, ServedModel served, int id)
    {
        if (served.Recommender.Interactions.Items.Contains(id))
        {
            return null;
        }

        return host.TryGetMovie(id, out var movie)
            ? Problems.NotFound("Movie not in the model", NotInModel(movie))
            : Problems.NotFound("Unknown movie", $"No movie has the id {id}.");
    }

    private static string NotInModel(Movie movie) =>
        $"Movie {movie.Id} ({movie.Title}) is not in the model: it had no ratings kept for training, so it has no factors.";

    private static ScoredMovieJson[] Scored(IReadOnlyList<MovieScore> scores)
    {
        var result = new ScoredMovieJson[scores.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new ScoredMovieJson(scores[i].Movie.Id, scores[i].Movie.Title, scores[i].Score);
        }

        return result;
    }

    private static MovieJson ToJson(ServedModel served, Movie movie) =>
        new(movie.Id, movie.Title, movie.Year, movie.Genres, served.Recommender.Interactions.Items.Contains(movie.Id));
}
