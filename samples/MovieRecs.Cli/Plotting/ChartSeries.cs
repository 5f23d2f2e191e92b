namespace MovieRecs.Cli.Plotting;

/// <summary>
/// One line of a <see cref="LineChart"/>: its legend name and its points (x ascending). A reference line (a baseline)
/// is drawn gray and dashed, without markers.
/// </summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Reference = false);
