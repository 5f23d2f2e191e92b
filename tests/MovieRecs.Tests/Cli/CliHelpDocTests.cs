using System.Text;
using System.Text.RegularExpressions;

namespace MovieRecs.Tests.Cli;

/// <summary>
/// docs/cli.md shows the real <c>--help</c> of every command, each in a fenced block after a
/// <c>&lt;!-- movierecs COMMAND --help --&gt;</c> marker. With <c>MOVIERECS_UPDATE_CLI_DOCS=1</c> the test writes the
/// current help into the blocks instead of comparing.
/// </summary>
public sealed partial class CliHelpDocTests
{
    private const string UpdateVariable = "MOVIERECS_UPDATE_CLI_DOCS";

    private static readonly string[] Commands = ["", "generate", "train", "recommend", "similar", "explain", "evaluate", "info"];

    [Fact]
    public void Docs_ShowTheHelpOfEveryCommand()
    {
        var path = Path.Combine(TestData.RepositoryRoot, "docs", "cli.md");
        var doc = File.ReadAllText(path).ReplaceLineEndings("\n");
        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        var problems = new StringBuilder();
        foreach (var command in Commands)
        {
            var marker = $"<!-- movierecs {command}{(command.Length > 0 ? " " : "")}--help -->";
            var (code, output, _) = CliRunner.Run(command.Length > 0 ? [command, "--help"] : ["--help"]);
            Assert.Equal(0, code);
            var help = Normalize(output);
            var block = new Regex(Regex.Escape(marker) + "\n```text\n(.*?)```", RegexOptions.Singleline).Match(doc);
            if (!block.Success)
            {
                problems.Append("docs/cli.md has no ```text block after ").AppendLine(marker);
                continue;
            }

            if (update)
            {
                var asPrinted = string.Join('\n', output.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).Trim('\n');
                doc = doc[..block.Groups[1].Index] + asPrinted + "\n" + doc[(block.Groups[1].Index + block.Groups[1].Length)..];
            }
            else if (Normalize(block.Groups[1].Value) != help)
            {
                problems.AppendLine(Diff(marker, Normalize(block.Groups[1].Value), help));
            }
        }

        if (update)
        {
            File.WriteAllText(path, doc);
        }

        Assert.True(problems.Length == 0, $"{problems}Run the test with {UpdateVariable}=1 to write the current help into docs/cli.md.");
    }

    /// <summary>Lines without trailing white space, runs of spaces as one, no blank lines at either end.</summary>
    private static string Normalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => Spaces().Replace(line.TrimEnd(), " "))).Trim('\n');

    /// <summary>The first line that differs, with its number, as the doc has it and as the tool prints it.</summary>
    private static string Diff(string marker, string documented, string actual)
    {
        var (a, b) = (documented.Split('\n'), actual.Split('\n'));
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        return $"{marker}: line {line + 1} differs\n  docs/cli.md: {(line < a.Length ? a[line] : "(end)")}\n  --help:      {(line < b.Length ? b[line] : "(end)")}";
    }

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();
}
