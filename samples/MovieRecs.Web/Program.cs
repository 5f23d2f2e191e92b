using MovieRecs.Web;

// A recommendation service over a saved model and the MovieLens folder it was trained on:
//   dotnet run -c Release --project samples/MovieRecs.Web -- --model "$PWD/model.mrals" --data <folder> --urls http://127.0.0.1:5080
// (full paths: dotnet run starts the service in its project folder, against which relative paths would resolve).
// The API is described at /openapi/v1.json, the page is at /, and replacing the model file swaps the model in.
// A service that cannot start (no model, a damaged one, a missing data folder, a port in use) says why in one line
// on standard error and exits with 1.
return ServiceSetup.Run(WebApplication.CreateBuilder(args), args, Console.Error);
