using System.Diagnostics;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

public sealed partial class SyntheticMovieLens
{
    /// <summary>One generation run: the hidden model, then the ratings phase by phase.</summary>
    private sealed class Generator
    {
        // Taste clusters ("topics"); each has a main genre. Equal-sized, so a user's favourites say something.
        private const int Topics = 32;

        // Share of the draws that follow global popularity rather than the user's cluster affinity.
        private const double PopularityShare = 0.2;

        // Softmax temperature of the cluster affinity: the favourite of 32 clusters gets about a quarter of the draws.
        private const double TopicSharpness = 2.0;

        // Spread (log-normal sigma) of the user activity beyond the minimum.
        private const double ActivitySigma = 1.2;

        // The heaviest user rates at most this share of the movies (ml-1m: 2,314 of 3,706).
        private const double ActivityCapShare = 0.6;

        // Stream ids of the phases (each user gets one stream per phase).
        private const ulong StreamModel = 1;
        private const ulong StreamCounts = 2;
        private const ulong StreamFixup = 3;
        private const ulong StreamUsersFile = 4;
        private const ulong StreamMovieMeta = 5;
        private const ulong StreamSampling = 1UL << 40;
        private const ulong StreamScoring = 2UL << 40;

        // Prior share of each genre among the clusters' main genres (ml-1m's genre list order), roughly as in MovieLens.
        private static readonly double[] s_genrePrior =
        [
            0.08, 0.04, 0.015, 0.03, 0.2, 0.04, 0.03, 0.25, 0.012,
            0.008, 0.05, 0.02, 0.02, 0.07, 0.04, 0.07, 0.02, 0.012,
        ];

        // ml-1m marginals of 1..5 stars, and a half-star spread keeping the same 83.6 % at 3 or above.
        private static readonly double[] s_wholeStarShares = [0.056, 0.108, 0.261, 0.349, 0.226];
        private static readonly double[] s_halfStarShares = [0.012, 0.032, 0.014, 0.068, 0.038, 0.200, 0.115, 0.270, 0.090, 0.161];

        private readonly SyntheticMovieLensOptions _options;
        private readonly IProgress<double>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly ulong _seed;
        private readonly int _users;
        private readonly int _movies;
        private readonly int _ratings;
        private readonly int _rank;
        private readonly int _maxDegree;

        // Hidden model.
        private readonly float[] _userFactors;
        private readonly float[] _movieFactors;
        private readonly double[] _topicFactors;
        private readonly float[] _userBias;
        private readonly float[] _movieBias;
        private readonly int[] _movieTopic;
        private readonly int[] _topicGenre;
        private readonly double[] _moviePopularity;
        private readonly int[] _popularityRank;
        private readonly double[] _topicMass;
        private readonly int[] _topicStart;
        private readonly int[] _topicMovies;
        private readonly double[] _topicAliasProbability;
        private readonly int[] _topicAlias;
        private readonly double[] _globalAliasProbability;
        private readonly int[] _globalAlias;
        private readonly double _globalMass;

        // Ratings layout.
        private readonly int[] _userCounts;
        private readonly int[] _userOffsets;
        private long _usersDone;

        public Generator(SyntheticMovieLensOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
        {
            _options = options;
            _progress = progress;
            _cancellationToken = cancellationToken;
            _seed = unchecked((ulong)options.Seed);
            _users = options.Users;
            _movies = options.Movies;
            _ratings = options.Ratings;
            _rank = options.LatentRank;
            _maxDegree = options.MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;

            _userFactors = new float[(long)_users * _rank];
            _movieFactors = new float[(long)_movies * _rank];
            _topicFactors = new double[Topics * _rank];
            _userBias = new float[_users];
            _movieBias = new float[_movies];
            _movieTopic = new int[_movies];
            _topicGenre = new int[Topics];
            _moviePopularity = new double[_movies];
            _popularityRank = new int[_movies];
            _topicMass = new double[Topics];
            _topicStart = new int[Topics + 1];
            _topicMovies = new int[_movies];
            _topicAliasProbability = new double[_movies];
            _topicAlias = new int[_movies];
            _globalAliasProbability = new double[_movies];
            _globalAlias = new int[_movies];
            _userCounts = new int[_users];
            _userOffsets = new int[_users + 1];

            _globalMass = BuildModel();
            BuildUserCounts();
        }

        public SyntheticMovieLens Run()
        {
            Report(0.02);
            var movieOfRating = new int[_ratings];
            ForEachUserBatch(movieOfRating, static (generator, movies, first, end) => generator.SampleBatch(movies, first, end));
            Report(0.6);

            FillUnratedMovies(movieOfRating);
            _cancellationToken.ThrowIfCancellationRequested();
            Report(0.62);

            var scores = new float[_ratings];
            var timestamps = new long[_ratings];
            _usersDone = 0;
            ForEachUserBatch(movieOfRating, (generator, movies, first, end) => generator.ScoreBatch(movies, scores, timestamps, first, end));
            Report(0.8);

            CutIntoStars(scores);
            _cancellationToken.ThrowIfCancellationRequested();
            Report(0.95);

            var userIds = new int[_ratings];
            for (var u = 0; u < _users; u++)
            {
                userIds.AsSpan(_userOffsets[u], _userCounts[u]).Fill(u + 1);
            }

            for (var i = 0; i < movieOfRating.Length; i++)
            {
                movieOfRating[i]++;
            }

            var table = new RatingsTable(userIds, movieOfRating, scores, timestamps, validate: false);
            var movies = BuildMovies();
            var result = BuildUsers(table, movies);
            Report(1.0);
            return result;
        }

        private void Report(double fraction) => _progress?.Report(fraction);

        // ---------------------------------------------------------------- hidden model

        private double BuildModel()
        {
            var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamModel));
            var scale = 1 / Math.Sqrt(_rank);

            for (var i = 0; i < _topicFactors.Length; i++)
            {
                _topicFactors[i] = rng.NextGaussian() * scale;
            }

            for (var i = 0; i < _userFactors.Length; i++)
            {
                _userFactors[i] = (float)(rng.NextGaussian() * scale);
            }

            for (var u = 0; u < _users; u++)
            {
                _userBias[u] = (float)(0.45 * rng.NextGaussian());
            }

            // Main genre of each cluster from the prior (inverse CDF, sequential sums); movies spread evenly over clusters.
            var priorTotal = 0.0;
            foreach (var share in s_genrePrior)
            {
                priorTotal += share;
            }

            for (var t = 0; t < Topics; t++)
            {
                var x = rng.NextDouble() * priorTotal;
                var genre = 0;
                var cumulative = s_genrePrior[0];
                while (genre < s_genrePrior.Length - 1 && x >= cumulative)
                {
                    genre++;
                    cumulative += s_genrePrior[genre];
                }

                _topicGenre[t] = genre;
            }

            for (var m = 0; m < _movies; m++)
            {
                var topic = rng.NextInt(Topics);
                _movieTopic[m] = topic;
                for (var k = 0; k < _rank; k++)
                {
                    _movieFactors[(long)m * _rank + k] = (float)(0.8 * _topicFactors[topic * _rank + k] + 0.6 * scale * rng.NextGaussian());
                }
            }

            // Popularity: a random permutation of ranks, weight (r + r0)^-s e^(-3r/M).
            for (var m = 0; m < _movies; m++)
            {
                _popularityRank[m] = m;
            }

            for (var m = _movies - 1; m > 0; m--)
            {
                var j = rng.NextInt(m + 1);
                (_popularityRank[m], _popularityRank[j]) = (_popularityRank[j], _popularityRank[m]);
            }

            var offset = Math.Max(1.0, 0.06 * _movies);
            var exponent = _options.PopularityExponent;
            var globalMass = 0.0;
            for (var m = 0; m < _movies; m++)
            {
                var r = (double)_popularityRank[m];
                var weight = PortableMath.Exp(-exponent * PortableMath.Log(r + offset) - 3.0 * r / _movies);
                _moviePopularity[m] = weight;
                globalMass += weight;
                _topicMass[_movieTopic[m]] += weight;
                _movieBias[m] = (float)(0.35 * rng.NextGaussian() + 0.5 * (0.5 - r / _movies));
            }

            // Movies grouped by genre (ascending id inside each), then one alias table per genre and one global.
            for (var m = 0; m < _movies; m++)
            {
                _topicStart[_movieTopic[m] + 1]++;
            }

            for (var t = 0; t < Topics; t++)
            {
                _topicStart[t + 1] += _topicStart[t];
            }

            var fill = new int[Topics];
            for (var m = 0; m < _movies; m++)
            {
                var t = _movieTopic[m];
                _topicMovies[_topicStart[t] + fill[t]++] = m;
            }

            var scratch = new int[_movies];
            for (var t = 0; t < Topics; t++)
            {
                var start = _topicStart[t];
                var length = _topicStart[t + 1] - start;
                BuildAlias(_topicMovies.AsSpan(start, length), _topicMass[t],
                    _topicAliasProbability.AsSpan(start, length), _topicAlias.AsSpan(start, length), scratch);
            }

            var all = new int[_movies];
            for (var m = 0; m < _movies; m++)
            {
                all[m] = m;
            }

            BuildAlias(all, globalMass, _globalAliasProbability, _globalAlias, scratch);
            return globalMass;
        }

        /// <summary>
        /// Vose's alias method over <paramref name="items"/> weighted by popularity: slot i keeps item i with
        /// probability <c>probability[i]</c>, else gives <c>alias[i]</c> (a movie index).
        /// </summary>
        private void BuildAlias(ReadOnlySpan<int> items, double mass, Span<double> probability, Span<int> alias, int[] scratch)
        {
            var n = items.Length;
            if (n == 0)
            {
                return;
            }

            // scratch holds the small slots from the front and the large ones from the back.
            var small = 0;
            var large = n;
            for (var i = 0; i < n; i++)
            {
                probability[i] = _moviePopularity[items[i]] * n / mass;
                alias[i] = items[i];
                if (probability[i] < 1)
                {
                    scratch[small++] = i;
                }
                else
                {
                    scratch[--large] = i;
                }
            }

            var smallEnd = small;
            small = 0;
            var largeTop = large;
            while (small < smallEnd && largeTop < n)
            {
                var s = scratch[small++];
                var l = scratch[largeTop];
                alias[s] = items[l];
                probability[l] = probability[l] + probability[s] - 1;
                if (probability[l] < 1)
                {
                    // l becomes small: put it where the next small slot will be read.
                    largeTop++;
                    scratch[--small] = l;
                }
            }

            while (largeTop < n)
            {
                probability[scratch[largeTop++]] = 1;
            }

            while (small < smallEnd)
            {
                probability[scratch[small++]] = 1;
            }
        }

        // ---------------------------------------------------------------- user activity

        private void BuildUserCounts()
        {
            var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamCounts));
            var minimum = _options.MinRatingsPerUser;
            var cap = (int)Math.Min(_movies, Math.Max(Math.Floor(ActivityCapShare * _movies), ((long)_ratings + _users - 1) / _users));
            cap = Math.Max(cap, minimum);

            var weights = new double[_users];
            for (var u = 0; u < _users; u++)
            {
                weights[u] = PortableMath.Exp(ActivitySigma * rng.NextGaussian());
                _userCounts[u] = minimum;
            }

            long remaining = _ratings - (long)_users * minimum;
            while (remaining > 0)
            {
                var active = 0.0;
                for (var u = 0; u < _users; u++)
                {
                    if (_userCounts[u] < cap)
                    {
                        active += weights[u];
                    }
                }

                long handedOut = 0;
                for (var u = 0; u < _users; u++)
                {
                    if (_userCounts[u] < cap)
                    {
                        var share = (long)Math.Floor(remaining * (weights[u] / active));
                        share = Math.Min(share, cap - _userCounts[u]);
                        _userCounts[u] += (int)share;
                        handedOut += share;
                    }
                }

                remaining -= handedOut;
                if (handedOut == 0)
                {
                    // Every share rounded to zero, so fewer units remain than users below the cap:
                    // hand them out one each, starting at a random user.
                    var start = rng.NextInt(_users);
                    for (var i = 0; i < _users && remaining > 0; i++)
                    {
                        var u = (start + i) % _users;
                        if (_userCounts[u] < cap)
                        {
                            _userCounts[u]++;
                            remaining--;
                        }
                    }
                }
            }

            for (var u = 0; u < _users; u++)
            {
                _userOffsets[u + 1] = _userOffsets[u] + _userCounts[u];
            }

            Debug.Assert(_userOffsets[_users] == _ratings);
        }

        // ---------------------------------------------------------------- batches

        private void ForEachUserBatch(int[] movieOfRating, Action<Generator, int[], int, int> body)
        {
            var batchCount = Math.Min(_users, Math.Max(1, _maxDegree * 8));
            var parallelOptions = new ParallelOptions
            {
                MaxDegreeOfParallelism = _maxDegree,
                CancellationToken = _cancellationToken,
            };
            Parallel.For(0, batchCount, parallelOptions, batch =>
            {
                var first = (int)((long)_users * batch / batchCount);
                var end = (int)((long)_users * (batch + 1) / batchCount);
                body(this, movieOfRating, first, end);
            });
        }

        private void CountUsersDone(int users, double from, double to)
        {
            if (_progress is null)
            {
                return;
            }

            var done = Interlocked.Add(ref _usersDone, users);
            _progress.Report(from + (to - from) * done / _users);
        }

        // ---------------------------------------------------------------- sampling the rated movies

        private void SampleBatch(int[] movieOfRating, int firstUser, int endUser)
        {
            var taken = new int[_movies];
            taken.AsSpan().Fill(-1);
            Span<double> topicCumulative = stackalloc double[Topics];
            double[]? keys = null;
            int[]? candidates = null;
            var sinceReport = 0;

            for (var u = firstUser; u < endUser; u++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamSampling + (ulong)u));
                TopicPreferences(u, topicCumulative);
                var count = _userCounts[u];
                var output = movieOfRating.AsSpan(_userOffsets[u], count);
                var filled = 0;

                if ((long)count * 4 <= _movies)
                {
                    // Sequential draws, redrawing repeats: successive sampling without replacement.
                    var budget = 4L * count + 64;
                    for (long attempt = 0; attempt < budget && filled < count; attempt++)
                    {
                        var movie = Draw(ref rng, topicCumulative);
                        if (taken[movie] != u)
                        {
                            taken[movie] = u;
                            output[filled++] = movie;
                        }
                    }
                }

                if (filled < count)
                {
                    // A heavy user (or an unlucky one): the same successive sampling by exponential keys over the rest.
                    keys ??= new double[_movies];
                    candidates ??= new int[_movies];
                    filled = SampleByKeys(ref rng, u, topicCumulative, taken, output, filled, keys, candidates);
                }

                Debug.Assert(filled == count);
                if (++sinceReport == 256)
                {
                    CountUsersDone(sinceReport, 0.02, 0.6);
                    sinceReport = 0;
                }
            }

            CountUsersDone(sinceReport, 0.02, 0.6);
        }

        /// <summary>Fills <paramref name="cumulative"/> with the user's cumulative genre probabilities.</summary>
        private void TopicPreferences(int user, Span<double> cumulative)
        {
            var factors = _userFactors.AsSpan(user * _rank, _rank);
            var sqrtRank = Math.Sqrt(_rank);
            var total = 0.0;
            for (var t = 0; t < Topics; t++)
            {
                if (_topicMass[t] == 0)
                {
                    cumulative[t] = total;
                    continue;
                }

                var dot = 0.0;
                for (var k = 0; k < _rank; k++)
                {
                    dot += factors[k] * _topicFactors[t * _rank + k];
                }

                total += PortableMath.Exp(TopicSharpness * sqrtRank * dot);
                cumulative[t] = total;
            }

            for (var t = 0; t < Topics; t++)
            {
                cumulative[t] /= total;
            }
        }

        private int Draw(ref Xoshiro256StarStar rng, ReadOnlySpan<double> topicCumulative)
        {
            var x = rng.NextDouble();
            if (x < PopularityShare)
            {
                var slot = rng.NextInt(_movies);
                return rng.NextDouble() < _globalAliasProbability[slot] ? slot : _globalAlias[slot];
            }

            var y = (x - PopularityShare) / (1 - PopularityShare);
            var topic = 0;
            while (topic < Topics - 1 && (y >= topicCumulative[topic] || _topicMass[topic] == 0))
            {
                topic++;
            }

            while (_topicMass[topic] == 0)
            {
                topic--;
            }

            var start = _topicStart[topic];
            var index = start + rng.NextInt(_topicStart[topic + 1] - start);
            return rng.NextDouble() < _topicAliasProbability[index] ? _topicMovies[index] : _topicAlias[index];
        }

        /// <summary>The probability that one draw of <see cref="Draw"/> gives <paramref name="movie"/>.</summary>
        private double DrawProbability(int movie, ReadOnlySpan<double> topicCumulative)
        {
            var topic = _movieTopic[movie];
            var topicShare = topicCumulative[topic] - (topic == 0 ? 0 : topicCumulative[topic - 1]);
            var popularity = _moviePopularity[movie];
            return PopularityShare * popularity / _globalMass + (1 - PopularityShare) * topicShare * popularity / _topicMass[topic];
        }

        /// <summary>
        /// Weighted sampling without replacement by exponential keys (Efraimidis and Spirakis 2006): the
        /// movies with the smallest Exp(1)/weight, in increasing key order, continue the user's sequence.
        /// </summary>
        private int SampleByKeys(
            ref Xoshiro256StarStar rng, int user, ReadOnlySpan<double> topicCumulative, int[] taken,
            Span<int> output, int filled, double[] keys, int[] candidates)
        {
            var n = 0;
            for (var m = 0; m < _movies; m++)
            {
                if (taken[m] == user)
                {
                    continue;
                }

                var weight = DrawProbability(m, topicCumulative);
                keys[n] = -PortableMath.Log(rng.NextDoubleNonZero()) / weight;
                candidates[n] = m;
                n++;
            }

            Array.Sort(keys, candidates, 0, n);
            var need = output.Length - filled;
            Debug.Assert(need <= n);
            for (var i = 0; i < need; i++)
            {
                var movie = candidates[i];
                taken[movie] = user;
                output[filled++] = movie;
            }

            return filled;
        }

        // ---------------------------------------------------------------- every movie rated

        /// <summary>
        /// Gives each movie nobody rated one rating, taken from a random user's rating of a movie that has
        /// two or more, so the counts stay exact. Stops early only when the shape cannot rate every movie.
        /// </summary>
        private void FillUnratedMovies(int[] movieOfRating)
        {
            var ratingsOfMovie = new int[_movies];
            foreach (var movie in movieOfRating)
            {
                ratingsOfMovie[movie]++;
            }

            var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamFixup));
            var scanStart = 0;
            for (var m = 0; m < _movies; m++)
            {
                if (ratingsOfMovie[m] != 0)
                {
                    continue;
                }

                var slot = -1;
                for (var attempt = 0; attempt < 64 && slot < 0; attempt++)
                {
                    var user = rng.NextInt(_users);
                    var candidate = _userOffsets[user] + rng.NextInt(_userCounts[user]);
                    if (ratingsOfMovie[movieOfRating[candidate]] >= 2)
                    {
                        slot = candidate;
                    }
                }

                for (var i = 0; i < _ratings && slot < 0; i++)
                {
                    var candidate = (scanStart + i) % _ratings;
                    if (ratingsOfMovie[movieOfRating[candidate]] >= 2)
                    {
                        slot = candidate;
                        scanStart = candidate + 1;
                    }
                }

                if (slot < 0)
                {
                    return; // fewer ratings than movies: every rating is already of a distinct movie
                }

                ratingsOfMovie[movieOfRating[slot]]--;
                movieOfRating[slot] = m;
                ratingsOfMovie[m] = 1;
            }
        }

        // ---------------------------------------------------------------- scores and timestamps

        private void ScoreBatch(int[] movieOfRating, float[] scores, long[] timestamps, int firstUser, int endUser)
        {
            var sqrtRank = Math.Sqrt(_rank);
            var first = _options.FirstRatingTime.ToUnixTimeSeconds();
            var last = _options.LastRatingTime.ToUnixTimeSeconds();
            var gaps = new long[_movies];
            var sinceReport = 0;

            for (var u = firstUser; u < endUser; u++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamScoring + (ulong)u));
                var offset = _userOffsets[u];
                var count = _userCounts[u];
                var userFactors = _userFactors.AsSpan(u * _rank, _rank);
                var userBias = _userBias[u];

                for (var i = offset; i < offset + count; i++)
                {
                    var movie = movieOfRating[i];
                    var movieFactors = _movieFactors.AsSpan(movie * _rank, _rank);
                    var dot = 0.0;
                    for (var k = 0; k < _rank; k++)
                    {
                        dot += (double)userFactors[k] * movieFactors[k];
                    }

                    scores[i] = (float)(0.9 * sqrtRank * dot + userBias + _movieBias[movie] + 0.7 * rng.NextGaussian());
                }

                WriteTimestamps(ref rng, timestamps.AsSpan(offset, count), gaps.AsSpan(0, count), first, last);
                if (++sinceReport == 256)
                {
                    CountUsersDone(sinceReport, 0.62, 0.8);
                    sinceReport = 0;
                }
            }

            CountUsersDone(sinceReport, 0.62, 0.8);
        }

        /// <summary>
        /// Strictly increasing times in sessions: mostly seconds to minutes apart, sometimes hours to days,
        /// rarely months; squeezed into [<paramref name="first"/>, <paramref name="last"/>] when too long.
        /// </summary>
        private static void WriteTimestamps(ref Xoshiro256StarStar rng, Span<long> output, Span<long> gaps, long first, long last)
        {
            var total = 0L;
            gaps[0] = 0;
            for (var i = 1; i < gaps.Length; i++)
            {
                var kind = rng.NextDouble();
                var gap = kind < 0.86 ? rng.NextLong(4, 240)
                    : kind < 0.98 ? rng.NextLong(600, 3 * 86_400)
                    : rng.NextLong(3 * 86_400, 120 * 86_400);
                gaps[i] = gap;
                total += gap;
            }

            var window = last - first;
            if (total > window)
            {
                // Squeeze every gap by the same factor, keeping each at least one second.
                var factor = (double)(window - gaps.Length) / total;
                total = 0;
                for (var i = 1; i < gaps.Length; i++)
                {
                    gaps[i] = 1 + (long)(gaps[i] * factor);
                    total += gaps[i];
                }
            }

            // Start uniformly among the times that keep the whole history inside the window.
            var time = rng.NextLong(first, last - total);
            for (var i = 0; i < output.Length; i++)
            {
                time += gaps[i];
                output[i] = time;
            }
        }

        // ---------------------------------------------------------------- stars

        /// <summary>Replaces each score by its star value: the score's quantile cut at the target marginals.</summary>
        private void CutIntoStars(float[] scores)
        {
            var shares = _options.HalfStarRatings ? s_halfStarShares : s_wholeStarShares;

            // thresholds[c] is the smallest score of class c + 1: the score of rank round(cumulative share × n).
            var ranks = new int[shares.Length - 1];
            var cumulative = 0.0;
            for (var c = 0; c < ranks.Length; c++)
            {
                cumulative += shares[c];
                ranks[c] = (int)Math.Min(_ratings - 1, Math.Round(cumulative * _ratings));
            }

            var thresholds = RankSelection.Select(scores, ranks);
            var step = _options.HalfStarRatings ? 0.5f : 1f;
            for (var i = 0; i < scores.Length; i++)
            {
                var score = scores[i];
                var c = 0;
                while (c < thresholds.Length && score >= thresholds[c])
                {
                    c++;
                }

                scores[i] = step * (c + 1);
            }
        }

        // ---------------------------------------------------------------- movies and users

        private Movie[] BuildMovies()
        {
            var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamMovieMeta));
            var lastYear = _options.LastRatingTime.Year;
            const int FirstYear = 1919;
            var span = lastYear - FirstYear + 1;
            var movies = new Movie[_movies];
            var genreCount = GenreNames.Count;
            Span<bool> has = stackalloc bool[genreCount];
            for (var m = 0; m < _movies; m++)
            {
                // Skewed toward recent years, as MovieLens catalogues are.
                var x = rng.NextDouble();
                var year = lastYear - (int)(span * x * x);
                has.Clear();
                has[_topicGenre[_movieTopic[m]]] = true;
                if (rng.NextDouble() < 0.45)
                {
                    has[rng.NextInt(genreCount)] = true;
                }

                if (rng.NextDouble() < 0.15)
                {
                    has[rng.NextInt(genreCount)] = true;
                }

                var count = 0;
                foreach (var flag in has)
                {
                    count += flag ? 1 : 0;
                }

                var genres = new string[count];
                var g = 0;
                for (var genre = 0; genre < genreCount; genre++)
                {
                    if (has[genre])
                    {
                        genres[g++] = GenreNames[genre];
                    }
                }

                var id = m + 1;
                movies[m] = new Movie(id, $"Synthetic Movie {id} ({year})", year, Array.AsReadOnly(genres));
            }

            return movies;
        }

        private SyntheticMovieLens BuildUsers(RatingsTable table, Movie[] movies)
        {
            // ml-1m's age groups and their shares; gender 72 % male; occupations 0..20; five-digit zip codes.
            ReadOnlySpan<double> ageShares = [0.037, 0.183, 0.347, 0.198, 0.091, 0.082, 0.062];
            var gender = new byte[_users];
            var age = new byte[_users];
            var occupation = new byte[_users];
            var zip = new int[_users];
            var rng = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, StreamUsersFile));
            for (var u = 0; u < _users; u++)
            {
                gender[u] = rng.NextDouble() < 0.72 ? (byte)'M' : (byte)'F';
                var x = rng.NextDouble();
                var group = 0;
                var cumulative = ageShares[0];
                while (group < ageShares.Length - 1 && x >= cumulative)
                {
                    group++;
                    cumulative += ageShares[group];
                }

                age[u] = (byte)group;
                occupation[u] = (byte)rng.NextInt(21);
                zip[u] = 1000 + rng.NextInt(99_000);
            }

            return new SyntheticMovieLens(_options, table, movies, gender, age, occupation, zip);
        }
    }
}
