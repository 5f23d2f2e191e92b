using SharpFuzz;

namespace MovieRecs.Fuzz;

/// <summary>
/// The entry point: <c>MovieRecs.Fuzz TARGET</c> serves afl-fuzz (one input per round, through SharpFuzz's
/// out-of-process runner); <c>MovieRecs.Fuzz TARGET [-v] FILE|FOLDER...</c> replays inputs once each and reports every
/// input that fails (with <c>-v</c>, every documented rejection too); <c>MovieRecs.Fuzz list</c> names the targets; <c>MovieRecs.Fuzz seeds FOLDER</c> writes the
/// binary seed files of the corpus.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("usage: MovieRecs.Fuzz TARGET [[-v] FILE|FOLDER...] | list | seeds FOLDER");
            Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.Names));
            return 2;
        }

        if (args[0] == "list")
        {
            foreach (var name in FuzzTargets.Names)
            {
                Console.WriteLine(name);
            }

            return 0;
        }

        if (args[0] == "seeds")
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: MovieRecs.Fuzz seeds FOLDER");
                return 2;
            }

            SeedFiles.Write(args[1]);
            return 0;
        }

        if (!FuzzTargets.TryGet(args[0], out var target))
        {
            Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(", ", FuzzTargets.Names)}");
            return 2;
        }

        if (args.Length == 1)
        {
            Fuzzer.OutOfProcess.Run(stream => target(ReadAll(stream)));
            return 0;
        }

        var inputs = args[1..];
        if (inputs[0] == "-v")
        {
            Documented.Verbose = true;
            inputs = inputs[1..];
        }

        return Replay(args[0], target, inputs);
    }

    /// <summary>Runs every input file once; an input fails when the target throws anything (a finding).</summary>
    private static int Replay(string name, Action<byte[]> target, string[] paths)
    {
        var inputs = 0;
        var failures = 0;
        foreach (var file in Expand(paths))
        {
            inputs++;
            if (Documented.Verbose)
            {
                Console.Error.WriteLine(file);
            }

            try
            {
                target(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Replay reports every escaping exception: each one is a finding.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                Console.Error.WriteLine($"FAIL {file}: {e}");
            }
        }

        Console.WriteLine($"{name}: {inputs} inputs replayed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Expand(string[] paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
