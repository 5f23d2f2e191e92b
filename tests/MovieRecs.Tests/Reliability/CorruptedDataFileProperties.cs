using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// Every MovieLens reader, fed valid files damaged at random (truncated, bits flipped, bytes inserted, deleted or
/// duplicated, lines swapped, or pure random bytes): it either reads the file or throws the documented
/// <see cref="InvalidDataException"/> whose message names the file and the line; never another exception.
/// </summary>
public class CorruptedDataFileProperties
{
    private const string Name = "damaged.file";

    private static readonly (string Format, string Text, Func<Stream, object> Read)[] Formats =
    [
        ("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n244\t51\t2\t880606923\n",
            s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml100k, Name)),
        ("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1357::5::978298709\n3::3421::4::978298147\n",
            s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml1m, Name)),
        ("ratings.csv", "userId,movieId,rating,timestamp\n1,296,5.0,1147880044\n1,306,3.5,1147868817\n2,307,0.5,1147868828\n",
            s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml25m, Name)),
        ("movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n",
            s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml1m, Name)),
        ("movies.csv", "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,\"American President, The (1995)\",Comedy|Drama|Romance\n",
            s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml25m, Name)),
        ("users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n",
            s => MovieLensReader.ReadUsers(s, MovieLensRelease.Ml1m, Name)),
        ("tags.csv", "userId,movieId,tag,timestamp\n3,260,classic,1439472355\n3,260,sci-fi,1439472256\n4,1732,\"dark, comedy\",1573943598\n",
            s => MovieLensReader.ReadTags(s, MovieLensRelease.Ml25m, Name)),
        ("links.csv", "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113497,8844\n3,0113228,\n",
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
