using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MovieRecs.Cli;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Cli;

/// <summary>
/// How each command reads its command line: unknown options, stray arguments and conflicting options are errors
/// (one line, exit code 1, a "did you mean" where a name is near), <c>--name=value</c> works, <c>--help</c> is the
/// command's own, and <c>--json</c> answers in JSON, errors included.
/// </summary>
public sealed class CliParseTests : IClassFixture<CliTests.TrainedModel>, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-parse-");
    private readonly string _data;
    private readonly string _model;

    public CliParseTests(CliTests.TrainedModel trained)
    {
        _data = trained.Data;
        _model = trained.Model;
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Theory]
    [InlineData("train {data} --out {out} --factor 8 --iteration 1", "unknown option '--factor' for train (did you mean '--factors'?)")]
    [InlineData("train {data} --out {out} --iteration=1", "unknown option '--iteration' for train (did you mean '--iterations'?)")]
    [InlineData("evaluate {data} --test-fractoin 0.3", "unknown option '--test-fractoin' for evaluate (did you mean '--test-fraction'?)")]
    [InlineData("recommend {model} --data {data} --usr 1", "unknown option '--usr' for recommend (did you mean '--user'?)")]
    [InlineData("similar {model} --data {data} --movie 1 --cout 3", "unknown option '--cout' for similar (did you mean '--count'?)")]
    [InlineData("info {model} --verbose", "unknown option '--verbose' for info (see movierecs info --help)")]
    [InlineData("trian {data}", "unknown command 'trian' (did you mean 'train'?)")]
    public void Run_UnknownName_SaysDidYouMean(string commandLine, string expected) => AssertUsageError(commandLine, expected);

    [Theory]
    [InlineData("train {data} --out {out} --iterations 1 extra", "unexpected argument 'extra': train takes DATA and options (see movierecs train --help)")]
    [InlineData("info {model} {model}", "unexpected argument '{model}': info takes MODEL and options (see movierecs info --help)")]
    [InlineData("generate --preset ml-100k --out {out} now", "unexpected argument 'now': generate takes no arguments and options (see movierecs generate --help)")]
    [InlineData("similar {model} extra --data {data} --movie 1", "unexpected argument 'extra': similar takes MODEL and options (see movierecs similar --help)")]
    // After --, an option of the command is an argument; it was called an unknown option, with itself as the "did you mean".
    [InlineData("recommend {model} --data {data} -- --user=1", "unexpected argument '--user=1' after '--' (every word after '--' is an argument): recommend takes MODEL and options (see movierecs recommend --help)")]
    [InlineData("train {data} --out {out} -- --factors 4", "unexpected argument '--factors' after '--' (every word after '--' is an argument): train takes DATA and options (see movierecs train --help)")]
    public void Run_StrayArgument_IsAnError(string commandLine, string expected) => AssertUsageError(commandLine, expected);

    [Theory]
    [InlineData("evaluate {data} --split u1 --test-fraction 0.5", "--split and --test-fraction cannot be combined: --split takes a published split, --test-fraction makes a random one")]
    [InlineData("recommend {model} --data {data} --user 1 --titles x", "--user and --titles cannot be combined: give one")]
    [InlineData("recommend {model} --data {data}", "recommend needs --user or --titles")]
    [InlineData("similar {model} --data {data} --movie 1 --title x", "--movie and --title cannot be combined: give one")]
    [InlineData("similar {model} --data {data}", "similar needs --movie or --title")]
    [InlineData("explain {model} --data {data} --user 1", "explain needs --movie or --title")]
    [InlineData("explain {model} --data {data} --movie 1", "explain needs --user or --titles")]
    [InlineData("train {data}", "Option '--out' is required.")]
    [InlineData("train {data} --out=", "--out needs a value, not ''")]
    [InlineData("train {data} --out", "--out needs a value")]
    [InlineData("train {data} --out {out} --format", "--format needs a value")]
    [InlineData("evaluate {data} --learning-rate 0.1 --model", "--model needs a value")]
    [InlineData("evaluate {data} --weight bm25 --model", "--model needs a value")]
    [InlineData("recommend {model} --user 1", "Option '--data' is required.")]
    [InlineData("generate --preset ml-7m --out {out}", "--preset expects ml-100k, ml-1m, ml-10m, ml-20m or ml-25m, not 'ml-7m'")]
    [InlineData("train {data} --out {out} --solver lu", "--solver expects cg or cholesky, not 'lu'")]
    [InlineData("train {data} --out {out}.npz --format own", "--format own cannot be saved under a name ending in .npz: the tool would read it back as implicit's .npz; give another name")]
    [InlineData("train {data} --out {out} --format npz", "--format npz needs a MODEL name ending in .npz: the tool reads any other file as its own format")]
    [InlineData("evaluate {data} --split u9", "--split expects u1, u2, u3, u4, u5, ua or ub, not 'u9'")]
    [InlineData("evaluate {data} --model knn", "--model expects als, bpr, lmf, bm25, tfidf, cosine, popularity or all, not 'knn'")]
    [InlineData("evaluate {data} --model bm25 --learning-rate 0.05", "--learning-rate sets BPR's and logistic MF's step size; give it with --model bpr, lmf or all")]
    [InlineData("evaluate {data} --model bpr --learning-rate 0", "--learning-rate '0' is out of range: expected a finite number above 0")]
    [InlineData("evaluate {data} --model bm25 --sweep iterations=1..2", "--sweep varies ALS; it cannot be combined with --model")]
    [InlineData("evaluate {data} --model bm25 --bm25-b 1.5", "--bm25-b expects a number from 0 to 1, not '1.5'")]
    [InlineData("evaluate {data} --model cosine --weight bm25", "--weight weights ALS's training matrix; it does not apply to --model cosine")]
    public void Run_ConflictingOrMissingOptions_AreErrors(string commandLine, string expected) => AssertUsageError(commandLine, expected);

    // Each used to fail: an empty --metric with exit code 70 after the whole sweep, the others with .NET's message
    // naming no option, or (--bm25-*) by accepting white space and telling 0x1 a "non-negative number" for a 0-to-1 option.
    [Theory]
    [InlineData("evaluate {data} --sweep iterations=1..2 --metric , --plot {out}.png", "--metric: no metric given (precision, recall, map, ndcg, auc or all)")]
    [InlineData("evaluate {data} --sweep iterations=1..2 --plot no-such-folder/x.png", "--plot: no such folder: 'no-such-folder'")]
    [InlineData("evaluate {data} --model bm25 --bm25-b 0x1", "--bm25-b expects a number from 0 to 1, not '0x1'")]
    [InlineData("evaluate {data} --model bm25 --bm25-k1 1\n", "--bm25-k1 expects a non-negative number, not '1\\n'")]
    public void Run_EmptyOrMalformedValue_NamesTheOption(string commandLine, string expected) => AssertUsageError(commandLine, expected);

    [Theory]
    [InlineData("info|", "MODEL needs a path, not ''")]
    [InlineData("train||--out|{out}", "DATA needs a path, not ''")]
    [InlineData("recommend||--data|{data}|--user|1", "MODEL needs a path, not ''")]
    [InlineData("train|{data}|--out|", "--out needs a value, not ''")]
    [InlineData("generate|--preset|ml-100k|--out| ", "--out needs a value, not ' '")]
    [InlineData("recommend|{model}|--data||--user|1", "--data needs a value, not ''")]
    [InlineData("recommend|{model}|--data|{data}|--titles|star|", "--titles needs a value, not ''")]
    [InlineData("similar|{model}|--data|{data}|--title|", "--title needs a value, not ''")]
    [InlineData("explain|{model}|--data|{data}|--user|1|--title|\t", "--title needs a value, not '\\t'")]
    public void Run_EmptyPathOrTitle_NamesTheArgumentOrOption(string commandLine, string expected)
    {
        var args = commandLine.Split('|').Select(arg => Fill(arg)).ToArray();

        var (code, output, error) = CliRunner.Run(args);

        Assert.Equal($"movierecs: {expected}{Environment.NewLine}", error);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.False(Path.Exists(PathOf("out")));
    }

    /// <summary>Every option of every command that takes a value, with the rest of a command line that is valid without it.</summary>
    public static TheoryData<string, string> ValueOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in MovieRecs.Cli.Cli.CommandTree().Subcommands)
        {
            foreach (var option in command.Options.Where(option => option.Arity.MinimumNumberOfValues > 0))
            {
                data.Add(command.Name, option.Name);
            }
        }

        return data;
    }

    // --opt= followed by another option used to take that option as its value (--data= --user 1 read '--user' as the
    // data path and '1' as a stray argument); the empty value is now the value, refused as any empty value is.
    [Theory]
    [MemberData(nameof(ValueOptions))]
    public void Run_OptionGivenAnEmptyValue_NamesTheOptionInEveryForm(string command, string option)
    {
        // After the command's argument, if any, so that it is not read as a further value of --titles or --metric.
        var rest = RestOf(command, option);
        var (first, options) = command == "generate" ? ([], rest) : (rest[..1], rest[1..]);
        string[][] forms =
        [
            [command, .. first, $"{option}=", .. options],
            [command, .. first, $"{option}:", .. options],
            [command, .. first, option, "", .. options],
            [command, .. rest, $"{option}="],
            [command, .. rest, option, ""],
        ];
        var errors = new List<string>();
        foreach (var args in forms)
        {
            var (code, output, error) = CliRunner.Run(args);
            var shown = string.Join(" ", args.Select(arg => CliOptions.Quote(arg)));
            Assert.True(code == 1, $"{shown}: exit {code}, {error}");
            Assert.Empty(output);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Matches($"^movierecs: {Regex.Escape(option)}[ :]", error);
            Assert.False(Path.Exists(PathOf("out")), $"{shown}: nothing is written");
            errors.Add(error);
        }

        Assert.All(errors, error => Assert.Equal(errors[2], error));
    }

    // An option given no value took the next word as its value even when that was another option: --data --user 1
    // read '--user' as the data and reported '1' as a stray argument, --count --json printed no JSON. At the end of
    // the line the message was .NET's 'Required argument missing for option'.
    [Theory]
    [MemberData(nameof(ValueOptions))]
    public void Run_OptionGivenNoValue_NamesTheOptionAndWhatFollowed(string command, string option)
    {
        var rest = RestOf(command, option);
        var (first, options) = command == "generate" ? ([], rest) : (rest[..1], rest[1..]);
        string[] follow = options.Length > 0 ? options : option == "--k" ? ["--seed", "1"] : command == "evaluate" ? ["--k", "5"] : ["--factors", "4"];
        string[][] forms = [[command, .. first, option, .. follow], [command, .. first, option, $"{follow[0]}=x", .. follow[1..]], [command, .. rest, option]];
        string[] expected =
        [
            $"movierecs: {option} needs a value, not the option '{follow[0]}'",
            $"movierecs: {option} needs a value, not the option '{follow[0]}=x'",
            $"movierecs: {option} needs a value",
        ];
        for (var i = 0; i < forms.Length; i++)
        {
            var (code, output, error) = CliRunner.Run(forms[i]);
            Assert.Equal((1, string.Empty, expected[i] + Environment.NewLine), (code, output, error));
            Assert.False(Path.Exists(PathOf("out")), "nothing is written");
        }
    }

    [Fact]
    public void Generate_OutIsAFile_SaysSoAndLeavesIt()
    {
        var file = PathOf("notes.txt");
        File.WriteAllText(file, "keep me");

        var (code, _, error) = CliRunner.Run("generate", "--preset", "ml-100k", "--out", file);

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: --out '{file}' is a file; generate writes a folder of files{Environment.NewLine}", error);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void Train_LossOnlyWhenAsked()
    {
        double?[] Losses(params string[] extra)
        {
            var trained = CliRunner.Run(["train", _data, "--out", PathOf($"loss{extra.Length}.mrals"), "--factors", "4", "--iterations", "2", "--json", .. extra]);
            Assert.True(trained.Code == 0, trained.Error);
            var json = JsonDocument.Parse(trained.Output).RootElement;
            return [.. json.GetProperty("losses").EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Number ? l.GetDouble() : (double?)null),
                json.TryGetProperty("trainingLoss", out var final) && final.ValueKind == JsonValueKind.Number ? final.GetDouble() : null];
        }

        Assert.All(Losses(), loss => Assert.Null(loss));
        Assert.All(Losses("--loss"), loss => Assert.True(loss > 0));
    }

    [Fact]
    public void Train_NameEqualsValue_SameAsNameSpaceValue()
    {
        var model = PathOf("equals.mrals");
        var trained = CliRunner.Run("train", _data, $"--out={model}", "--factors=4", "--iterations=2", "--min-rating=4", "--loss", "--json");
        Assert.True(trained.Code == 0, trained.Error);
        Assert.Equal(2, JsonDocument.Parse(trained.Output).RootElement.GetProperty("losses").GetArrayLength());

        var info = JsonDocument.Parse(CliRunner.Run("info", model, "--json").Output).RootElement;
        Assert.Equal(4, info.GetProperty("factors").GetInt32());
        Assert.Equal(2, info.GetProperty("iterations").GetInt32());
    }

    [Fact]
    public void RecommendHelp_PrintsRecommendsOwnHelpWithExamples()
    {
        var (code, output, error) = CliRunner.Run("recommend", "--help");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("movierecs recommend <MODEL> [options]", output, StringComparison.Ordinal);
        Assert.Contains("--titles <TITLE>", output, StringComparison.Ordinal);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--preset", output, StringComparison.Ordinal); // generate's, not recommend's
    }

    [Fact]
    public void Run_NoCommand_PrintsTheCommandsAndExits2()
    {
        var (code, output, error) = CliRunner.Run();

        Assert.Equal(2, code);
        Assert.Contains("Commands:", output, StringComparison.Ordinal);
        Assert.Equal($"movierecs: no command given (try --help){Environment.NewLine}", error);
    }

    [Fact]
    public void Completion_SuggestsTheOptionsOfTheCommand()
    {
        var (code, output, _) = CliRunner.Run("[suggest:16]", "train data --fac");

        Assert.Equal(0, code);
        Assert.Equal(["--factors"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("train {data} --out {out} --factor 8", 1, "unknown option '--factor' for train (did you mean '--factors'?)")]
    [InlineData("recommend {model} --data {data} --user 99999999999", 1, "--user '99999999999' is out of range: expected a whole number from 0 to 2147483647")]
    [InlineData("similar {model} --data {data} --movie 99999", 1, "movie 99999 is not in the model ({movies} movies) nor in {data}")]
    [InlineData("", 2, "no command given (try --help)")]
    public void Json_Error_IsAnObjectOnStdoutAndOneLineOnStderr(string commandLine, int exitCode, string expected)
    {
        var args = Args(commandLine).Append("--json").ToArray();
        var message = Fill(expected);

        var (code, output, error) = CliRunner.Run(args);

        Assert.Equal(exitCode, code);
        Assert.Equal($"movierecs: {message}{Environment.NewLine}", error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(message, json.GetProperty("error").GetString());
        Assert.Equal(exitCode, json.GetProperty("exitCode").GetInt32());
    }

    /// <summary>Every command's JSON: camelCase keys all the way down, and the time of each of its stages.</summary>
    [Fact]
    public void Json_EveryCommand_CamelCaseKeysAndStageSeconds()
    {
        var movie = MovieLensReader.ReadMovies(Path.Combine(_data, "movies.dat"), MovieLensRelease.Ml1m)[0];
        string[][] commandLines =
        [
            ["generate", "--preset", "ml-100k", "--out", PathOf("generated")],
            ["train", _data, "--out", PathOf("json.mrals"), "--factors", "4", "--iterations", "1"],
            ["recommend", _model, "--data", _data, "--user", "1", "--count", "3"],
            ["recommend", _model, "--data", _data, "--titles", movie.Title, "--count", "3"],
            ["similar", _model, "--data", _data, "--movie", movie.Id.ToString(CultureInfo.InvariantCulture)],
            ["explain", _model, "--data", _data, "--user", "1", "--movie", movie.Id.ToString(CultureInfo.InvariantCulture)],
            ["evaluate", _data, "--factors", "4", "--iterations", "1"],
            ["evaluate", _data, "--sweep", "iterations=0..1", "--factors", "4"],
            ["info", _model],
        ];
        foreach (var commandLine in commandLines)
        {
            var (code, output, error) = CliRunner.Run([.. commandLine, "--json"]);
            Assert.True(code == 0, $"{commandLine[0]}: {error}");
            var json = JsonDocument.Parse(output).RootElement;
            Assert.All(Keys(json), key => Assert.True(char.IsLower(key[0]) && key.All(char.IsAsciiLetterOrDigit), $"{commandLine[0]}: key '{key}'"));
            var stages = json.GetProperty("stageSeconds").EnumerateObject().ToArray();
            Assert.True(stages.Length > 0, $"{commandLine[0]}: no stageSeconds");
            Assert.All(stages, stage => Assert.True(stage.Value.GetDouble() >= 0, $"{commandLine[0]}: {stage.Name}"));
        }
    }

    [Fact]
    public void Recommend_ModelOfAnotherRelease_Exit1NamingTheMismatch()
    {
        var other = PathOf("other");
        SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 400, movies: 300, ratings: 12_000) with { Seed = 8 }).WriteMl1mFiles(other);

        var (code, output, error) = CliRunner.Run("recommend", _model, "--data", other, "--user", "1");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Matches($@"^movierecs: {Regex.Escape(other)} has \d+ users that the model lacks, with ratings as high as those of the users it has \(users 201, 202, 203, \.\.\.\): was the model trained on another release\?\r?\n$", error);
    }

    [Fact]
    public void Similar_ModelOfALargerRelease_Exit1NamingTheMovies()
    {
        var small = PathOf("small");
        SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 100, movies: 150, ratings: 4_000) with { Seed = 8 }).WriteMl1mFiles(small);

        var (code, _, error) = CliRunner.Run("similar", _model, "--data", small, "--movie", "1");

        Assert.Equal(1, code);
        Assert.Matches(Fill(@"^movierecs: The model's {movies} movies include \d+ that are not in .*small \(movies \d+, \d+, \d+, \.\.\.\): was the model trained on another release\?"), error);
    }

    [Fact]
    public void Recommend_RatingsFileAsData_SameAsTheFolder()
    {
        var byFolder = CliRunner.Run("recommend", _model, "--data", _data, "--user", "1", "--count", "5", "--json");
        var byFile = CliRunner.Run("recommend", _model, "--data", Path.Combine(_data, "ratings.dat"), "--user", "1", "--count", "5", "--json");

        Assert.True(byFile.Code == 0, byFile.Error);
        Assert.Equal(
            JsonDocument.Parse(byFolder.Output).RootElement.GetProperty("recommendations").ToString(),
            JsonDocument.Parse(byFile.Output).RootElement.GetProperty("recommendations").ToString());
    }

    [Fact]
    public void Similar_FolderWithOnlyTheMoviesFile_Works()
    {
        var movies = Directory.CreateDirectory(PathOf("movies-only")).FullName;
        File.Copy(Path.Combine(_data, "movies.dat"), Path.Combine(movies, "movies.dat"));
        var movie = MovieLensReader.ReadMovies(Path.Combine(movies, "movies.dat"), MovieLensRelease.Ml1m)[4];

        var (code, output, error) = CliRunner.Run("similar", _model, "--data", movies, "--title", movie.Title, "--count", "3", "--json");

        Assert.True(code == 0, error);
        Assert.Equal(movie.Id, JsonDocument.Parse(output).RootElement.GetProperty("similar")[0].GetProperty("movieId").GetInt32());

        var byUser = CliRunner.Run("recommend", _model, "--data", movies, "--user", "1");
        Assert.Equal(1, byUser.Code);
        Assert.StartsWith($"movierecs: {movies} holds no ratings: --user needs the user's ratings", byUser.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Similar_MovieIdNotInTheModel_SaysItIsAMovieTheModelLacks()
    {
        var (code, _, error) = CliRunner.Run("similar", _model, "--data", _data, "--movie", "99999");

        Assert.Equal(1, code);
        Assert.Equal(Fill("movierecs: movie 99999 is not in the model ({movies} movies) nor in {data}") + Environment.NewLine, error);
    }

    [Fact]
    public void Recommend_UserIdNotInTheModel_SaysItIsAUserTheModelLacks()
    {
        var (code, _, error) = CliRunner.Run("recommend", _model, "--data", _data, "--user", "99999");

        Assert.Equal(1, code);
        Assert.Equal(Fill("movierecs: user 99999 is not in the model ({users} users)") + Environment.NewLine, error);
    }

    /// <summary>A valid command line of <paramref name="command"/> after its name, without <paramref name="option"/>.</summary>
    private string[] RestOf(string command, string option)
    {
        string[] rest = command switch
        {
            "generate" => ["--preset", "ml-100k", "--out", PathOf("out")],
            "train" => [_data, "--out", PathOf("out")],
            "recommend" => [_model, "--data", _data, "--user", "1"],
            "similar" => [_model, "--data", _data, "--movie", "1"],
            "explain" => [_model, "--data", _data, "--user", "1", "--movie", "1"],
            "evaluate" => [_data],
            "info" => [_model],
            _ => throw new ArgumentException($"no command line for {command}", nameof(command)),
        };
        // Without the option itself, and without the one it cannot be combined with; the plot options need a sweep.
        foreach (var left in new[] { option, option switch { "--title" => "--movie", "--titles" => "--user", _ => option } })
        {
            var at = Array.IndexOf(rest, left);
            rest = at < 0 ? rest : [.. rest[..at], .. rest[(at + 2)..]];
        }

        return option is "--plot" or "--metric" or "--plot-size" ? [.. rest, "--sweep", "iterations=1..2"] : rest;
    }

    private static IEnumerable<string> Keys(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Keys(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Keys),
        _ => [],
    };

    private string Fill(string text)
    {
        var (_, users, items) = AlsModelFile.Load(_model);
        return text
            .Replace("{movies}", items!.Count.ToString("N0", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{users}", users!.Count.ToString("N0", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{data}", _data, StringComparison.Ordinal)
            .Replace("{model}", _model, StringComparison.Ordinal)
            .Replace("{out}", PathOf("out"), StringComparison.Ordinal);
    }

    private IEnumerable<string> Args(string commandLine) =>
        commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Fill);

    /// <summary>Runs a command line that must fail with exit code 1 and exactly <paramref name="expected"/>, writing nothing.</summary>
    private void AssertUsageError(string commandLine, string expected)
    {
        var (code, output, error) = CliRunner.Run([.. Args(commandLine)]);
        Assert.Equal($"movierecs: {Fill(expected)}{Environment.NewLine}", error);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.False(Path.Exists(PathOf("out")), "nothing is written");
    }
}
