using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

/// <summary>
/// The kernel table's widths as theory data for tests that compare the widths this machine runs: the accelerated
/// ones (the scalar width always is), and the others, which run as skipped tests with the reason, so a width that was
/// not tested shows up in the results as not tested.
/// </summary>
/// <remarks>
/// Use both on a theory: <c>[MemberData(nameof(AcceleratedWidths))]</c> and
/// <c>[MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]</c>. CI runs these tests
/// again with <c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c> and <c>DOTNET_EnableHWIntrinsic=0</c>, where
/// the narrower widths become the widest accelerated ones.
/// </remarks>
internal static class KernelWidths
{
    public const string NotAcceleratedReason =
        "this width is not hardware-accelerated here (CPU or DOTNET_Enable* settings); only accelerated widths are compared";

    public static TheoryData<string> Accelerated => Data(accelerated: true);

    public static TheoryData<string> NotAccelerated => Data(accelerated: false);

    public static SimdWidth Parse(string width) => Enum.Parse<SimdWidth>(width);

    private static TheoryData<string> Data(bool accelerated)
    {
        var data = new TheoryData<string>();
        foreach (var width in KernelTable.All)
        {
            if (KernelTable.IsAccelerated(width) == accelerated)
            {
                data.Add(width.ToString());
            }
        }

        return data;
    }
}
