namespace MovieRecs.Als;

/// <summary>Reported after each ALS iteration of a fit.</summary>
/// <param name="Iteration">The iteration just completed, from 1 to <paramref name="TotalIterations"/>.</param>
/// <param name="TotalIterations">The iterations this fit runs.</param>
/// <param name="IterationTime">The wall-clock time of this iteration (both half-steps, and the loss when computed).</param>
/// <param name="Elapsed">The wall-clock time since the fit started (preparation included).</param>
/// <param name="Loss">
/// The training loss after this iteration as <c>implicit</c> defines it, when <see cref="AlsOptions.ComputeLoss"/> is
/// set; otherwise <see langword="null"/>.
/// </param>
public readonly record struct AlsIterationProgress(
    int Iteration, int TotalIterations, TimeSpan IterationTime, TimeSpan Elapsed, double? Loss);
