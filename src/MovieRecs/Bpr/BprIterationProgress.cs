namespace MovieRecs.Bpr;

/// <summary>Reported after each epoch of a <see cref="BprModel.Fit"/>.</summary>
/// <param name="Iteration">The epoch just completed, from 1 to <paramref name="TotalIterations"/>.</param>
/// <param name="TotalIterations">The epochs this fit runs.</param>
/// <param name="IterationTime">The wall-clock time of this epoch.</param>
/// <param name="Elapsed">The wall-clock time since the fit started (preparation included).</param>
/// <param name="TrainingAuc">
/// The fraction of this epoch's updated samples whose liked item already scored above the negative before the update
/// (<c>implicit</c>'s <c>train_auc</c>), or <see cref="double.NaN"/> when every sample was skipped.
/// </param>
/// <param name="SkippedFraction">
/// The fraction of this epoch's samples skipped because the negative was one of the user's items
/// (<see cref="BprOptions.VerifyNegativeSamples"/>).
/// </param>
public readonly record struct BprIterationProgress(
    int Iteration, int TotalIterations, TimeSpan IterationTime, TimeSpan Elapsed, double TrainingAuc, double SkippedFraction);
