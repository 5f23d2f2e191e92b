using System.Buffers.Text;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.MovieLens;

/// <summary>Receives the ratings the parser produces; implemented by structs so the JIT specializes the hot loop.</summary>
internal interface IRatingSink
{
    void Add(int userId, int movieId, float rating, long timestamp);
}

/// <summary>
/// The block parser behind every ratings reader: reads the stream in large blocks into one byte buffer and parses
/// complete lines straight from the bytes, without decoding to strings.
/// </summary>
/// <remarks>
/// Every block handed to the hot loop ends with a <c>'\n'</c> (a missing final newline is supplied once at the end
/// of the stream), so each digit loop stops at the latest there and needs no bounds checks. Anything unexpected
/// leaves the fast path for <see cref="RatingsLineParser"/>, which explains the error.
/// </remarks>
internal sealed class RatingsParser : IDisposable
{
    public const int DefaultBufferSize = 1 << 20;

    /// <summary>The ratings to parse before <see cref="EstimateTotalRatings"/> sizes a destination.</summary>
    public const int EstimateSampleRatings = 16_384;

    private const int MaxTimestampDigits = 18;

    /// <summary>Bytes after the data area that 8-byte loads may touch.</summary>
    private const int Padding = 8;

    private static ReadOnlySpan<byte> CsvHeader => "userId,movieId,rating,timestamp"u8;

    /// <summary>
    /// 10^0 to 10^8, for the timestamp digits after the first eight. A static array, not a <c>ReadOnlySpan&lt;ulong&gt;</c>
    /// literal: that compiles to <c>RuntimeHelpers.CreateSpan</c>, which only the optimizing JIT turns into a constant;
    /// unoptimized code (a Debug build, <c>DOTNET_JITMinOpts=1</c>) calls it and allocates a field handle stub per line.
    /// </summary>
    private static readonly ulong[] PowersOf10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    private readonly Stream _stream;

    /// <summary>The stream's position when parsing started, or -1 when it cannot seek.</summary>
    private readonly long _startPosition;
    private readonly bool _leaveOpen;
    private readonly IProgress<long>? _progress;
    private readonly RatingsLayout _layout;
    private readonly byte _separator;
    private readonly bool _doubleSeparator;
    private readonly bool _halfStars;
    private readonly byte[] _buffer;

    private int _position;
    private int _regionEnd;
    private int _end;
    private bool _endOfStream;
    private bool _finalNewlineAdded;
    private bool _bomChecked;
    private bool _headerPending;
    private bool _disposed;
    private long _lineNumber;
    private long _bytesRead;
    private long _ratingsParsed;

    public RatingsParser(Stream stream, MovieLensRelease release, string displayName, bool leaveOpen, IProgress<long>? progress, int bufferSize = DefaultBufferSize)
    {
        Debug.Assert(bufferSize >= 16);
        _stream = stream;
        _startPosition = stream.CanSeek ? stream.Position : -1;
        _leaveOpen = leaveOpen;
        _progress = progress;
        DisplayName = displayName;
        Release = release;
        _layout = ReleaseFormat.RatingsLayout(release);
        _separator = _layout switch
        {
            RatingsLayout.Tab => (byte)'\t',
            RatingsLayout.DoubleColon => (byte)':',
            _ => (byte)',',
        };
        _doubleSeparator = _layout == RatingsLayout.DoubleColon;
        _halfStars = ReleaseFormat.HasHalfStars(release);
        _headerPending = _layout == RatingsLayout.Csv;

        // One spare byte so a final line without a newline can be terminated in place, and padding so the
        // 8-byte digit loads never read past the array (bytes after a line's newline are never used).
        _buffer = GC.AllocateUninitializedArray<byte>(bufferSize + 1 + Padding);
    }

    public string DisplayName { get; }

    public MovieLensRelease Release { get; }

    /// <summary>The number of lines consumed so far (1-based number of the last line parsed).</summary>
    public long LineNumber => _lineNumber;

    /// <summary>Bytes read from the stream so far (the parser reads ahead by up to one block).</summary>
    public long BytesRead => _bytesRead;

    /// <summary>Bytes of the stream that parsing has consumed so far.</summary>
    public long BytesConsumed => _bytesRead - (_end - _position) + (_finalNewlineAdded && _position < _end ? 1 : 0);

    /// <summary>Parses up to <paramref name="maxRatings"/> ratings into <paramref name="sink"/>; returns how many (0 at the end).</summary>
    public int Parse<TSink>(ref TSink sink, int maxRatings, CancellationToken cancellationToken)
        where TSink : IRatingSink, allows ref struct
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var produced = 0;
        while (produced < maxRatings)
        {
            if (_position >= _regionEnd)
            {
                if (!Refill(cancellationToken))
                {
                    break;
                }

                continue;
            }

            produced += ParseRegion(ref sink, maxRatings - produced);
        }

        _ratingsParsed += produced;
        return produced;
    }

    /// <summary>
    /// An estimate of the number of ratings in the whole stream (from where parsing started), from the bytes that the
    /// ratings parsed so far took (at least <see cref="EstimateSampleRatings"/> of them make a fair sample) and the line
    /// lengths at the stream's end; 0 when the stream cannot seek, is empty or nothing was parsed yet.
    /// </summary>
    public long EstimateTotalRatings()
    {
        var length = _startPosition < 0 ? 0 : _stream.Length - _startPosition;
        if (length <= 0 || _ratingsParsed == 0)
        {
            return 0;
        }

        // Lines grow longer as ids gain digits (files are sorted by user), so the first lines alone overestimate the
        // count (by 15% on a synthetic ml-20m), enough for a final trim to copy everything. The mean of the first and
        // the last lines' lengths is close and still errs on the long side for such files: an overestimate costs only
        // untouched memory, an underestimate a growth step.
        var bytesPerRating = Math.Max(1.0, BytesConsumed / (double)_ratingsParsed);
        if (MovieLensReader.TailBytesPerLine(_stream, _startPosition) is > 0 and var tail)
        {
            bytesPerRating = Math.Max(1.0, (bytesPerRating + tail) / 2);
        }

        return (long)Math.Min((length / bytesPerRating * 1.02) + 1024, long.MaxValue / 2);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <summary>Parses complete lines of the current region until it ends or <paramref name="maxRatings"/> are produced.</summary>
    private int ParseRegion<TSink>(ref TSink sink, int maxRatings)
        where TSink : IRatingSink, allows ref struct
    {
        ref var b = ref MemoryMarshal.GetArrayDataReference(_buffer);
        var p = _position;
        var regionEnd = _regionEnd;
        var sep = _separator;
        var twoSeparators = _doubleSeparator;
        var halfStars = _halfStars;
        var lineNumber = _lineNumber;
        var produced = 0;

        while (p < regionEnd && produced < maxRatings)
        {
            var lineStart = p;
            lineNumber++;
            uint c = Unsafe.Add(ref b, p);
            uint d;

            // Blank lines (empty, or a lone CR before the LF) are skipped.
            if (c == '\n')
            {
                p++;
                continue;
            }

            if (c == '\r' && Unsafe.Add(ref b, p + 1) == '\n')
            {
                p += 2;
                continue;
            }

            if (_headerPending)
            {
                p = ConsumeHeader(lineStart, lineNumber);
                continue;
            }

            // User id, then movie id, each with its separator(s).
            p = ReadIdField(ref b, p, sep, twoSeparators, out var user);
            if (p < 0)
            {
                goto Fail;
            }

            p = ReadIdField(ref b, p, sep, twoSeparators, out var movie);
            if (p < 0)
            {
                goto Fail;
            }

            // Rating: fast paths "d" and "d.d"; anything else goes through the general parser.
            float rating;
            d = (uint)(Unsafe.Add(ref b, p) - '0');
            uint next = Unsafe.Add(ref b, p + 1);
            uint tenths;
            if (d <= 9 && next == sep)
            {
                tenths = d * 10;
                p++;
            }
            else if (d <= 9 && next == '.' && (tenths = (uint)(Unsafe.Add(ref b, p + 2) - '0')) <= 9 && Unsafe.Add(ref b, p + 3) == sep)
            {
                tenths += d * 10;
                p += 3;
            }
            else
            {
                if (!TryParseGeneralRating(ref p, halfStars, out rating))
                {
                    goto Fail;
                }

                goto RatingDone;
            }

            if (!RatingsLineParser.IsValidTenths(tenths, halfStars))
            {
                goto Fail;
            }

            rating = tenths / 10f;

        RatingDone:
            p = SkipSeparator(ref b, p, sep, twoSeparators);
            if (p < 0)
            {
                goto Fail;
            }

            // Timestamp: 8 digits per step, at most 18 digits.
            var digits = ReadDigits(ref b, p, out var timestamp);
            if (digits == 0)
            {
                goto Fail;
            }

            p += digits;
            var timestampDigits = digits;
            while (digits == 8)
            {
                digits = ReadDigits(ref b, p, out var more);
                p += digits;
                timestampDigits += digits;
                if (timestampDigits > MaxTimestampDigits)
                {
                    goto Fail;
                }

                timestamp = (timestamp * PowerOf10(digits)) + more;
            }

            // End of line: LF or CR LF.
            c = Unsafe.Add(ref b, p);
            if (c == '\r')
            {
                p++;
                c = Unsafe.Add(ref b, p);
            }

            if (c != '\n')
            {
                goto Fail;
            }

            p++;
            sink.Add((int)user, (int)movie, rating, (long)timestamp);
            produced++;
            continue;

        Fail:
            _position = lineStart;
            _lineNumber = lineNumber;
            ThrowLineError(lineStart, lineNumber);
        }

        _position = p;
        _lineNumber = lineNumber;
        return produced;
    }

    /// <summary>
    /// Reads the run of ASCII digits at <paramref name="position"/>, up to 8 of them, with one 8-byte load:
    /// returns how many digits there are (0 to 8) and their value. Bytes after the first non-digit are ignored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ReadDigits(ref byte buffer, int position, out ulong value)
    {
        // XOR with '0' maps digits to 0..9; a byte is a digit when neither it nor it + 6 reaches 16. A carry out of
        // a non-digit byte can only disturb later bytes, which are past the first non-digit anyway.
        var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref buffer, position)) ^ 0x3030303030303030UL;
        var nonDigits = (word | (word + 0x0606060606060606UL)) & 0xF0F0F0F0F0F0F0F0UL;
        var count = BitOperations.TrailingZeroCount(nonDigits) >> 3;

        // Move the digits to the top bytes (zeros below act as leading zeros), then combine pairs, quads, eights.
        var digits = count == 0 ? 0 : word << ((8 - count) * 8);
        digits = (digits * 10) + (digits >> 8);
        digits = (((digits & 0x000000FF000000FFUL) * 0x000F424000000064UL) + (((digits >> 16) & 0x000000FF000000FFUL) * 0x0000271000000001UL)) >> 32;
        value = (uint)digits;
        return count;
    }

    /// <summary>
    /// Reads a user or movie id at <paramref name="position"/> and the separator(s) after it: up to 8 digits in one
    /// 8-byte step, longer ids digit by digit with an overflow check. Returns the position after the separator(s), or
    /// -1 when there is no id, it exceeds <see cref="int.MaxValue"/>, or the separator does not follow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadIdField(ref byte buffer, int position, byte separator, bool twoSeparators, out ulong id)
    {
        var digits = ReadDigits(ref buffer, position, out id);
        if (digits == 0)
        {
            return -1;
        }

        position += digits;
        if (digits == 8)
        {
            uint d;
            while ((d = (uint)(Unsafe.Add(ref buffer, position) - '0')) <= 9)
            {
                id = (id * 10) + d;
                position++;
                if (id > int.MaxValue)
                {
                    return -1;
                }
            }
        }

        return SkipSeparator(ref buffer, position, separator, twoSeparators);
    }

    /// <summary>Returns the position after the field separator (or the doubled one) at <paramref name="position"/>, or -1 when it is not there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipSeparator(ref byte buffer, int position, byte separator, bool twoSeparators)
    {
        if (Unsafe.Add(ref buffer, position) != separator)
        {
            return -1;
        }

        position++;
        if (twoSeparators)
        {
            if (Unsafe.Add(ref buffer, position) != separator)
            {
                return -1;
            }

            position++;
        }

        return position;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PowerOf10(int exponent) => PowersOf10[exponent];

    /// <summary>The rare rating spellings (<c>"4.00"</c>, <c>"3.5e0"</c>): parse the field up to the next separator or line end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryParseGeneralRating(ref int position, bool halfStars, out float rating)
    {
        var field = _buffer.AsSpan(position, _regionEnd - position);
        var length = field.IndexOfAny(_separator, (byte)'\n', (byte)'\r');
        Debug.Assert(length >= 0, "Every region ends with a newline.");
        if (!RatingsLineParser.TryParseRating(field[..length], halfStars, out rating, out _))
        {
            return false;
        }

        position += length;
        return true;
    }

    private int ConsumeHeader(int lineStart, long lineNumber)
    {
        var rest = _buffer.AsSpan(lineStart, _regionEnd - lineStart);
        var newline = rest.IndexOf((byte)'\n');
        Debug.Assert(newline >= 0, "Every region ends with a newline.");
        var line = rest[..newline];
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!System.Text.Ascii.EqualsIgnoreCase(line, CsvHeader))
        {
            _lineNumber = lineNumber;
            DataError.Throw(DisplayName, lineNumber, $"expected the CSV header \"{Encoding.ASCII.GetString(CsvHeader)}\"", line);
        }

        _headerPending = false;
        return lineStart + newline + 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowLineError(int lineStart, long lineNumber)
    {
        var rest = _buffer.AsSpan(lineStart, _regionEnd - lineStart);
        var newline = rest.IndexOf((byte)'\n');
        Debug.Assert(newline >= 0, "Every region ends with a newline.");
        var line = rest[..newline];
        var isLastUnterminated = _finalNewlineAdded && lineStart + newline == _end - 1;
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var reason = RatingsLineParser.TryParse(line, _layout, _halfStars, out _, out var error)
            ? "malformed ratings line"
            : error!;
        if (isLastUnterminated)
        {
            reason += " (the last line has no newline: the file may be truncated)";
        }

        DataError.Throw(DisplayName, lineNumber, reason, line);
    }

    /// <summary>Makes the next region of complete lines available; returns false at the end of the stream.</summary>
    private bool Refill(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_finalNewlineAdded)
        {
            return false;
        }

        // Move the incomplete tail line to the front; it holds no newline, so the search starts after it.
        var leftover = _end - _position;
        if (leftover > 0 && _position > 0)
        {
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, leftover);
        }

        _position = 0;
        _end = leftover;
        _regionEnd = 0;
        var searchFrom = leftover;
        while (true)
        {
            if (!_endOfStream)
            {
                var room = _buffer.Length - 1 - Padding - _end;
                if (room == 0)
                {
                    DataError.Throw(DisplayName, _lineNumber + 1, $"the line is longer than {_buffer.Length - 1 - Padding} bytes", _buffer.AsSpan(0, _end));
                }

                var read = _stream.Read(_buffer, _end, room);
                if (read == 0)
                {
                    _endOfStream = true;
                }
                else
                {
                    _end += read;
                    _bytesRead += read;
                    _progress?.Report(_bytesRead);
                }
            }

            if (!_bomChecked)
            {
                if (_end < 3 && !_endOfStream)
                {
                    continue;
                }

                _bomChecked = true;
                if (_buffer.AsSpan(0, _end).StartsWith(Encoding.UTF8.Preamble))
                {
                    _position = 3;
                    searchFrom = 3;
                }
            }

            var newline = _buffer.AsSpan(searchFrom, _end - searchFrom).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                _regionEnd = searchFrom + newline + 1;
                return true;
            }

            searchFrom = _end;
            if (_endOfStream)
            {
                if (_end == _position)
                {
                    return false;
                }

                // A last line without a newline: terminate it in the spare byte.
                _buffer[_end++] = (byte)'\n';
                _finalNewlineAdded = true;
                _regionEnd = _end;
                return true;
            }
        }
    }
}

/// <summary>
/// The reference parser of one ratings line (without its line break). Slow and simple: it explains the errors the
/// fast path finds, and tests compare the two.
/// </summary>
internal static class RatingsLineParser
{
    public static bool IsValidTenths(uint tenths, bool halfStars) =>
        halfStars
            ? tenths is >= 5 and <= 50 && tenths % 5 == 0
            : tenths is >= 10 and <= 50 && tenths % 10 == 0;

    public static bool TryParse(ReadOnlySpan<byte> line, RatingsLayout layout, bool halfStars, out Rating rating, out string? error)
    {
        rating = default;
        var separator = layout switch
        {
            RatingsLayout.Tab => "\t"u8,
            RatingsLayout.DoubleColon => "::"u8,
            _ => ","u8,
        };
        var separatorName = layout switch
        {
            RatingsLayout.Tab => "tabs",
            RatingsLayout.DoubleColon => "\"::\"",
            _ => "commas",
        };

        Span<Range> fields = stackalloc Range[4];
        var count = 0;
        var start = 0;
        while (true)
        {
            var at = line[start..].IndexOf(separator);
            var end = at < 0 ? line.Length : start + at;
            if (count < fields.Length)
            {
                fields[count] = new Range(start, end);
            }

            count++;
            if (at < 0)
            {
                break;
            }

            start = end + separator.Length;
        }

        if (count != 4)
        {
            error = $"expected 4 fields (user, movie, rating, timestamp) separated by {separatorName} but found {count}";
            return false;
        }

        if (!TryParseId(line[fields[0]], "user id", out var userId, out error)
            || !TryParseId(line[fields[1]], "movie id", out var movieId, out error)
            || !TryParseRating(line[fields[2]], halfStars, out var value, out error)
            || !TryParseTimestamp(line[fields[3]], out var timestamp, out error))
        {
            return false;
        }

        rating = new Rating(userId, movieId, value, timestamp);
        return true;
    }

    public static bool TryParseId(ReadOnlySpan<byte> field, string what, out int id, out string? error)
    {
        id = 0;
        if (field.IsEmpty || field.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            error = field.Length > 0 && field[0] == (byte)'-' && field.Length > 1 && !field[1..].ContainsAnyExceptInRange((byte)'0', (byte)'9')
                ? $"{what} \"{Show(field)}\" is negative"
                : $"{what} \"{Show(field)}\" is not a non-negative integer";
            return false;
        }

        long value = 0;
        foreach (var digit in field)
        {
            value = (value * 10) + (digit - '0');
            if (value > int.MaxValue)
            {
                error = $"{what} \"{Show(field)}\" is greater than {int.MaxValue}";
                return false;
            }
        }

        id = (int)value;
        error = null;
        return true;
    }

    public static bool TryParseRating(ReadOnlySpan<byte> field, bool halfStars, out float rating, out string? error)
    {
        if (field.IsEmpty || !Utf8Parser.TryParse(field, out rating, out var consumed) || consumed != field.Length || !float.IsFinite(rating))
        {
            rating = 0;
            error = $"rating \"{Show(field)}\" is not a number";
            return false;
        }

        var doubled = rating * 2;
        var valid = halfStars
            ? doubled is >= 1 and <= 10 && doubled == MathF.Round(doubled)
            : rating is >= 1 and <= 5 && rating == MathF.Round(rating);
        if (!valid)
        {
            error = halfStars
                ? $"rating \"{Show(field)}\" is not one of 0.5, 1, ..., 5 (half stars)"
                : $"rating \"{Show(field)}\" is not one of 1, 2, 3, 4, 5 (whole stars in ml-100k and ml-1m)";
            return false;
        }

        error = null;
        return true;
    }

    public static bool TryParseTimestamp(ReadOnlySpan<byte> field, out long timestamp, out string? error)
    {
        timestamp = 0;
        if (field.IsEmpty || field.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            error = $"timestamp \"{Show(field)}\" is not a non-negative integer";
            return false;
        }

        if (field.Length > 18)
        {
            error = $"timestamp \"{Show(field)}\" has more than 18 digits";
            return false;
        }

        foreach (var digit in field)
        {
            timestamp = (timestamp * 10) + (digit - '0');
        }

        error = null;
        return true;
    }

    private static string Show(ReadOnlySpan<byte> field)
    {
        const int MaxShown = 40;
        var text = Encoding.Latin1.GetString(field.Length > MaxShown ? field[..MaxShown] : field);
        return field.Length > MaxShown ? text + "..." : text;
    }
}
