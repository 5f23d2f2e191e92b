namespace MovieRecs.Neighbors;

/// <summary>How an <see cref="ItemKnnModel"/> weighs the user x item matrix before it takes item dot products.</summary>
public enum ItemSimilarity
{
    /// <summary>Cosine: every item's column scaled to unit length (<c>implicit</c>'s <c>CosineRecommender</c>).</summary>
    Cosine,

    /// <summary>TF-IDF: items as documents, users as terms, <c>√value · idf(user)</c>, then scaled to unit length
    /// (<c>implicit</c>'s <c>TFIDFRecommender</c>).</summary>
    TfIdf,

    /// <summary>BM25 with <see cref="ItemKnnOptions.K1"/> and <see cref="ItemKnnOptions.B"/>, items as documents and
    /// users as terms, not normalised (<c>implicit</c>'s <c>BM25Recommender</c>).</summary>
    Bm25,
}
