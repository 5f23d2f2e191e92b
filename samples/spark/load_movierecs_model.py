"""Open a model that MovieRecs wrote in Spark's layout (movierecs train ... --format spark) with Spark, and score.

    python load_movierecs_model.py spark-model ml-latest-small

ALSModel.load reads the directory as it reads its own; transform scores (userId, movieId) pairs and
recommendForAllUsers ranks. Needs pyspark and a Java runtime. Not run in CI.
"""

import sys

from pyspark.ml.recommendation import ALSModel
from pyspark.sql import SparkSession

from train_als import read_ratings


def main():
    model_dir, release = sys.argv[1], sys.argv[2]
    spark = SparkSession.builder.appName("movierecs-load").master("local[*]").getOrCreate()
    model = ALSModel.load(model_dir)
    print(f"rank {model.rank}, {model.userFactors.count()} users, {model.itemFactors.count()} items")
    model.transform(read_ratings(spark, release).limit(5)).show()
    model.recommendForAllUsers(5).show(5, truncate=False)
    spark.stop()


if __name__ == "__main__":
    main()
