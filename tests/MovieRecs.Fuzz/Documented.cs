using System.Text.RegularExpressions;
using MovieRecs.Internal;
using MovieRecs.Persistence;

namespace MovieRecs.Fuzz;

/// <summary>
/// Runs a reader and accepts only the failures its documentation names, in the documented shape; any other exception
/// escapes (the fuzzer reports it), and a documented exception of the wrong shape becomes a <see cref="FuzzFindingException"/>.
/// </summary>
internal static partial class Documented
{
    /// <summary>The display name the text readers are given; their errors must name it.</summary>
    public const string TextFileName = "input.txt";

    /// <summary>The source name the binary readers are given; their errors must name it.</summary>
    public const string BinaryFileName = "input.bin";

    /// <summary>Whether each documented rejection is printed (replay with <c>-v</c>).</summary>
    public static bool Verbose { get; set; }

    /// <summary>Prints a documented rejection when <see cref="Verbose"/> is set.</summary>
    public static void Rejected(Exception e)
    {
        if (Verbose)
        {
            Console.Error.WriteLine("  rejected: " + e.Message);
        }
    }

    /// <summary>
    /// Runs a MovieLens reader: its result, or null when it threw <see cref="InvalidDataException"/> with the
    /// documented message "file, line N: reason. Line text: "..."", control characters escaped.
    /// </summary>
    public static T? TextFile<T>(Func<T> read)
        where T : class => TextFile(read, out _);

    /// <inheritdoc cref="TextFile{T}(Func{T})"/>
    /// <param name="read">The read.</param>
    /// <param name="error">The documented exception when the read failed, else null.</param>
    public static T? TextFile<T>(Func<T> read, out InvalidDataException? error)
        where T : class
    {
        try
        {
            error = null;
            return read();
        }
        catch (InvalidDataException e)
        {
            if (!TextFileMessage().IsMatch(e.Message))
            {
                throw new FuzzFindingException($"InvalidDataException without file, line and text: {e.Message}", e);
            }

            CheckNoControlCharacters(e);

            Rejected(e);
            error = e;
            return null;
        }
    }

    /// <summary>
    /// Checks that a message shows nothing a terminal acts on: no C0 or C1 control, DEL, bidirectional control, line or
    /// paragraph separator, nor lone surrogate (the readers escape them).
    /// </summary>
    public static void CheckNoControlCharacters(Exception e)
    {
        var message = e.Message;
        for (var i = 0; i < message.Length; i++)
        {
            if (char.IsHighSurrogate(message[i]) && i + 1 < message.Length && char.IsLowSurrogate(message[i + 1]))
            {
                i++;
            }
            else if (MessageText.IsUnsafe(message[i]))
            {
                throw new FuzzFindingException($"U+{(int)message[i]:X4} unescaped at {i} in the message: {MessageText.Escape(message)}", e);
            }
        }
    }

    /// <summary>
    /// Runs a binary reader (a .npy, a .npz, a model file): its result, or null when it threw a
    /// <see cref="ModelFileException"/> of a defined <see cref="ModelFileError"/> naming <paramref name="source"/> (an
    /// archive's errors name <c>archive:entry</c>).
    /// </summary>
    public static T? BinaryFile<T>(Func<T> read, string source = BinaryFileName)
        where T : class
    {
        try
        {
            return read();
        }
        catch (ModelFileException e)
        {
            CheckNpyError(e, source);
            Rejected(e);
            return null;
        }
    }

    /// <summary>Checks that a persistence error is classified and names its source.</summary>
    public static void CheckNpyError(ModelFileException e, string source)
    {
        if (!Enum.IsDefined(e.Kind))
        {
            throw new FuzzFindingException($"ModelFileException of an undefined kind: {e.Message}", e);
        }

        if (!e.Message.StartsWith(source + ":", StringComparison.Ordinal)
            || !e.SourceName.StartsWith(source, StringComparison.Ordinal))
        {
            throw new FuzzFindingException($"ModelFileException that does not name {source}: {e.Message}", e);
        }
    }

    [GeneratedRegex("""\Ainput\.txt, line [1-9][0-9]*: .+\. Line text: ".*"\z""", RegexOptions.Singleline)]
    private static partial Regex TextFileMessage();
}
