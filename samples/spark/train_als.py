"""Train implicit ALS on a MovieLens release with Apache Spark MLlib and save the model for MovieRecs to serve.

    python train_als.py ml-latest-small spark-model [--rank 64] [--max-iter 10] [--reg-param 0.1] [--alpha 1.0]

Reads ratings.csv (ml-latest-small, ml-20m, ml-25m, ml-32m), ratings.dat (ml-1m, ml-10m) or u.data (ml-100k) from
the release folder, keeps ratings >= --min-rating (value = rating, as `movierecs train` does), fits
pyspark.ml.recommendation.ALS with implicitPrefs=True and saves the fitted ALSModel with model.write().save(...).
Needs pyspark (pip install pyspark) and a Java runtime; runs on one machine with local[*], or unchanged on a
cluster with spark-submit. Not run in CI.
"""

import argparse
import os

from pyspark.ml.recommendation import ALS
from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def read_ratings(spark, folder):
    """The release's ratings as (userId, movieId, rating), whatever its file layout."""
    csv = os.path.join(folder, "ratings.csv")
    dat = os.path.join(folder, "ratings.dat")
    udata = os.path.join(folder, "u.data")
    if os.path.exists(csv):
        frame = spark.read.csv(csv, header=True, inferSchema=True)
    elif os.path.exists(dat):
        parts = F.split(F.col("value"), "::")
        frame = spark.read.text(dat).select(parts[0].alias("userId"), parts[1].alias("movieId"), parts[2].alias("rating"))
    elif os.path.exists(udata):
        parts = F.split(F.col("value"), "\t")
        frame = spark.read.text(udata).select(parts[0].alias("userId"), parts[1].alias("movieId"), parts[2].alias("rating"))
    else:
        raise SystemExit(f"no ratings.csv, ratings.dat or u.data in {folder}")
    return frame.select(
        F.col("userId").cast("int"), F.col("movieId").cast("int"), F.col("rating").cast("float"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("release", help="a MovieLens release folder")
    parser.add_argument("out", help="the model directory to write (replaced if it exists)")
    parser.add_argument("--rank", type=int, default=64)
    parser.add_argument("--max-iter", type=int, default=10)
    parser.add_argument("--reg-param", type=float, default=0.1)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--min-rating", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    spark = SparkSession.builder.appName("movierecs-als").master(os.environ.get("SPARK_MASTER", "local[*]")).getOrCreate()
    ratings = read_ratings(spark, args.release).where(F.col("rating") >= args.min_rating)
    als = ALS(
        rank=args.rank,
        maxIter=args.max_iter,
        regParam=args.reg_param,
        alpha=args.alpha,
        implicitPrefs=True,
        userCol="userId",
        itemCol="movieId",
        ratingCol="rating",
        coldStartStrategy="drop",
        seed=args.seed,
    )
    model = als.fit(ratings)
    model.write().overwrite().save(args.out)
    print(f"saved {args.out}: rank {model.rank}, {model.userFactors.count()} users, {model.itemFactors.count()} items")
    print(f"serve it: movierecs recommend {args.out} --data {args.release} --user 1")
    print(f"hyperparameters for fold-in and explain: regParam {args.reg_param}, alpha {args.alpha}")
    spark.stop()


if __name__ == "__main__":
    main()
