Console.WriteLine("MovieRecs quickstart: under construction.");
