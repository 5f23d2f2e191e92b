using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using MovieRecs.Internal;
using MovieRecs.Web.Api;
using MovieRecs.Web.Serving;

namespace MovieRecs.Web;

/// <summary>Wires the service: the model host and its file watcher, problem details, JSON, OpenAPI, the page and the API.</summary>
internal static class ServiceSetup
{
    /// <summary>Short command-line switches: <c>--model</c> and <c>--data</c>.</summary>
    public static IReadOnlyDictionary<string, string> Switches { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--model"] = $"{ServiceOptions.Section}:{nameof(ServiceOptions.Model)}",
        ["--data"] = $"{ServiceOptions.Section}:{nameof(ServiceOptions.Data)}",
    };

    /// <summary>Builds the service, loads its model and data, and runs it until it is stopped. A service that cannot
    /// start writes why on one line to <paramref name="error"/> and returns 1, rather than crashing with a stack trace;
    /// the model and data are loaded before the server starts, so a bad one is reported before anything listens.</summary>
    /// <returns>The process exit code: 0 when stopped, 1 when the service could not start or failed.</returns>
    public static int Run(WebApplicationBuilder builder, string[] args, TextWriter error)
    {
        try
        {
            builder.AddMovieRecsService(args);
            var app = builder.Build();
            _ = app.Services.GetRequiredService<ModelHost>();
            app.UseMovieRecsService();
            app.Run();
            return 0;
        }

        // The test host stops the program once it has the host it built: that is not a failure to report.
        catch (Exception e) when (e is not HostAbortedException)
        {
            error.WriteLine($"MovieRecs.Web: {MessageText.Escape(e.Message)}");
            return 1;
        }
    }

    public static WebApplicationBuilder AddMovieRecsService(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        builder.Services.AddOptions<ServiceOptions>().Bind(builder.Configuration.GetSection(ServiceOptions.Section));
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService<ModelFileWatcher>();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = RequestProblems.Customize);

        // A request the framework cannot bind (a route id or count that is no integer, a body that is not the JSON
        // expected) throws, so that RequestProblems can say what is wrong, instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<RequestProblems>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<ServiceOptions>>((limiter, service) => TitleMatching.Configure(limiter, service.Value));
        return builder;
    }

    public static WebApplication UseMovieRecsService(this WebApplication app)
    {
        app.UseModelVersionHeader();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseQueryTextCheck();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
        app.MapMovieRecsApi();
        return app;
    }
}
