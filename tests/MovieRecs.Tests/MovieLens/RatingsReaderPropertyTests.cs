using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

[Trait("Category", "Kernels")]
public class RatingsReaderPropertyTests
{
    private static readonly MovieLensRelease[] Layouts = [MovieLensRelease.Ml100k, MovieLensRelease.Ml1m, MovieLensRelease.Ml10m, MovieLensRelease.Ml25m];

    /// <summary>Any table written in any release's layout reads back equal (whole stars where the release needs them).</summary>
    [Property(MaxTest = 100)]
    public void ReadRatings_WrittenInEachLayout_ReadsBackEqual((NonNegativeInt User, NonNegativeInt Movie, byte Stars, NonNegativeInt TimeHigh, NonNegativeInt TimeLow)[] rows, bool crlf, bool finalNewline)
    {
        foreach (var release in Layouts)
        {
            var halfStars = release >= MovieLensRelease.Ml10m;
            var expected = rows
                .Select(r => (r.User.Get, r.Movie.Get, halfStars ? 0.5f * (1 + (r.Stars % 10)) : 1 + (r.Stars % 5), ((long)r.TimeHigh.Get * 1_000_000) + r.TimeLow.Get))
                .ToArray();
            var text = ReaderTestFormats.Format(release, expected, crlf ? "\r\n" : "\n");
            if (!finalNewline)
            {
                text = text.TrimEnd('\r', '\n');
            }

            var table = MovieLensReader.ReadRatings(new MemoryStream(Encoding.UTF8.GetBytes(text)), release, "roundtrip");

            Assert.Equal(expected, ReaderTestFormats.Rows(table));
        }
    }

    /// <summary>
    /// Lines cut at every block boundary: tiny buffers must give the same ratings as the default one, so no line is
    /// lost or split wrongly when it straddles two reads.
    /// </summary>
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public void Parse_AnyBufferSize_GivesTheSameRatings(RatingsFile file, NonNegativeInt extraBufferBytes)
    {
        var rows = file.Rows;
        var bytes = file.Bytes;
        var bufferSize = 64 + (extraBufferBytes.Get % 236);

        using var parser = new RatingsParser(new MemoryStream(bytes), file.Release, "x", leaveOpen: false, progress: null, bufferSize);
        var destination = new Rating[rows.Length + 1];
        var sink = new SpanRatingSink(destination);
        var count = parser.Parse(ref sink, destination.Length, CancellationToken.None);

        Assert.Equal(rows, destination.Take(count).Select(r => (r.UserId, r.MovieId, r.Value, r.Timestamp)));
    }

    /// <summary>The 8-byte digit reader against a plain loop, for every run length 0..12 and any bytes around it.</summary>
    [Property(MaxTest = 100)]
    public void ReadDigits_AnyRunAndTrailingBytes_MatchesScalarLoop(byte[] digits, byte[] trailing)
    {
        for (var length = 0; length <= 12; length++)
        {
            // The run: digits[i] % 10 (0 where the drawn digits run out); then the trailing bytes, then zeros.
            var bytes = new byte[length + 16];
            for (var i = 0; i < length; i++)
            {
                bytes[i] = (byte)('0' + (i < digits.Length ? digits[i] % 10 : 0));
            }

            trailing.AsSpan(0, Math.Min(trailing.Length, 16)).CopyTo(bytes.AsSpan(length));
            if (bytes[length] is >= (byte)'0' and <= (byte)'9')
            {
                bytes[length] = (byte)(0x3A + (bytes[length] - '0'));
            }

            var count = RatingsParser.ReadDigits(ref bytes[0], 0, out var value);

            var expectedCount = Math.Min(length, 8);
            ulong expectedValue = 0;
            for (var i = 0; i < expectedCount; i++)
            {
                expectedValue = (expectedValue * 10) + (ulong)(bytes[i] - '0');
            }

            Assert.Equal(expectedCount, count);
            if (count > 0)
            {
                Assert.Equal(expectedValue, value);
            }
        }
    }

    /// <summary>
    /// Reading into a span allocates nothing once warm. The runtime itself may allocate while it swaps in
    /// optimized code during the first passes, so the check takes the best of a few passes: an allocation per
    /// line or per block would show in every one.
    /// </summary>
    [Fact]
    public void Read_WarmedUpIntoSpan_AllocatesNothing()
    {
        var rows = Enumerable.Range(0, 50_000).Select(i => (i, i % 977, 0.5f * (1 + (i % 10)), 1_500_000_000L + i)).ToArray();
        var bytes = Encoding.UTF8.GetBytes(ReaderTestFormats.Format(MovieLensRelease.Ml25m, rows));
        var destination = new Rating[1000];
        var fewest = long.MaxValue;
        for (var pass = 0; pass < 5 && fewest > 0; pass++)
        {
            using var reader = new RatingsReader(new MemoryStream(bytes), MovieLensRelease.Ml25m, "x");
            Assert.Equal(destination.Length, reader.Read(destination));

            var before = GC.GetAllocatedBytesForCurrentThread();
            var total = 0;
            int count;
            while ((count = reader.Read(destination)) > 0)
            {
                total += count;
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(rows.Length - destination.Length, total);
        }

        Assert.Equal(0, fewest);
    }

    [Fact]
    public void Parse_LineLongerThanTheBuffer_ThrowsNamingTheLine()
    {
        var bytes = Encoding.ASCII.GetBytes("1::2::3::4\n1::2::3::" + new string('4', 100) + "\n");
        using var parser = new RatingsParser(new MemoryStream(bytes), MovieLensRelease.Ml1m, "long", leaveOpen: false, progress: null, bufferSize: 64);
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            var sink = new SpanRatingSink(new Rating[4]);
            parser.Parse(ref sink, 4, CancellationToken.None);
        });

        Assert.StartsWith("long, line 2: the line is longer than 64 bytes", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The fast path and the reference line parser agree on every line built from a ratings alphabet: both accept
    /// it with the same rating, or both reject it.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property ParseRegion_AgreesWithReferenceParser() =>
        Prop.ForAll(Arb.From(LineGenerator()), (string line) =>
        {
            foreach (var release in Layouts)
            {
                var layout = release switch
                {
                    MovieLensRelease.Ml100k => RatingsLayout.Tab,
                    MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => RatingsLayout.DoubleColon,
                    _ => RatingsLayout.Csv,
                };
                var separator = layout switch { RatingsLayout.Tab => "\t", RatingsLayout.DoubleColon => "::", _ => "," };
                var text = line.Replace(";", separator, StringComparison.Ordinal);
                var bytes = Encoding.ASCII.GetBytes(text);
                var referenceOk = RatingsLineParser.TryParse(bytes, layout, release >= MovieLensRelease.Ml10m, out var expected, out _);
                var header = layout == RatingsLayout.Csv ? "userId,movieId,rating,timestamp\n" : "";

                Rating[] actual;
                try
                {
                    actual = ReaderTestFormats.Rows(MovieLensReader.ReadRatings(new MemoryStream(Encoding.ASCII.GetBytes(header + text + "\n")), release, "x"))
                        .Select(r => new Rating(r.Item1, r.Item2, r.Item3, r.Item4))
                        .ToArray();
                }
                catch (InvalidDataException)
                {
                    if (referenceOk)
                    {
                        return false.Label($"{release}: fast path rejected \"{text}\" that the reference accepts");
                    }

                    continue;
                }

                if (text is "" or "\r")
                {
                    // A blank line is skipped, not an error.
                    if (actual.Length != 0)
                    {
                        return false.Label($"{release}: blank line gave ratings");
                    }

                    continue;
                }

                if (!referenceOk || actual.Length != 1 || actual[0] != expected)
                {
                    return false.Label($"{release}: \"{text}\" gave [{string.Join(", ", actual)}], reference ok={referenceOk} {expected}");
                }
            }

            return true.ToProperty();
        });

    /// <summary>Lines of 4 fields most of the time, each field from digits and a few troublemakers; ';' stands for the separator.</summary>
    private static Gen<string> LineGenerator()
    {
        var digits = Gen.Elements("0", "1", "2", "3", "4", "5", "9", "10", "35", "2147483647", "2147483648", "007");
        var odd = Gen.Elements("", "-1", "3.5", "4.0", "0.5", "5.5", "3.3", "4.00", "1e0", ".5", "3.", " 1", "x", "\r", "99999999999999999999", "1234567890123456789");
        var field = Gen.Frequency((4, digits), (1, odd));
        return Gen.Frequency(
            (5, Gen.ArrayOf(field, 4)),
            (1, Gen.ArrayOf(field)))
            .Select(fields => string.Join(";", fields));
    }
}
