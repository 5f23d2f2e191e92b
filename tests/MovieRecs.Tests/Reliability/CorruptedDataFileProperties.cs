using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Tests.MovieLens;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// Every MovieLens reader, fed valid files damaged at random (truncated, bits flipped, bytes inserted, deleted or
/// duplicated, lines swapped, or pure random bytes): it either reads the file or throws the documented
/// <see cref="InvalidDataException"/> whose message names the file and the line, with no control character in it;
/// never another exception.
/// </summary>
public class CorruptedDataFileProperties
{
    private const string Name = "damaged.file";

    private static readonly (string Format, string Text, Func<Stream, object> Read)[] Formats =
    [
        ("u.data", "7\t13\t3\t880000001\n8\t21\t4\t880000002\n9\t34\t1\t880000003\n10\t55\t2\t880000004\n",
            s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml100k, Name)),
        ("ratings.dat", "1::101::5::970000001\n1::102::3::970000002\n2::103::5::970000003\n3::104::4::970000004\n",
            s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml1m, Name)),
        ("ratings.csv", "userId,movieId,rating,timestamp\n1,201,5.0,1100000001\n1,202,3.5,1100000002\n2,203,0.5,1100000003\n",
            s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml25m, Name)),
        ("movies.dat", "1::First Film (1995)::Animation|Children's|Comedy\n2::Second Film (1995)::Adventure|Fantasy\n",
            s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml1m, Name)),
        ("movies.csv", "movieId,title,genres\n1,First Film (1995),Adventure|Animation\n2,\"Quoted Film, The (1995)\",Comedy|Drama|Romance\n",
            s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml25m, Name)),
        ("users.dat", "1::F::1::10::00001\n2::M::56::16::00002\n3::M::25::15::00003\n",
            s => MovieLensReader.ReadUsers(s, MovieLensRelease.Ml1m, Name)),
        ("tags.csv", "userId,movieId,tag,timestamp\n3,301,classic,1400000001\n3,301,sci-fi,1400000002\n4,302,\"dark, comedy\",1400000003\n",
            s => MovieLensReader.ReadTags(s, MovieLensRelease.Ml25m, Name)),
        ("links.csv", "movieId,imdbId,tmdbId\n1,0000001,11\n2,0000002,12\n3,0000003,\n",
            s => MovieLensReader.ReadLinks(s, Name)),
    ];

    [Fact]
    public void TheUndamagedSamples_Read()
    {
        foreach (var (format, text, read) in Formats)
        {
            var exception = Record.Exception(() => read(new MemoryStream(Encoding.UTF8.GetBytes(text))));
            Assert.True(exception is null, $"{format}: {exception}");
        }
    }

    [Property(MaxTest = 400)]
    public Property AnyDamage_ReadsOrThrowsInvalidDataNamingFileAndLine() =>
        Prop.ForAll(
            Gen.Choose(0, Formats.Length - 1).Zip(Gen.Choose(0, int.MaxValue)).ToArbitrary(),
            pair =>
            {
                var (index, seed) = pair;
                var (format, text, read) = Formats[index];
                var bytes = Damage(Encoding.UTF8.GetBytes(text), new Random(seed));
                try
                {
                    read(new MemoryStream(bytes));
                    return true.Label($"{format} read");
                }
                catch (InvalidDataException e)
                {
                    MovieLensReaderTests.AssertNoControlCharacters(e.Message, format);
                    return e.Message.StartsWith(Name + ", line ", StringComparison.Ordinal)
                        .Label($"{format}: message without file and line: {e.Message}");
                }
            });

    /// <summary>One to four random damages of one of seven kinds.</summary>
    private static byte[] Damage(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        for (var round = random.Next(1, 5); round > 0; round--)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8)); // flip a bit
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 9)));
                    break;
                case 4 when bytes.Count > 0:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, random.Next(1, 30)))); // duplicate a run
                    break;
                case 5:
                    bytes.InsertRange(at, "\t::,\"\r\n-1e999NaN99999999999"u8.ToArray().Skip(random.Next(20)).Take(random.Next(1, 8)));
                    break;
                default:
                    bytes = [.. Enumerable.Range(0, random.Next(0, 200)).Select(_ => (byte)random.Next(256))]; // pure noise
                    break;
            }
        }

        return [.. bytes];
    }
}
