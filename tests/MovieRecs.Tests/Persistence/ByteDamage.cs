namespace MovieRecs.Tests.Persistence;

/// <summary>
/// Random damage to a valid binary file, one of four kinds: a few bits flipped, a few bytes overwritten, the file cut
/// short, or random bytes spliced in, from a seeded <see cref="Random"/>. (The reliability properties' <c>FileCorruptionGen</c>
/// is the wider catalogue, as FsCheck generators.)
/// </summary>
internal static class ByteDamage
{
    /// <summary>A damaged copy of <paramref name="bytes"/> (the input is not changed).</summary>
    public static byte[] Apply(byte[] bytes, Random random)
    {
        var result = (byte[])bytes.Clone();
        switch (random.Next(4))
        {
            case 0: // flip a few bits anywhere
                for (var flips = random.Next(1, 5); flips > 0; flips--)
                {
                    result[random.Next(result.Length)] ^= (byte)(1 << random.Next(8));
                }

                return result;
            case 1: // overwrite a few bytes with random values
                for (var writes = random.Next(1, 5); writes > 0; writes--)
                {
                    result[random.Next(result.Length)] = (byte)random.Next(256);
                }

                return result;
            case 2: // cut the file short
                return result[..random.Next(result.Length)];
            default: // splice in random bytes
                var at = random.Next(result.Length);
                var junk = new byte[random.Next(1, 16)];
                random.NextBytes(junk);
                return [.. result[..at], .. junk, .. result[at..]];
        }
    }
}
